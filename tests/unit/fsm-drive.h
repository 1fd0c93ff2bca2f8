/*
 * fsm-drive.h -- driving the session state machine in unit tests.
 */
#ifndef BENCHD_FSM_DRIVE_H
#define BENCHD_FSM_DRIVE_H

#include "fsm.h"

/* One event with its reason: the action the machine asks for. */
enum fsm_action	ev(struct fsm *, enum fsm_event, const char *reason);
/* The child ended (ok or not) after wall seconds; why when it failed. */
enum fsm_action	exited(struct fsm *, int ok, double wall, const char *why);
/* A measured run another process disturbed, recorded: the next action. */
enum fsm_action	disturbed_run(struct fsm *, double wall);
/* fsm_init with a plan of these. */
void		plan(struct fsm *, int build, int warmup, int runs,
		    int max_runs, double cv, int profile);
/* One run that succeeds and is recorded: the action after it. */
enum fsm_action	one_run(struct fsm *, double wall);
/* From IDLE to the first warmup, through the gate and the build. */
void		begin(struct fsm *);

#endif
