/*
 * test-alert.c -- the rules of notifications and what targets are sent:
 * the backoff schedule, which verdicts are told, when one is confirmed,
 * the dedupe key, the payload (JSON escaping, unknown figures), Slack's
 * text; and the outbox: deduplication, order per target, attempts,
 * orphaned targets, the list.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "alert.h"
#include "store-alert.h"
#include "store.h"

static void
test_backoff(void **state)
{
	/* 1 s, 2 s, 4 s ... capped at retry_max. */
	assert_int_equal(alert_backoff_ms(1, 1, 3600), 1000);
	assert_int_equal(alert_backoff_ms(2, 1, 3600), 2000);
	assert_int_equal(alert_backoff_ms(3, 1, 3600), 4000);
	assert_int_equal(alert_backoff_ms(10, 1, 3600), 512000);
	assert_int_equal(alert_backoff_ms(13, 1, 3600), 3600000);
	assert_int_equal(alert_backoff_ms(1000, 1, 3600), 3600000);
	assert_int_equal(alert_backoff_ms(1, 0.05, 0.2), 50);
	assert_int_equal(alert_backoff_ms(3, 0.05, 0.2), 200);
	assert_int_equal(alert_backoff_ms(4, 0.05, 0.2), 200);
	/* A cap below the base is the cap. */
	assert_int_equal(alert_backoff_ms(1, 10, 2), 2000);
}

static void
test_tellable(void **state)
{
	assert_true(alert_verdict_tellable(VERDICT_REGRESSED, 0.03, 0.02));
	assert_true(alert_verdict_tellable(VERDICT_IMPROVED, -0.03, 0.02));
	assert_true(alert_verdict_tellable(VERDICT_REGRESSED, 0.02, 0.02));
	assert_false(alert_verdict_tellable(VERDICT_REGRESSED, 0.019, 0.02));
	assert_false(alert_verdict_tellable(VERDICT_IMPROVED, -0.01, 0.02));
	assert_false(alert_verdict_tellable(VERDICT_SAME, 0.5, 0));
	assert_false(alert_verdict_tellable(VERDICT_INCONCLUSIVE, 0.5, 0));
	assert_false(alert_verdict_tellable(VERDICT_INCOMPARABLE, 0.5, 0));
	assert_false(alert_verdict_tellable(VERDICT_NONE, 0.5, 0));
	assert_true(alert_verdict_tellable(VERDICT_REGRESSED, NAN, 0));
	assert_false(alert_verdict_tellable(VERDICT_REGRESSED, NAN, 0.01));
}

static void
test_confirmed(void **state)
{
	struct session_verdict	v, p;

	memset(&v, 0, sizeof v);
	memset(&p, 0, sizeof p);
	v.verdict = p.verdict = VERDICT_REGRESSED;
	v.baseline = p.baseline = 7;
	assert_true(alert_verdict_confirmed(&v, &p));
	assert_false(alert_verdict_confirmed(&v, NULL));
	p.baseline = 6;		/* another baseline: a new finding */
	assert_false(alert_verdict_confirmed(&v, &p));
	p.baseline = 7;
	p.verdict = VERDICT_IMPROVED;
	assert_false(alert_verdict_confirmed(&v, &p));
	p.verdict = VERDICT_INCONCLUSIVE;
	assert_false(alert_verdict_confirmed(&v, &p));
	v.verdict = p.verdict = VERDICT_SAME;
	assert_false(alert_verdict_confirmed(&v, &p));
	v.verdict = p.verdict = VERDICT_IMPROVED;
	assert_true(alert_verdict_confirmed(&v, &p));
}

static void
test_watch_rules(void **state)
{
	assert_true(alert_noise_rose(0.02, 0.025, 0.25));
	assert_false(alert_noise_rose(0.02, 0.0249, 0.25));
	assert_false(alert_noise_rose(0.02, 0.01, 0.25));
	assert_false(alert_noise_rose(NAN, 0.5, 0.25));
	assert_false(alert_noise_rose(0.02, NAN, 0.25));
	assert_false(alert_noise_rose(0, 0.5, 0.25));
	assert_true(alert_noise_rose(0.02, 0.02, 0));
	/* A change point is told while its new level is recent. */
	assert_true(alert_change_point_recent(6, 7, 1.0, 0));
	assert_true(alert_change_point_recent(6, 16, -0.5, 0.1));
	assert_false(alert_change_point_recent(6, 17, 1.0, 0));
	assert_false(alert_change_point_recent(6, 16, 0.05, 0.1));
	assert_false(alert_change_point_recent(0, 5, 1.0, 0));
	assert_false(alert_change_point_recent(5, 5, 1.0, 0));
	assert_false(alert_change_point_recent(3, 5, NAN, 0));
}

/* Whether a key made of these differs from key. */
static int
key_differs(const char *key, const char *suite, const char *params,
    const char *metric, int64_t baseline, enum verdict v)
{
	char	*k = alert_dedupe_key(suite, params, metric, baseline, v);
	int	 rc = strcmp(key, k) != 0;

	free(k);
	return (rc);
}

static void
test_dedupe(void **state)
{
	const char	*p1 = "{\"n\":\"1\"}";
	char		*a;

	a = alert_dedupe_key("w", p1, "wall", 3, VERDICT_REGRESSED);
	assert_false(key_differs(a, "w", p1, "wall", 3, VERDICT_REGRESSED));
	assert_true(key_differs(a, "w", "{\"n\":\"2\"}", "wall", 3,
	    VERDICT_REGRESSED));
	assert_true(key_differs(a, "w", p1, "wall", 4, VERDICT_REGRESSED));
	assert_true(key_differs(a, "w", p1, "wall", 3, VERDICT_IMPROVED));
	assert_true(key_differs(a, "v", p1, "wall", 3, VERDICT_REGRESSED));
	assert_true(key_differs(a, "w", p1, "cpu", 3, VERDICT_REGRESSED));
	free(a);
}

static void
test_kinds(void **state)
{
	const char	*id;
	int		 k, j;

	for (k = 0; k < ALERT_NKINDS; k++) {
		assert_non_null(alert_kind_name(k));
		id = alert_kind_message_id(k);
		assert_int_equal(strlen(id), 32);
		assert_int_equal(strspn(id, "0123456789abcdef"), 32);
		for (j = 0; j < k; j++) {
			assert_string_not_equal(id, alert_kind_message_id(j));
			assert_string_not_equal(alert_kind_name(k),
			    alert_kind_name(j));
		}
	}
	assert_string_equal(alert_kind_name(ALERT_REGRESSION), "regression");
	assert_string_equal(alert_kind_name(ALERT_FAILED), "session-failed");
}

static void
regression(struct alert_event *e, struct alert_phase *ph)
{
	memset(e, 0, sizeof *e);
	e->kind = ALERT_REGRESSION;
	e->time_ms = 1700000000123LL;
	e->host = "box\"1";
	e->session = 12;
	e->suite = "w";
	e->params = "{\"crate\":\"a b\",\"opt\":\"<2>\"}";
	e->rev = "abc123";
	e->baseline = 3;
	e->metric = "wall";
	e->verdict = VERDICT_REGRESSED;
	e->change = 0.125;
	e->ci_low = 0.1;
	e->ci_high = NAN;
	e->threshold = 0.02;
	ph->prefix = "T";
	ph->phase = "link";
	ph->change = 0.5;
	ph->verdict = VERDICT_REGRESSED;
	e->phases = ph;
	e->nphases = 1;
	e->before = e->after = NAN;
	e->command = "benchctl compare 3 12";
}

static void
test_payload(void **state)
{
	struct alert_event	 e;
	struct alert_phase	 ph;
	cJSON			*o, *ci, *p;
	char			*s;

	regression(&e, &ph);
	s = alert_summary(&e);
	assert_string_equal(s, "regression w crate=a b opt=<2>: wall +12.5% "
	    "(CI +10.0% to ?, threshold 2.0%) in session #12 at abc123 against "
	    "baseline #3; phases: link +50.0%");
	free(s);
	s = alert_payload(&e);
	assert_non_null(o = cJSON_Parse(s));
	free(s);
	assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring,
	    "regression");
	assert_string_equal(cJSON_GetObjectItem(o, "time")->valuestring,
	    "2023-11-14T22:13:20.123Z");
	assert_string_equal(cJSON_GetObjectItem(o, "host")->valuestring,
	    "box\"1");
	p = cJSON_GetObjectItem(o, "params");
	assert_string_equal(cJSON_GetObjectItem(p, "crate")->valuestring,
	    "a b");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "baseline_rev")));
	ci = cJSON_GetObjectItem(o, "ci");
	assert_int_equal(cJSON_GetArraySize(ci), 2);
	assert_true(cJSON_GetArrayItem(ci, 0)->valuedouble == 0.1);
	assert_true(cJSON_IsNull(cJSON_GetArrayItem(ci, 1)));
	p = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "phases"), 0);
	assert_string_equal(cJSON_GetObjectItem(p, "phase")->valuestring,
	    "link");
	assert_string_equal(cJSON_GetObjectItem(o, "command")->valuestring,
	    "benchctl compare 3 12");
	cJSON_Delete(o);

	/* A reason with quotes, newlines, controls and UTF-8 stays itself. */
	memset(&e, 0, sizeof e);
	e.kind = ALERT_FAILED;
	e.session = 4;
	e.suite = "s";
	e.reason = "exit \"2\"\n\ttab \001 caf\xc3\xa9 \\";
	e.before = e.after = NAN;
	s = alert_payload(&e);
	assert_non_null(strstr(s, "\\\"2\\\"\\n\\ttab \\u0001"));
	assert_non_null(o = cJSON_Parse(s));
	free(s);
	assert_string_equal(cJSON_GetObjectItem(o, "reason")->valuestring,
	    e.reason);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "params")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "command")));
	cJSON_Delete(o);
}

static void
test_body(void **state)
{
	char	*s;

	/* JSON: the payload with its id, an id already there replaced. */
	s = alert_body("{\"event\":\"x\",\"id\":9}", 42, NOTIFY_JSON);
	assert_string_equal(s, "{\"event\":\"x\",\"id\":42}");
	free(s);
	assert_null(alert_body("[1]", 1, NOTIFY_JSON));
	assert_null(alert_body("{", 1, NOTIFY_SLACK));
	/* Slack: host, summary and command, &<> escaped, JSON-quoted. */
	s = alert_body("{\"host\":\"b\",\"summary\":\"a <b> & \\\"c\\\"\","
	    "\"command\":\"benchctl show 1\"}", 1, NOTIFY_SLACK);
	assert_string_equal(s, "{\"text\":\"[b] a &lt;b&gt; &amp; \\\"c\\\""
	    "\\nSee: benchctl show 1\"}");
	free(s);
	s = alert_body("{}", 1, NOTIFY_SLACK);
	assert_string_equal(s, "{\"text\":\"benchd event\"}");
	free(s);
	s = alert_slack_escape("&&<>x");
	assert_string_equal(s, "&amp;&amp;&lt;&gt;x");
	free(s);
}

static char	dir[64];
static char	path[128];

static int
db_setup(void **state)
{
	char		*cause = NULL;
	struct store	*st;

	strcpy(dir, "/tmp/benchd-alert-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, sizeof path, "%s/benchd.db", dir);
	if ((st = store_open(path, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	*state = st;
	return (0);
}

static int
db_teardown(void **state)
{
	char	buf[160];

	store_close(*state);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
	unlink(path);
	rmdir(dir);
	return (0);
}

static void
test_outbox(void **state)
{
	struct store		*st = *state;
	const char		*both[] = { "exec", "webhook" };
	struct alert_row	 r;
	struct alert_list	 l;
	int64_t			 id = 0, id2 = 0;

	assert_int_equal(store_alert_add(st, "regression", 0, "k1", "one",
	    "{}", both, 2, &id), 0);
	assert_int_equal(id, 1);
	/* The same finding again: nothing added. */
	assert_int_equal(store_alert_add(st, "regression", 0, "k1", "again",
	    "{}", both, 2, &id2), 1);
	/* Without a key, never deduplicated. */
	assert_int_equal(store_alert_add(st, "session-failed", 0, NULL, "two",
	    "{}", both + 1, 1, &id2), 0);
	assert_int_equal(id2, 2);
	assert_int_equal(store_alert_add(st, "session-failed", 0, NULL,
	    "three", "{}", both, 1, &id2), 0);

	/* In order per target: 1 until it is sent or failed. */
	assert_int_equal(store_alert_next(st, "webhook", &r), 0);
	assert_int_equal(r.id, 1);
	assert_string_equal(r.summary, "one");
	assert_int_equal(store_alert_attempted(st, r.id, r.target, "pending",
	    1, store_now_ms() + 60000, "HTTP 500"), 0);
	alert_row_free(&r);
	assert_int_equal(store_alert_next(st, "webhook", &r), 0);
	assert_int_equal(r.id, 1);
	assert_int_equal(r.attempts, 1);
	assert_true(r.next_attempt > store_now_ms());
	assert_string_equal(r.last_error, "HTTP 500");
	assert_int_equal(store_alert_attempted(st, r.id, r.target, "sent", 2,
	    0, NULL), 0);
	alert_row_free(&r);
	assert_int_equal(store_alert_next(st, "webhook", &r), 0);
	assert_int_equal(r.id, 2);
	assert_int_equal(store_alert_attempted(st, r.id, r.target, "failed",
	    3, 0, "HTTP 404"), 0);
	alert_row_free(&r);
	assert_int_equal(store_alert_next(st, "webhook", &r), 1);

	/* exec taken out of [notify]: what is pending for it fails. */
	assert_int_equal(store_alert_orphans(st, both + 1, 1), 0);
	assert_int_equal(store_alert_next(st, "exec", &r), 1);

	assert_int_equal(store_alert_list(st, NULL, 100, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].id, 3);
	assert_string_equal(l.v[0].state, "failed");
	assert_string_equal(l.v[0].last_error, "target no longer configured");
	assert_int_equal(l.v[1].id, 2);
	assert_string_equal(l.v[1].last_error, "HTTP 404");
	assert_string_equal(l.v[2].target, "exec");
	assert_string_equal(l.v[3].state, "sent");
	/* A send keeps the error of the attempt before it. */
	assert_string_equal(l.v[3].last_error, "HTTP 500");
	assert_true(l.v[3].done_at > 0);
	alert_list_free(&l);
	assert_int_equal(store_alert_list(st, "sent", 1, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].id, 1);
	alert_list_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_tellable),
		cmocka_unit_test(test_confirmed),
		cmocka_unit_test(test_watch_rules),
		cmocka_unit_test(test_dedupe),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_body),
		cmocka_unit_test_setup_teardown(test_outbox, db_setup,
		    db_teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
