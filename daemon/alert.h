/*
 * alert.h -- notifications: what an event is, when one is worth telling,
 * and what each target is sent.  The rules and the bodies here are pure
 * (tests/unit/test-alert.c); store-alert.c keeps the outbox,
 * alert-event.c makes the events where the findings are, and
 * alert-deliver.c sends them from a thread of its own.
 */
#ifndef BENCHD_ALERT_H
#define BENCHD_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "rules.h"

struct session_verdict;

enum alert_kind {
	ALERT_REGRESSION,	/* a confirmed regressed verdict */
	ALERT_IMPROVEMENT,	/* a confirmed improved verdict */
	ALERT_FAILED,		/* a session failed */
	ALERT_CONDITIONS,	/* not canonical for longer than notify_after */
	ALERT_STALLED,		/* the queue has not moved for that long */
	ALERT_CHANGEPOINT,	/* a change point in a suite's history */
	ALERT_NOISE,		/* a calibration learned more noise */
	ALERT_NKINDS
};

/* "regression", ...; the event's "event" member and the outbox's kind. */
const char	*alert_kind_name(enum alert_kind);
/* The journal's MESSAGE_ID of a kind: 32 hex digits, fixed forever. */
const char	*alert_kind_message_id(enum alert_kind);

/* A phase that moved with a verdict. */
struct alert_phase {
	const char	*prefix;
	const char	*phase;
	double		 change;	/* relative */
	enum verdict	 verdict;
};

/* One event as the code that found it says it; strings may be NULL. */
struct alert_event {
	enum alert_kind		 kind;
	int64_t			 time_ms;	/* ms since the epoch */
	const char		*host;
	int64_t			 session;	/* 0: none */
	const char		*suite;
	const char		*params;	/* JSON object text */
	const char		*rev;
	/* A verdict (regression, improvement). */
	int64_t			 baseline;
	const char		*baseline_rev;
	const char		*metric;
	enum verdict		 verdict;
	double			 change;
	double			 ci_low;
	double			 ci_high;
	double			 threshold;
	const struct alert_phase *phases;
	size_t			 nphases;
	/* A failure, a wait, a stall: why, and for how long (seconds). */
	const char		*reason;
	int64_t			 seconds;
	/* Noise (a calibration); a change point's means before and after
	 * (change is its relative step, p its significance). */
	int64_t			 calibration;
	double			 p;
	double			 before;	/* NAN: not known */
	double			 after;
	/* What to type to see more. */
	const char		*command;
};

/* One line for people: the journal's MESSAGE and Slack's text. */
char		*alert_summary(const struct alert_event *);
/* The event as the JSON object every target gets (without its id). */
char		*alert_payload(const struct alert_event *);
/*
 * What a target is sent for the event with id id and payload text: the
 * payload with "id" added (NOTIFY_JSON), or {"text": ...} with the
 * summary and command escaped for Slack (NOTIFY_SLACK).  NULL when the
 * payload is not a JSON object.
 */
char		*alert_body(const char *payload, int64_t id, enum notify_format);
/* Text with Slack's three control characters escaped (&, <, >). */
char		*alert_slack_escape(const char *);

/*
 * The wait before the next try after failures failed ones (1, 2, ...):
 * base, 2 base, 4 base ... at most max; in ms.
 */
int64_t		 alert_backoff_ms(int failures, double base, double max);

/*
 * Whether a verdict is a finding worth telling at all: regressed or
 * improved, and the change at least min_change either way.
 */
int		 alert_verdict_tellable(enum verdict, double change,
		     double min_change);
/*
 * Until an A/B confirmation exists: a verdict is confirmed when the
 * session before it (same suite and parameter values) said the same
 * against the same baseline.  prev may be NULL (there is none).
 */
int		 alert_verdict_confirmed(const struct session_verdict *v,
		     const struct session_verdict *prev);
/*
 * Whether a calibration's learned noise rose: after is at least
 * (1 + rise) times before, both known and before above 0.
 */
int		 alert_noise_rose(double before, double after, double rise);
/*
 * Whether a change point is told when the session at index last of a
 * history ends: the new level began among its last ALERT_CP_RECENT
 * sessions (older ones were there to be told before), and moved the
 * mean by at least min_change.
 */
#define ALERT_CP_RECENT	10
int		 alert_change_point_recent(size_t index, size_t n, double rel,
		     double min_change);
/*
 * What makes two verdicts one finding: suite, parameter values, metric,
 * baseline and direction.  A level shift that every later session sees
 * again against the same baseline has one key, so one alert.
 */
char		*alert_dedupe_key(const char *suite, const char *params,
		     const char *metric, int64_t baseline, enum verdict);

#endif
