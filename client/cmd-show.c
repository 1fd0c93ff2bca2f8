/*
 * cmd-show.c -- show ID: one session, its summary in the seed's format.
 *
 * cmd_show_print is also what "queue --follow" prints when a session ends,
 * so the two never drift apart. When the measured runs printed timing
 * lines, both also fetch session.phases (cmd_show_phases) for a one-line
 * phase summary; --json prints session.get's result alone. A session that
 * finished while its suite had a baseline also says how it compared.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define SHOW_LABEL	"%-13s"		/* "System time: " */

static int	cmd_show_exec(struct cmd *);

static const struct cmd_option	cmd_show_options[] = {
	{ NULL, 0, 0, 0 }
};

const struct cmd_entry	cmd_show_entry = {
	"show", "ID",
	"show a session: wall/user/sys mean ± stddev, CV, 95% CI, outliers",
	1, 1, cmd_show_options, 0, cmd_show_exec
};

/* queue --profile: what was recorded, or why nothing was. */
static void
cmd_show_profile(int64_t id, const cJSON *p)
{
	const char	*state, *reason;
	int64_t		 samples = 0;

	if (p == NULL || (state = json_string(p, "state")) == NULL)
		return;
	reason = json_string(p, "reason");
	if (strcmp(state, "recorded") == 0) {
		(void)json_int(p, "samples", &samples);
		output_line(SHOW_LABEL "%lld samples of %s (benchctl hot "
		    "%lld, benchctl flamegraph %lld)", "Profile:",
		    (long long)samples, json_text(p, "event"), (long long)id,
		    (long long)id);
	} else
		output_line(SHOW_LABEL "%s%s%s", "Profile:", state,
		    reason != NULL ? ": " : "", reason != NULL ? reason : "");
}

/*
 * 1 for a finding: a session that failed, was unstable, cancelled or
 * interrupted, or that regressed against its baseline; 0 for the rest.
 */
int
cmd_show_exit(const cJSON *session)
{
	static const char	*bad[] = {
		"failed", "unstable", "cancelled", "interrupted", NULL
	};
	const char		*state, **s, *v;
	const cJSON		*verdict;

	verdict = cJSON_GetObjectItemCaseSensitive(session, "verdict");
	if (cJSON_IsObject(verdict) &&
	    (v = json_string(verdict, "verdict")) != NULL &&
	    strcmp(v, "regressed") == 0)
		return (EXIT_FINDING);
	if ((state = json_string(session, "state")) == NULL)
		return (EXIT_OK);
	for (s = bad; *s != NULL; s++) {
		if (strcmp(state, *s) == 0)
			return (EXIT_FINDING);
	}
	return (EXIT_OK);
}

static void
cmd_show_header(const cJSON *s)
{
	const char	*reason, *started, *finished;
	char		*params, *line, dur[OUTPUT_LEN];
	double		 secs;
	int64_t		 id = 0, uid, ab;

	(void)json_int(s, "id", &id);
	params = json_params_text(json_object(s, "params"));
	output_printf(SHOW_LABEL "#%lld\n", "Session:", (long long)id);
	output_line(SHOW_LABEL "%s", "Suite:", json_text(s, "suite"));
	output_line(SHOW_LABEL "%s", "Params:", params);
	output_line(SHOW_LABEL "%s", "Label:", json_text(s, "label"));
	output_line(SHOW_LABEL "%s%s", "Revision:", json_text(s, "rev"),
	    json_bool(s, "dirty") ? " (dirty)" : "");
	if (json_string(s, "subject") != NULL)
		output_line(SHOW_LABEL "%s", "Subject:", json_text(s,
		    "subject"));
	if (json_int(s, "ab", &ab) == 0)
		output_printf(SHOW_LABEL "#%lld, arm %s (benchctl ab %lld)\n",
		    "A/B test:", (long long)ab, json_text(s, "arm"),
		    (long long)ab);
	if (json_string(s, "confirmation") != NULL)
		output_line(SHOW_LABEL "%s", "Confirmed:", json_text(s,
		    "confirmation"));
	reason = json_string(s, "reason");
	output_line(SHOW_LABEL "%s%s%s", "State:", json_text(s, "state"),
	    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	if (json_int(s, "queued_by", &uid) == 0)
		output_printf(SHOW_LABEL "%s by uid %lld\n", "Queued:",
		    json_text(s, "queued_at"), (long long)uid);
	else
		output_printf(SHOW_LABEL "%s\n", "Queued:",
		    json_text(s, "queued_at"));
	started = json_string(s, "started_at");
	finished = json_string(s, "finished_at");
	if (started != NULL)
		output_printf(SHOW_LABEL "%s\n", "Started:", started);
	if (finished != NULL) {
		if (output_elapsed(started, finished, &secs) == 0)
			output_printf(SHOW_LABEL "%s (%s)\n", "Finished:",
			    finished, output_duration(dur, sizeof dur, secs));
		else
			output_printf(SHOW_LABEL "%s\n", "Finished:", finished);
	}
	if (json_object(s, "progress") != NULL) {
		line = output_progress(id, json_string(s, "suite"),
		    json_object(s, "progress"), 0);
		output_printf(SHOW_LABEL "%s\n", "Progress:", line);
		free(line);
	}
	cmd_show_profile(id, json_object(s, "profile"));
	free(params);
}

/* The seed's three lines: "  Wall time:   59.120 s ± 0.410 s". */
static void
cmd_show_seed(const cJSON *summary)
{
	char	buf[OUTPUT_LEN * 2];

	output_printf("  " SHOW_LABEL "%s\n", "Wall time:", output_stats_pm(buf,
	    sizeof buf, json_object(summary, "wall")));
	output_printf("  " SHOW_LABEL "%s\n", "User time:", output_stats_pm(buf,
	    sizeof buf, json_object(summary, "user")));
	output_printf("  " SHOW_LABEL "%s\n", "System time:",
	    output_stats_pm(buf, sizeof buf, json_object(summary, "sys")));
}

/* "1 (1 mild high)" over the measured runs, "-" without runs. */
static void
cmd_show_outliers(const cJSON *runs)
{
	static const char	*names[] = {
		"severe low", "mild low", NULL, "mild high", "severe high"
	};
	const cJSON		*r;
	const char		*kind;
	char			 detail[256];
	size_t			 off = 0;
	int64_t			 o;
	int			 count[5] = { 0 }, total = 0, i;

	if (runs == NULL) {
		output_printf("  " SHOW_LABEL "-\n", "Outliers:");
		return;
	}
	cJSON_ArrayForEach(r, runs) {
		kind = json_string(r, "kind");
		if (kind == NULL || strcmp(kind, "measured") != 0 ||
		    json_int(r, "outlier", &o) == -1 || o == 0 || o < -2 ||
		    o > 2)
			continue;
		count[o + 2]++;
		total++;
	}
	detail[0] = '\0';
	for (i = 4; i >= 0; i--) {
		if (count[i] == 0 || names[i] == NULL)
			continue;
		off += (size_t)snprintf(detail + off, sizeof detail - off,
		    "%s%d %s", off == 0 ? " (" : ", ", count[i], names[i]);
	}
	output_printf("  " SHOW_LABEL "%d%s%s\n", "Outliers:", total, detail,
	    total != 0 ? ")" : "");
}

/* 1 for a measured run. */
static int
cmd_show_measured(const cJSON *r)
{
	const char	*kind = json_string(r, "kind");

	return (kind != NULL && strcmp(kind, "measured") == 0);
}

/*
 * Whether the measured runs ran under canonical conditions, and how much
 * the CPU throttled during them. Silent for a daemon that sends neither.
 */
static void
cmd_show_canonical(const cJSON *runs)
{
	const cJSON	*r, *canon, *throttle;
	int		 n = 0, flagged = 0, notcanon = 0, known = 0, hit = 0;
	double		 events = 0;

	cJSON_ArrayForEach(r, runs) {
		if (!cmd_show_measured(r))
			continue;
		n++;
		canon = cJSON_GetObjectItemCaseSensitive(r, "canonical");
		if (cJSON_IsBool(canon)) {
			flagged++;
			if (cJSON_IsFalse(canon))
				notcanon++;
		}
		throttle = cJSON_GetObjectItemCaseSensitive(r,
		    "throttle_delta");
		if (cJSON_IsNumber(throttle)) {
			known++;
			events += throttle->valuedouble;
			if (throttle->valuedouble > 0)
				hit++;
		}
	}
	if (flagged == 0)
		return;
	if (notcanon == 0)
		output_printf("  " SHOW_LABEL "yes, all %d measured run%s\n",
		    "Canonical:", n, n == 1 ? "" : "s");
	else
		output_printf("  " SHOW_LABEL "NO, %d of %d measured runs ran "
		    "while a check failed\n", "Canonical:", notcanon, n);
	if (known == 0)
		output_printf("  " SHOW_LABEL "unavailable\n", "Throttling:");
	else if (hit == 0)
		output_printf("  " SHOW_LABEL "none during the measured runs\n",
		    "Throttling:");
	else
		output_printf("  " SHOW_LABEL "%.0f event%s during %d of %d "
		    "measured runs\n", "Throttling:", events,
		    events == 1 ? "" : "s", hit, known);
}

/*
 * How long the measured runs waited for a CPU other processes used (from
 * their cgroups and the CPUs' busy time), and how many were disturbed.
 * Silent for a daemon that sends no stall at all.
 */
static void
cmd_show_stall(const cJSON *runs)
{
	const cJSON	*r;
	double		 v, max = 0;
	int		 n = 0, known = 0, disturbed = 0;

	cJSON_ArrayForEach(r, runs) {
		if (!cmd_show_measured(r))
			continue;
		n++;
		if (cJSON_GetObjectItemCaseSensitive(r, "stall_share") == NULL)
			return;
		if (json_number(r, "interference_share", &v) == 0 ||
		    json_number(r, "stall_share", &v) == 0) {
			known++;
			if (v > max)
				max = v;
		}
		disturbed += json_bool(r, "disturbed");
	}
	if (n == 0)
		return;
	if (known == 0) {
		output_printf("  " SHOW_LABEL "unavailable (no cgroup)\n",
		    "Stall:");
		return;
	}
	output_printf("  " SHOW_LABEL "at most %.1f%% of a run's wall time "
	    "waiting on other processes", "Stall:", max * 100);
	if (disturbed > 0)
		output_printf("; %d of %d measured runs disturbed, left out\n",
		    disturbed, n);
	else
		output_printf("; no run disturbed\n");
}

/*
 * "Phases: link 41.0%, codegen 30.2%, parse 9.1% … (sum 99.2% of wall)":
 * the largest shares of a session.phases result, silent without phases.
 */
void
cmd_show_phase_line(const cJSON *ph)
{
	const cJSON	*phases = json_array(ph, "phases"), *p, *top[3];
	char		 line[512], share[OUTPUT_LEN];
	size_t		 off = 0;
	double		 v, best, cov;
	int		 i, k, ntop, multi, n;

	if ((n = cJSON_GetArraySize(phases)) == 0)
		return;
	multi = cmd_phases_multi(phases);
	ntop = n < 3 ? n : 3;
	for (k = 0; k < ntop; k++) {
		top[k] = NULL;
		best = -INFINITY;
		cJSON_ArrayForEach(p, phases) {
			for (i = 0; i < k && top[i] != p; i++)
				;
			if (i < k)
				continue;
			if (json_number(p, "share", &v) == -1)
				v = -1;
			if (top[k] == NULL || v > best) {
				top[k] = p;
				best = v;
			}
		}
	}
	line[0] = '\0';
	for (k = 0; k < ntop && off < sizeof line; k++) {
		if (json_number(top[k], "share", &v) == -1)
			v = NAN;
		off += (size_t)snprintf(line + off, sizeof line - off,
		    "%s%s%s%s %s", k == 0 ? "" : ", ",
		    multi ? json_text(top[k], "prefix") : "", multi ? "/" : "",
		    json_text(top[k], "phase"),
		    output_share(share, sizeof share, v));
	}
	if (n > ntop && off < sizeof line)
		off += (size_t)snprintf(line + off, sizeof line - off, " …");
	if (json_number(ph, "coverage", &cov) == 0 && off < sizeof line)
		snprintf(line + off, sizeof line - off, " (sum %s of wall)",
		    output_share(share, sizeof share, cov));
	output_printf("  " SHOW_LABEL "%s\n", "Phases:", line);
}

/* n, CV, 95% CI, median, range and memory of the measured runs. */
static void
cmd_show_stats(const cJSON *s, const cJSON *summary)
{
	const cJSON	*wall = json_object(summary, "wall");
	const cJSON	*rss = json_object(summary, "maxrss_kb");
	char		 a[OUTPUT_LEN], b[OUTPUT_LEN], c[OUTPUT_LEN];
	char		 d[OUTPUT_LEN];
	double		 mean = NAN, v, lo, hi, target;
	int64_t		 n = 0, warmups = 0, max_runs = 0;

	(void)json_int(wall, "n", &n);
	(void)json_int(s, "warmups_done", &warmups);
	(void)json_int(s, "max_runs", &max_runs);
	(void)json_number(wall, "mean", &mean);
	if (max_runs > 0)
		snprintf(a, sizeof a, " (at most %lld measured)",
		    (long long)max_runs);
	else
		a[0] = '\0';
	output_printf("  " SHOW_LABEL "%lld measured, %lld warmup%s%s\n",
	    "n:", (long long)n, (long long)warmups, warmups == 1 ? "" : "s", a);

	if (json_number(wall, "cv", &v) == -1)
		v = NAN;
	if (json_number(s, "cv_target", &target) == 0)
		output_printf("  " SHOW_LABEL "%s (target %s)\n", "CV:",
		    output_percent(a, sizeof a, v),
		    output_percent(b, sizeof b, target));
	else
		output_printf("  " SHOW_LABEL "%s\n", "CV:",
		    output_percent(a, sizeof a, v));

	if (json_number(wall, "ci_half", &v) == 0 &&
	    json_number(wall, "ci_low", &lo) == 0 &&
	    json_number(wall, "ci_high", &hi) == 0)
		output_printf("  " SHOW_LABEL "± %s (± %s of mean), %s … %s\n",
		    "95% CI:", output_seconds(a, sizeof a, v, mean),
		    output_percent(b, sizeof b, mean != 0 ? v / mean : NAN),
		    output_seconds(c, sizeof c, lo, mean),
		    output_seconds(d, sizeof d, hi, mean));
	else
		output_printf("  " SHOW_LABEL "-\n", "95% CI:");

	if (json_number(wall, "median", &v) == -1)
		v = NAN;
	if (json_number(wall, "mad", &lo) == 0)
		output_printf("  " SHOW_LABEL "%s (MAD %s)\n", "Median:",
		    output_seconds(a, sizeof a, v, mean),
		    output_seconds(b, sizeof b, lo, mean));
	else
		output_printf("  " SHOW_LABEL "%s\n", "Median:",
		    output_seconds(a, sizeof a, v, mean));
	if (json_number(wall, "min", &lo) == -1)
		lo = NAN;
	if (json_number(wall, "max", &hi) == -1)
		hi = NAN;
	output_printf("  " SHOW_LABEL "%s … %s\n", "Range:",
	    output_seconds(a, sizeof a, lo, mean),
	    output_seconds(b, sizeof b, hi, mean));

	if (json_number(rss, "mean", &v) == 0) {
		output_kib(a, sizeof a, v, v);
		if (json_number(rss, "stddev", &lo) == 0)
			output_printf("  " SHOW_LABEL "%s ± %s\n", "Max RSS:", a,
			    output_kib(b, sizeof b, lo, v));
		else
			output_printf("  " SHOW_LABEL "%s\n", "Max RSS:", a);
	}
}

/*
 * The session.phases result for a session.get result whose measured runs
 * printed timing lines, else NULL. A failure has been reported to the user.
 */
int
cmd_show_phases(struct rpc *rpc, const cJSON *result, cJSON **phasesp)
{
	const cJSON	*r;
	cJSON		*params;
	int64_t		 id;
	int		 timed = 0;

	*phasesp = NULL;
	cJSON_ArrayForEach(r, json_array(result, "runs")) {
		if (cmd_show_measured(r) &&
		    cJSON_GetArraySize(json_array(r, "phases")) > 0)
			timed = 1;
	}
	if (!timed || json_int(json_object(result, "session"), "id", &id) == -1)
		return (0);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	return (rpc_call(rpc, "session.phases", params, phasesp));
}

/* The text form of a session.get result and its phases (or NULL). */
void
cmd_show_print(const cJSON *result, const cJSON *phases)
{
	const cJSON	*s = json_object(result, "session");
	const cJSON	*summary = json_object(result, "summary");
	const cJSON	*w;
	char		*line;

	cmd_show_header(s);
	output_printf("\n");
	if (summary == NULL)
		output_printf("  No measured run has finished.\n");
	else {
		cmd_show_seed(summary);
		output_printf("\n");
		cmd_show_stats(s, summary);
		cmd_show_outliers(json_array(result, "runs"));
		cmd_show_canonical(json_array(result, "runs"));
		cmd_show_stall(json_array(result, "runs"));
		cmd_show_phase_line(phases);
	}
	if ((line = output_against(json_object(s, "verdict"))) != NULL) {
		output_printf("\n%s\n", line);
		free(line);
	}
	if (cJSON_GetArraySize(json_array(result, "warnings")) > 0) {
		output_printf("\nWarnings:\n");
		cJSON_ArrayForEach(w, json_array(result, "warnings")) {
			if (cJSON_IsString(w))
				output_line("  %s", w->valuestring);
		}
	}
}

static int
cmd_show_exec(struct cmd *cmd)
{
	cJSON	*params, *result, *phases;
	int64_t	 id;
	int	 rc;

	if ((rc = cmd_id(cmd, 0, &id)) != 0)
		return (rc);
	if ((params = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddNumberToObject(params, "id", (double)id);
	cJSON_AddBoolToObject(params, "runs", 1);
	if ((rc = rpc_call(cmd->rpc, "session.get", params, &result)) != 0)
		return (rc);
	if (benchctl_json)
		json_print(result);
	else {
		/* Without the phases the rest still stands: show it. */
		(void)cmd_show_phases(cmd->rpc, result, &phases);
		cmd_show_print(result, phases);
		cJSON_Delete(phases);
	}
	rc = cmd_show_exit(json_object(result, "session"));
	cJSON_Delete(result);
	return (rc);
}
