/*
 * page-runs.c -- a session's runs (session.get's "runs") as a table: one
 * row a run with its times and its flags, and a failed run's output.
 *
 * A flag is shown for what the run object says: warmup, an outlier by
 * Tukey's fences, not canonical, timed out, failed, throttled; and any
 * member of FLAGS the run carries with a true, non-zero or non-empty
 * value, so a flag benchd learns to set shows as soon as it is in the
 * JSON.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "http.h"

/* Members shown as a flag whenever a run carries them set. */
static const char *const FLAGS[] = { "disturbed" };

/* Whether a member is set: true, non-zero, a non-empty string or list. */
static int
run_set(const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v) || cJSON_IsFalse(v))
		return (0);
	if (cJSON_IsNumber(v))
		return (v->valuedouble != 0);
	if (cJSON_IsString(v))
		return (*v->valuestring != '\0');
	if (cJSON_IsArray(v) || cJSON_IsObject(v))
		return (cJSON_GetArraySize(v) > 0);
	return (1);
}

static void
run_flag(struct svgbuf *b, const char *cls, const char *text,
    const char *detail)
{
	svgbuf_printf(b, "<span class=\"flag flag-%s\"", cls);
	if (detail != NULL) {
		svgbuf_puts(b, " title=\"");
		html_text(b, detail);
		svgbuf_puts(b, "\"");
	}
	svgbuf_puts(b, ">");
	html_text(b, text);
	svgbuf_puts(b, "</span> ");
}

static void
run_flags(struct svgbuf *b, const cJSON *run)
{
	static const char *const outliers[] = { "severe outlier (fast)",
	    "mild outlier (fast)", "", "mild outlier (slow)",
	    "severe outlier (slow)" };
	const cJSON	*v;
	const char	*kind = fmt_str(run, "kind");
	double		 out = fmt_num(run, "outlier");
	int64_t		 code = fmt_int(run, "exit_code");
	size_t		 i;
	char		 why[64];

	if (kind != NULL && strcmp(kind, "warmup") == 0)
		run_flag(b, "warmup", "warmup", "left out of the statistics");
	if (out >= -2 && out <= 2 && out != 0)
		run_flag(b, "outlier", outliers[(int)out + 2], "Tukey's fences "
		    "over the measured wall times; never dropped");
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(run, "canonical")))
		run_flag(b, "noncanonical", "not canonical", "ran under "
		    "policy = warn while a check failed");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(run, "timed_out")))
		run_flag(b, "failed", "timed out", NULL);
	else if (fmt_int(run, "signal") > 0) {
		snprintf(why, sizeof why, "killed by signal %lld",
		    (long long)fmt_int(run, "signal"));
		run_flag(b, "failed", why, NULL);
	} else if (code != 0) {
		snprintf(why, sizeof why, "exit %lld", (long long)code);
		run_flag(b, "failed", why, NULL);
	}
	if (fmt_num(run, "throttle_delta") > 0)
		run_flag(b, "throttled", "throttled", "the thermal-throttle "
		    "counters rose across the run");
	for (i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
		v = cJSON_GetObjectItemCaseSensitive(run, FLAGS[i]);
		if (run_set(v))
			run_flag(b, FLAGS[i], FLAGS[i], cJSON_IsString(v) ?
			    v->valuestring : fmt_str(v, "reason"));
	}
}

/* Whether a run failed, and so has its output's tails. */
static int
run_failed(const cJSON *run)
{
	return (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(run,
	    "stdout_tail")) || cJSON_IsString(
	    cJSON_GetObjectItemCaseSensitive(run, "stderr_tail")));
}

static void
run_tail(struct svgbuf *b, const cJSON *run, const char *name)
{
	const char	*t = fmt_str(run, name);

	if (t == NULL || *t == '\0')
		return;
	svgbuf_printf(b, "<details><summary>%.6s, its last %zu bytes"
	    "</summary><pre>", name, strlen(t));
	html_text(b, t);
	svgbuf_puts(b, "</pre></details>\n");
}

void
page_runs(struct svgbuf *b, const cJSON *runs)
{
	const cJSON	*run;
	const char	*kind;
	double		 ref = 0;

	svgbuf_puts(b, "<section id=\"runs\"><h2>Runs</h2>\n");
	if (cJSON_GetArraySize(runs) == 0) {
		svgbuf_puts(b, "<p>No run yet.</p>\n</section>\n");
		return;
	}
	/* One unit for each time column: the largest wall time's. */
	cJSON_ArrayForEach(run, runs)
		ref = fmax(ref, fmt_num(run, "wall"));
	svgbuf_puts(b, "<table class=\"runs\">\n<thead><tr><th>run</th>"
	    "<th>kind</th><th>started</th><th>wall</th><th>user</th>"
	    "<th>sys</th><th>max RSS</th><th>exit</th><th>flags</th></tr>"
	    "</thead>\n<tbody>\n");
	cJSON_ArrayForEach(run, runs) {
		kind = fmt_str(run, "kind");
		svgbuf_printf(b, "<tr class=\"run\" data-seq=\"%lld\"><td "
		    "class=\"num\">%lld</td><td>",
		    (long long)fmt_int(run, "seq"),
		    (long long)fmt_int(run, "seq"));
		html_text(b, kind);
		svgbuf_printf(b, " %lld</td><td>", (long long)fmt_int(run,
		    "iteration"));
		fmt_time(b, fmt_str(run, "started_at"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(run, "wall"), ref);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(run, "user"), ref);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_seconds(b, fmt_num(run, "sys"), ref);
		svgbuf_puts(b, "</td><td class=\"num\">");
		fmt_kib(b, fmt_num(run, "maxrss_kb"));
		svgbuf_puts(b, "</td><td class=\"num\">");
		if (fmt_int(run, "exit_code") >= 0)
			svgbuf_printf(b, "%lld", (long long)fmt_int(run,
			    "exit_code"));
		else
			svgbuf_puts(b, "-");
		svgbuf_puts(b, "</td><td>");
		run_flags(b, run);
		svgbuf_puts(b, "</td></tr>\n");
		if (!run_failed(run))
			continue;
		svgbuf_puts(b, "<tr class=\"tail\"><td colspan=\"9\">");
		run_tail(b, run, "stdout_tail");
		run_tail(b, run, "stderr_tail");
		svgbuf_puts(b, "</td></tr>\n");
	}
	svgbuf_puts(b, "</tbody></table>\n</section>\n");
}
