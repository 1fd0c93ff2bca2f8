/*
 * output.c -- the units benchctl prints numbers in, and safe printing.
 *
 * One set of rules, used by every command and by the dashboard
 * (common/units.c):
 *   times     >= 1 s as "59.120 s", >= 1 ms as "512.3 ms", else "41.0 µs";
 *             a value and its spread ("mean ± sd") share the unit of the
 *             value; each time column of "runs" the unit of its largest;
 *   memory    "812 KiB", "793.3 MiB", "1.52 GiB";
 *   ratios    as percentages with two decimals, "0.69%"; a share of a
 *             whole (phases) and a change between sessions with one,
 *             "9.1%", "+1.4%";
 *   durations "42.0s", "2m 06s", "1h 02m", "3d 04h".
 * Text from benchd (labels, reasons, messages) is printed with its control
 * characters escaped ("\n", "\x1b"), so that a label can neither drive the
 * terminal nor forge a line: output_line prints one line so; a table cell
 * or note is escaped whole; output_printf, whose format may hold line
 * breaks, escapes all but newlines.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "units.h"
#include "xmalloc.h"
#include "client.h"

static void	output_vprint(int, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* vasprintf that never fails. */
char *
output_vformat(const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*s;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("bad format");
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return (s);
}

/*
 * s with each control character escaped: "\n", "\r", "\t" and "\xHH" for
 * the C0 controls and DEL, "\u0080" to "\u009f" for the C1 controls (which
 * some terminals obey too).  Newlines are kept when keepnl.  Caller frees.
 */
char *
output_escape(const char *s, int keepnl)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*e, *q;

	/* The longest escape, "\u009f", takes 6 bytes for 2. */
	e = q = xmalloc(strlen(s) * 4 + 1);
	for (; *p != '\0'; p++) {
		if (*p == '\n' && keepnl)
			*q++ = '\n';
		else if (*p == '\n')
			q += sprintf(q, "\\n");
		else if (*p == '\r')
			q += sprintf(q, "\\r");
		else if (*p == '\t')
			q += sprintf(q, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			q += sprintf(q, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			q += sprintf(q, "\\u%04x", *++p);
		else
			*q++ = (char)*p;
	}
	*q = '\0';
	return (e);
}

/* Replace the string *sp (allocated) by its escaped copy. */
void
output_clean(char **sp, int keepnl)
{
	char	*e = output_escape(*sp, keepnl);

	free(*sp);
	*sp = e;
}

/* Print fmt escaped: a line of it, or with its newlines when keepnl. */
static void
output_vprint(int keepnl, const char *fmt, va_list ap)
{
	char	*s = output_vformat(fmt, ap);

	output_clean(&s, keepnl);
	fputs(s, stdout);
	if (!keepnl)
		fputc('\n', stdout);
	free(s);
}

/* One line of text, every control character in it escaped. */
void
output_line(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	output_vprint(0, fmt, ap);
	va_end(ap);
}

/* Columns a string takes: UTF-8 characters, counted by their lead bytes. */
size_t
output_width(const char *s)
{
	size_t	w = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	return (w);
}

/* Text whose format may break lines: all but newlines escaped. */
void
output_printf(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	output_vprint(1, fmt, ap);
	va_end(ap);
}

/* A time in seconds, in the unit that suits ref (see the top comment). */
const char *
output_seconds(char *buf, size_t len, double value, double ref)
{
	return (units_seconds(buf, len, value, ref));
}

/* "mean ± sd" in one unit; sd may be NULL (undefined for one run). */
const char *
output_seconds_pm(char *buf, size_t len, double mean, const double *sd)
{
	char	a[OUTPUT_LEN], b[OUTPUT_LEN];

	output_seconds(a, sizeof a, mean, mean);
	if (sd == NULL)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s ± %s", a,
		    output_seconds(b, sizeof b, *sd, mean));
	return (buf);
}

/* A Stats object (docs/PROTOCOL.md) as "mean ± stddev", "-" if empty. */
const char *
output_stats_pm(char *buf, size_t len, const cJSON *stats)
{
	double	mean, sd;

	if (json_number(stats, "mean", &mean) == -1)
		snprintf(buf, len, "-");
	else if (json_number(stats, "stddev", &sd) == -1)
		output_seconds_pm(buf, len, mean, NULL);
	else
		output_seconds_pm(buf, len, mean, &sd);
	return (buf);
}

/* Kibibytes, in the unit that suits ref. */
const char *
output_kib(char *buf, size_t len, double kib, double ref)
{
	return (units_kib(buf, len, kib, ref));
}

const char *
output_percent(char *buf, size_t len, double ratio)
{
	return (units_ratio(buf, len, ratio, 2, 0));
}

/* A part of a whole, "9.1%". */
const char *
output_share(char *buf, size_t len, double ratio)
{
	return (units_ratio(buf, len, ratio, 1, 0));
}

/* A relative change with its sign, "+1.4%", "-0.3%". */
const char *
output_change(char *buf, size_t len, double ratio)
{
	return (units_ratio(buf, len, ratio, 1, 1));
}

const char *
output_duration(char *buf, size_t len, double secs)
{
	return (units_duration(buf, len, secs));
}

/* Parse benchd's "2026-11-27T18:43:06Z" (fractions ignored). */
static int
output_timestamp(const char *s, time_t *tp)
{
	struct tm	tm;
	int		n = 0;

	if (s == NULL)
		return (-1);
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n == 0)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((*tp = timegm(&tm)) == (time_t)-1)
		return (-1);
	return (0);
}

/* Seconds from one timestamp to another, or -1 if either is unreadable. */
int
output_elapsed(const char *from, const char *to, double *secs)
{
	time_t	a, b;

	if (output_timestamp(from, &a) == -1 || output_timestamp(to, &b) == -1)
		return (-1);
	*secs = difftime(b, a);
	return (0);
}

/* "[=======>     ]" for run of total. */
static void
output_bar(char *buf, size_t len, int64_t run, int64_t of)
{
	const int	width = 20;
	int		filled, i;
	size_t		off = 0;

	if (len < (size_t)width + 3)
		fatalx("output_bar: buffer too small");
	filled = run >= of ? width : (int)(run * width / of);
	buf[off++] = '[';
	for (i = 0; i < width; i++) {
		if (i < filled - 1 || (i == filled - 1 && run >= of))
			buf[off++] = '=';
		else if (i == filled - 1)
			buf[off++] = '>';
		else
			buf[off++] = ' ';
	}
	buf[off++] = ']';
	buf[off] = '\0';
}

/*
 * One progress line, "#12 demo  measured  run 3/5  [===>  ]  last 0.512 s",
 * from a Session's progress or a session.progress notification (both carry
 * phase, run, of and last_wall). A session held by the conditions gate says
 * since when and why instead. Caller frees.
 */
char *
output_progress(int64_t id, const char *suite, const cJSON *p, int bar)
{
	const char	*phase, *since, *why;
	char		 runs[OUTPUT_LEN], barbuf[OUTPUT_LEN];
	char		 last[OUTPUT_LEN], secs[OUTPUT_LEN], *line;
	int64_t		 run, of;
	double		 wall;

	if ((phase = json_string(p, "phase")) == NULL &&
	    (phase = json_string(p, "state")) == NULL)
		phase = "-";
	if (strcmp(phase, "waiting-conditions") == 0) {
		since = json_string(p, "since");
		why = json_string(p, "waiting");
		xasprintf(&line, "#%lld %s  waiting for canonical conditions"
		    "%s%s%s%s", (long long)id, suite == NULL ? "-" : suite,
		    since != NULL ? " since " : "", since != NULL ? since : "",
		    why != NULL ? ": " : "", why != NULL ? why : "");
		output_clean(&line, 0);
		return (line);
	}
	runs[0] = barbuf[0] = last[0] = '\0';
	if (json_int(p, "run", &run) == 0 && json_int(p, "of", &of) == 0 &&
	    run >= 0 && of > 0) {
		snprintf(runs, sizeof runs, "  run %lld/%lld", (long long)run,
		    (long long)of);
		if (bar) {
			barbuf[0] = barbuf[1] = ' ';
			output_bar(barbuf + 2, sizeof barbuf - 2, run, of);
		}
	}
	if (json_number(p, "last_wall", &wall) == 0)
		snprintf(last, sizeof last, "  last %s",
		    output_seconds(secs, sizeof secs, wall, wall));
	xasprintf(&line, "#%lld %s  %s%s%s%s", (long long)id,
	    suite == NULL ? "-" : suite, phase, runs, barbuf, last);
	output_clean(&line, 0);
	return (line);
}

/* A p-value: four decimals, "<0.0001" below that. */
const char *
output_pvalue(char *buf, size_t len, double p)
{
	return (units_pvalue(buf, len, p));
}

/* A change with its 95% CI, "+3.1% [+1.8%, +4.4%]"; lo or hi may be NaN. */
const char *
output_change_ci(char *buf, size_t len, double change, double lo, double hi)
{
	char	a[OUTPUT_LEN], b[OUTPUT_LEN], c[OUTPUT_LEN];

	output_change(a, sizeof a, change);
	if (!isfinite(change) || !isfinite(lo) || !isfinite(hi))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s [%s, %s]", a,
		    output_change(b, sizeof b, lo),
		    output_change(c, sizeof c, hi));
	return (buf);
}

/* A verdict for people: "inconclusive" asks for more runs. */
const char *
output_verdict(const char *verdict)
{
	if (verdict == NULL || *verdict == '\0')
		return ("-");
	if (strcmp(verdict, "inconclusive") == 0)
		return ("inconclusive — queue more runs");
	return (verdict);
}

/*
 * "the 2.40% threshold learned from 23 sessions": a verdict's threshold
 * and the rule that set it, with what learned (a session.compare result's
 * "learned", or NULL) says of it; NULL when the threshold is not known.
 */
const char *
output_threshold(char *buf, size_t len, double t, const char *rule,
    const cJSON *learned)
{
	char	pct[OUTPUT_LEN];
	int64_t	n;

	if (!isfinite(t))
		return (NULL);
	output_percent(pct, sizeof pct, t);
	if (rule == NULL)
		snprintf(buf, len, "the %s threshold", pct);
	else if (strcmp(rule, "history") == 0 &&
	    json_int(learned, "history_sessions", &n) == 0)
		snprintf(buf, len, "the %s threshold learned from %lld "
		    "sessions", pct, (long long)n);
	else if (strcmp(rule, "history") == 0)
		snprintf(buf, len, "the %s threshold learned from the suite's "
		    "history", pct);
	else if (strcmp(rule, "calibration") == 0 &&
	    json_int(learned, "calibration_id", &n) == 0)
		snprintf(buf, len, "the %s threshold learned by calibration "
		    "#%lld", pct, (long long)n);
	else if (strcmp(rule, "calibration") == 0)
		snprintf(buf, len, "the %s threshold learned by a calibration",
		    pct);
	else if (strcmp(rule, "noise") == 0)
		snprintf(buf, len, "the %s threshold set by the suite's noise",
		    pct);
	else
		snprintf(buf, len, "the %s threshold", pct);
	return (buf);
}

/*
 * A wall-time verdict in words: "regressed, wall +3.1% [+1.8%, +4.4%]
 * beyond THRESHOLD", "same, ... within THRESHOLD", "inconclusive, ...
 * against THRESHOLD — queue more runs", or "inconclusive, ...: REASON"
 * when benchd gave one (the disturbed rule). threshold is
 * output_threshold's phrase, or NULL. Caller frees.
 */
char *
output_wall_verdict(const char *verdict, const char *reason, double c,
    double lo, double hi, const char *threshold)
{
	char	 change[OUTPUT_LEN * 3], *line;
	int	 moved;

	xasprintf(&line, "%s", verdict);
	if (!isfinite(c))
		return (line);
	output_change_ci(change, sizeof change, c, lo, hi);
	output_append(&line, ", wall %s", change);
	moved = strcmp(verdict, "regressed") == 0 ||
	    strcmp(verdict, "improved") == 0;
	if (reason != NULL)
		output_append(&line, ": %s", reason);
	else if (threshold != NULL && (moved ||
	    strcmp(verdict, "same") == 0))
		output_append(&line, " %s %s", moved ? "beyond" : "within",
		    threshold);
	else if (threshold != NULL && strcmp(verdict, "inconclusive") == 0)
		output_append(&line, " against %s", threshold);
	if (strcmp(verdict, "inconclusive") == 0 && reason == NULL)
		output_append(&line, " — queue more runs");
	return (line);
}

/*
 * A Session's verdict object (the comparison with its baseline when it
 * finished) as "Against baseline #9: regressed, wall +3.1% [+1.8%,
 * +4.4%] beyond the 2.40% threshold learned from the suite's history";
 * NULL when there is none. Caller frees.
 */
char *
output_against(const cJSON *v)
{
	const char	*verdict, *rule, *th;
	char		 tbuf[OUTPUT_LEN * 2], *words, *line;
	double		 c, lo, hi, t;
	int64_t		 base;

	if ((verdict = json_string(v, "verdict")) == NULL)
		return (NULL);
	if (json_number(v, "change", &c) == -1)
		c = NAN;
	if (json_number(v, "ci_low", &lo) == -1)
		lo = NAN;
	if (json_number(v, "ci_high", &hi) == -1)
		hi = NAN;
	if (json_number(v, "threshold", &t) == -1)
		t = NAN;
	rule = json_string(v, "rule");
	th = output_threshold(tbuf, sizeof tbuf, t, rule, NULL);
	words = output_wall_verdict(verdict, json_string(v, "reason"), c, lo,
	    hi, th);
	if (json_int(v, "baseline", &base) == 0)
		xasprintf(&line, "Against baseline #%lld: %s", (long long)base,
		    words);
	else
		xasprintf(&line, "Against the baseline: %s", words);
	free(words);
	output_clean(&line, 0);
	return (line);
}

/* Append to a string made by xasprintf. */
void
output_append(char **sp, const char *fmt, ...)
{
	va_list	 ap;
	char	*more, *s;

	va_start(ap, fmt);
	more = output_vformat(fmt, ap);
	va_end(ap);
	xasprintf(&s, "%s%s", *sp == NULL ? "" : *sp, more);
	free(more);
	free(*sp);
	*sp = s;
}
