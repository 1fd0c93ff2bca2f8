/*
 * demo.h -- what the parts of benchd-demo share: buffered output, the
 * phases behind timing lines and the effects main() runs in order.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>
#include <stdint.h>

#define DEMO_BLOCK	65536	/* filler write size; a multiple of 64 */

struct demo_phase {
	char		*name;
	double		 ms;		/* total per run, before slowing */
	double		 slow;		/* --slow-phase factor */
	uint64_t	 total_us;	/* what the lines add up to */
	uint64_t	 lines;
	uint64_t	 done;
	char		*head;		/* "PREFIX: phase=NAME time_us=" */
	size_t		 headlen;
};

/* Buffered output to one descriptor; a dead one swallows everything. */
struct demo_out {
	int		 fd;
	int		 dead;
	size_t		 used;
	char		 buf[DEMO_BLOCK];
};

/* demo-out.c */
extern struct demo_out	out_stdout;
extern struct demo_out	out_stderr;
void	out_put(struct demo_out *, const char *, size_t);
void	out_flush_all(void);
void	out_filler(struct demo_out *, const char *, uint64_t);
void	out_env_dump(void);
void	out_timing_lines(struct demo_out *, struct demo_phase *, size_t,
	    uint64_t, int);

/* demo-work.c */
double	work_user_ms(void);
void	burn_until(double);
void	work_sleep_ms(double);
void	work_touch(uint64_t);
void	work_grandchild(double, int, int);
void	work_die_by_signal(int);

#endif /* DEMO_H */
