/* timing.h -- phase-timing lines parsed from a workload's output streams. */
#ifndef BENCHD_TIMING_H
#define BENCHD_TIMING_H

#include <stddef.h>
#include <stdint.h>

/*
 * A timing line is
 *
 *	[blanks] PREFIX ':' { blanks KEY '=' VALUE }
 *
 * with exactly one phase=NAME and exactly one of time_ms=, time_us= or
 * time_ns= (DIGITS or DIGITS.DIGITS, rounded half up to whole nanoseconds).
 * Other keys, and words without '=', are ignored.  A line of more than
 * TIMING_LINE_MAX bytes is never held: it is skipped, and counted as
 * malformed when its start carries a prefix.  timing.c has the full rules.
 */
#define TIMING_PREFIX_BUILD	"ORI_BUILD_TIMING"
#define TIMING_PREFIX_TEST	"ORI_TEST_TIMING"

#define TIMING_LINE_MAX		4096	/* bytes, without the newline */
#define TIMING_PREFIX_MAX	64	/* bytes in a prefix */
#define TIMING_PHASE_MAX	64	/* bytes in a phase name */
#define TIMING_PHASES_MAX	256	/* distinct (prefix, phase) pairs */
#define TIMING_EXAMPLE_MAX	200	/* line bytes kept for the example */

#define TIMING_STDOUT		0
#define TIMING_STDERR		1

/* Aggregate of one (prefix, phase) over the lines seen since the reset. */
struct timing_phase {
	const char	*prefix;
	const char	*phase;
	uint64_t	 count;
	uint64_t	 total_ns;	/* saturates at UINT64_MAX */
	uint64_t	 max_ns;
};

struct timing;

/* 1 to TIMING_PREFIX_MAX of [A-Za-z0-9_.-]; the config checks with this. */
int			 timing_prefix_valid(const char *);

/*
 * nprefixes == 0 selects TIMING_PREFIX_BUILD and TIMING_PREFIX_TEST; an
 * invalid prefix is fatal.
 */
struct timing		*timing_new(char *const *prefixes, size_t nprefixes);
void			 timing_free(struct timing *);
void			 timing_reset(struct timing *);
void			 timing_feed(struct timing *, int stream, const void *buf,
			     size_t len);
void			 timing_finish(struct timing *);

/* Phases in first-seen order; pointers stay valid until reset or free. */
size_t			 timing_count(const struct timing *);
const struct timing_phase *timing_get(const struct timing *, size_t);

/*
 * Malformed lines since the reset.  The example is the first one: its
 * first TIMING_EXAMPLE_MAX bytes ("..." appended when cut), bytes that are
 * not printable UTF-8 written \xHH and '\' as "\\", so it is valid UTF-8
 * without control characters.  Example and reason are NULL when none.
 */
uint64_t		 timing_malformed(const struct timing *);
const char		*timing_malformed_example(const struct timing *);
const char		*timing_malformed_reason(const struct timing *);

/* Bytes of an unfinished line held for a stream (at most TIMING_LINE_MAX). */
size_t			 timing_pending(const struct timing *, int stream);

#endif
