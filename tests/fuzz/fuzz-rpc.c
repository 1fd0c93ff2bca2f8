/*
 * fuzz-rpc.c -- libFuzzer target for the JSON-RPC dispatcher and methods.
 *
 * The input is what a client writes: lines, each handed to rpc_line() as
 * server.c would.  A line starting with byte 0x01 comes from a client that
 * is not an admin (the byte is dropped).  server.c is replaced by the stubs
 * below, which check every reply instead of writing it; the rest of the
 * daemon is linked as it is.  The database is in memory, filled once with
 * finished sessions so that the read methods have something to chew on,
 * and each input runs inside a savepoint that is rolled back, so an input
 * does the same thing whatever ran before it and a crash replays alone.
 * The event loop never runs: queued sessions stay queued.
 *
 * Invariants beyond "no crash, no leak": every reply is one line of valid
 * UTF-8 JSON shaped as JSON-RPC 2.0 with a documented error code, and a
 * client that is not an admin changes nothing in the database.
 */
#include "config.h"

#include <sys/mman.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "fuzz.h"
#include "log.h"
#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What benchd.c defines. */
struct event_base	*ev_base;
struct config		*cfg;
struct store		*db;
struct timespec		 start_time;
const char		*socket_path;
const char		*db_path;

struct client {
	uid_t		 uid;
	int		 admin;
	int		 subscribed;
	int64_t		 sub_session;
	cJSON		*deferred;
};

static const char fuzz_conf[] =
	"[daemon]\n"
	"socket = /nonexistent/benchd-fuzz.sock\n"
	"database = /nonexistent/benchd-fuzz.db\n"
	"admin_group = benchd-fuzz-nonexistent\n"
	"[conditions]\n"
	"proc_root = /nonexistent/benchd-fuzz\n"
	"sys_root = /nonexistent/benchd-fuzz\n"
	"forbid_processes = cargo\n"
	"policy = warn\n"
	"[suite true]\n"
	"workdir = /\n"
	"command = /bin/true\n"
	"runs = 3\n"
	"[suite p]\n"
	"workdir = /\n"
	"command = /bin/true {n} {m}\n"
	"param.n = 1 2 3\n"
	"param.m = a b\n";

static const char *const error_codes[] = {
	"no-such-suite", "no-such-session", "bad-param", "permission-denied",
	"busy", "not-cancellable", "storage", "not-a-baseline", "incomparable",
	"no-profile", "idle-timeout", "request-timeout", "too-large",
	"no-such-calibration", "no-such-rev", "no-such-ab", "no-repo",
	"no-such-bisection", "git-timeout"
};

/* One reply object: JSON-RPC 2.0 with a code PROTOCOL.md lists. */
static void
check_response(const cJSON *r)
{
	const cJSON	*v, *err, *code, *data;
	size_t		 i;

	FUZZ_CHECK(cJSON_IsObject(r), "reply is not an object");
	v = cJSON_GetObjectItemCaseSensitive(r, "jsonrpc");
	FUZZ_CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "2.0") == 0,
	    "reply without jsonrpc 2.0");
	v = cJSON_GetObjectItemCaseSensitive(r, "id");
	FUZZ_CHECK(cJSON_IsNumber(v) || cJSON_IsString(v) || cJSON_IsNull(v),
	    "reply without a valid id");
	err = cJSON_GetObjectItemCaseSensitive(r, "error");
	v = cJSON_GetObjectItemCaseSensitive(r, "result");
	FUZZ_CHECK((err == NULL) != (v == NULL), "reply needs result or error");
	if (v != NULL) {
		FUZZ_CHECK(cJSON_IsObject(v), "result is not an object");
		return;
	}
	FUZZ_CHECK(cJSON_IsObject(err), "error is not an object");
	code = cJSON_GetObjectItemCaseSensitive(err, "code");
	v = cJSON_GetObjectItemCaseSensitive(err, "message");
	FUZZ_CHECK(cJSON_IsString(v) && v->valuestring[0] != '\0',
	    "error without a message");
	FUZZ_CHECK(cJSON_IsNumber(code), "error without a code");
	switch (code->valueint) {
	case RPC_PARSE_ERROR:
	case RPC_INVALID_REQUEST:
	case RPC_METHOD_NOT_FOUND:
	case RPC_INVALID_PARAMS:
		break;
	case RPC_APP_ERROR:
		data = cJSON_GetObjectItemCaseSensitive(err, "data");
		v = cJSON_GetObjectItemCaseSensitive(data, "code");
		FUZZ_CHECK(cJSON_IsString(v), "application error without "
		    "data.code: %s", cJSON_GetObjectItem(err,
		    "message")->valuestring);
		for (i = 0; i < sizeof error_codes / sizeof error_codes[0];
		    i++)
			if (strcmp(v->valuestring, error_codes[i]) == 0)
				break;
		FUZZ_CHECK(i < sizeof error_codes / sizeof error_codes[0],
		    "undocumented data.code \"%s\"", v->valuestring);
		/* The database is in memory: nothing may refuse a write. */
		FUZZ_CHECK(strcmp(v->valuestring, "storage") != 0,
		    "storage error: %s", cJSON_GetObjectItem(err,
		    "message")->valuestring);
		break;
	default:
		FUZZ_CHECK(0, "error code %d (%s)", code->valueint,
		    cJSON_GetObjectItem(err, "message")->valuestring);
	}
}

/* A notification: a method and params, no id. */
static void
check_notification(const cJSON *n)
{
	const cJSON	*v;

	FUZZ_CHECK(cJSON_IsObject(n), "notification is not an object");
	FUZZ_CHECK(cJSON_GetObjectItemCaseSensitive(n, "id") == NULL,
	    "notification with an id");
	v = cJSON_GetObjectItemCaseSensitive(n, "method");
	FUZZ_CHECK(cJSON_IsString(v), "notification without a method");
	v = cJSON_GetObjectItemCaseSensitive(n, "params");
	FUZZ_CHECK(cJSON_IsObject(v), "notification without params");
}

/*
 * The line a client would read: one line of valid UTF-8 JSON, returned
 * parsed back (an id is printed from raw text: the tree says little).
 */
static cJSON *
check_line(const cJSON *msg)
{
	char	*s;
	cJSON	*back;
	size_t	 len, bad;

	if ((s = cJSON_PrintUnformatted(msg)) == NULL)
		FUZZ_CHECK(0, "reply does not print");
	len = strlen(s);
	bad = fuzz_utf8_bad(s, len, 0);
	FUZZ_CHECK(bad == len, "reply is not UTF-8 at byte %zu: %s", bad, s);
	FUZZ_CHECK(memchr(s, '\n', len) == NULL, "newline in a reply: %s", s);
	back = cJSON_ParseWithLength(s, len);
	FUZZ_CHECK(back != NULL, "reply does not parse back: %s", s);
	free(s);
	return (back);
}

void
server_send(struct client *c, cJSON *msg)
{
	const cJSON	*r;
	cJSON		*back;

	back = check_line(msg);
	cJSON_Delete(msg);
	if (cJSON_IsArray(back)) {
		FUZZ_CHECK(cJSON_GetArraySize(back) > 0, "empty batch reply");
		cJSON_ArrayForEach(r, back)
			check_response(r);
	} else if (cJSON_GetObjectItemCaseSensitive(back, "method") != NULL)
		check_notification(back);
	else
		check_response(back);
	cJSON_Delete(back);
}

/* A reply printed already (every reply now): checked the same way. */
void
server_send_text(struct client *c, const char *s, size_t len)
{
	size_t	 bad = fuzz_utf8_bad(s, len, 0);
	cJSON	*back;

	FUZZ_CHECK(bad == len, "reply is not UTF-8 at byte %zu", bad);
	FUZZ_CHECK(memchr(s, '\n', len) == NULL, "newline in a reply");
	back = cJSON_ParseWithLength(s, len);
	FUZZ_CHECK(back != NULL, "reply does not parse: %.*s", (int)len, s);
	server_send(c, back);
}

void
server_notify(int64_t session, const char *method, cJSON *params)
{
	cJSON	*msg = cJSON_CreateObject(), *back;

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	cJSON_AddStringToObject(msg, "method", method);
	cJSON_AddItemToObject(msg, "params", params);
	back = check_line(msg);
	cJSON_Delete(msg);
	check_notification(back);
	cJSON_Delete(back);
}

int
client_is_admin(const struct client *c)
{
	return (c->admin);
}

uid_t
client_uid(const struct client *c)
{
	return (c->uid);
}

void
client_subscribe(struct client *c, int64_t session)
{
	c->subscribed = 1;
	c->sub_session = session;
}

void
client_defer(struct client *c, cJSON *msg)
{
	if (c->deferred == NULL)
		c->deferred = cJSON_CreateArray();
	cJSON_AddItemToArray(c->deferred, msg);
}

static void
sql(const char *q)
{
	char	*err = NULL;

	if (sqlite3_exec(db->db, q, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "fuzz-rpc: %s: %s\n", q, err);
		abort();
	}
}

/* A finished session of suite with measured walls around mean seconds. */
static int64_t
fixture_session(const char *suite, const char *params, double mean,
    enum session_state state, int failed_run)
{
	static const struct run_phase phases[] = {
		{ "ORI_BUILD_TIMING", "parse", 3, 300000000, 150000000 },
		{ "ORI_BUILD_TIMING", "link", 1, 200000000, 200000000 },
		{ "ORI_TEST_TIMING", "caf\xc3\xa9", 2, 1000, 999 },
	};
	const struct suite	*su = conf_suite(cfg, suite);
	struct session_new	 sn;
	struct session_start	 ss;
	struct run_row		 row;
	char			*fp;
	int64_t			 id;
	int			 i;

	memset(&sn, 0, sizeof sn);
	sn.suite = suite;
	sn.params = params;
	sn.label = "fixture";
	sn.warmup = 1;
	sn.runs = 3;
	sn.max_runs = 5;
	sn.cv_target = 0.05;
	sn.noise = 0.01;
	if ((id = store_session_insert(db, &sn)) <= 0)
		fatalx("fixture: %s", store_errmsg(db));
	memset(&ss, 0, sizeof ss);
	ss.text = su->text;
	ss.hash = "0123456789abcdef";
	ss.rev = "3f2c0e1";
	ss.dirty = 0;
	fp = fingerprint_json(cfg->cond.sys_root);
	ss.fingerprint = fp;
	ss.command = "/bin/true";
	if (store_session_start(db, id, &ss) != 0)
		fatalx("fixture: %s", store_errmsg(db));
	free(fp);
	for (i = 0; i < 4; i++) {
		memset(&row, 0, sizeof row);
		row.seq = i + 1;
		row.warmup = i == 0;
		row.iteration = i == 0 ? 1 : i;
		row.started_at = store_now_ms();
		row.wall_ns = (uint64_t)((mean + 0.01 * (i % 3)) * 1e9);
		row.ru.ru_utime.tv_sec = 1 + i;
		row.ru.ru_stime.tv_usec = 5000 * i;
		row.ru.ru_maxrss = 1024 * (i + 1);
		row.canonical = 1;
		row.conditions = "{\"canonical\":true,\"policy\":\"warn\","
		    "\"checks\":[]}";
		row.throttle_delta = i == 2 ? -1 : 0;
		row.phases = phases;
		row.nphases = i == 1 ? 2 : 3;
		if (i == 3) {
			row.timing_malformed = 1;
			row.timing_example = "ORI_BUILD_TIMING: phase=\\xff";
		}
		if (failed_run && i == 3) {
			row.exit_code = 2;
			row.stdout_tail = "out\xff\xfe";
			row.stdout_len = 5;
			row.stderr_tail = "error: \xc3";
			row.stderr_len = 8;
		}
		if (store_run_insert(db, id, &row) != 0)
			fatalx("fixture: %s", store_errmsg(db));
	}
	if (store_session_finish(db, id, state, failed_run ?
	    "measured run 3 exited with 2" : NULL) != 0)
		fatalx("fixture: %s", store_errmsg(db));
	return (id);
}

/*
 * Sessions every read method finds something in: a level shift (change
 * point), a baseline, verdicts, a failed run, a parameterised suite and
 * one session still queued.
 */
static void
fixtures(void)
{
	struct session_new	 sn;
	struct session_verdict	 v;
	int64_t			 id, base = 0;
	int			 i;

	for (i = 0; i < 14; i++) {
		id = fixture_session("true", "{}", i < 8 ? 1.0 : 1.2,
		    i == 5 ? SESSION_UNSTABLE : SESSION_COMPLETED, 0);
		if (i == 1) {
			base = id;
			if (store_baseline_set(db, "true", "{}", id, 0) != 0)
				fatalx("fixture: %s", store_errmsg(db));
		} else if (i > 1) {
			memset(&v, 0, sizeof v);
			v.baseline = base;
			v.verdict = i < 8 ? VERDICT_SAME : VERDICT_REGRESSED;
			v.change = i < 8 ? 0.001 : 0.2;
			v.ci_low = -0.01;
			v.ci_high = i < 8 ? 0.01 : NAN;
			v.threshold = i < 8 ? 0.01 : 0.024;
			v.rule = i < 8 ? RULE_NOISE : RULE_HISTORY;
			store_session_verdict(db, id, &v);
		}
	}
	fixture_session("true", "{}", 1.0, SESSION_FAILED, 1);
	fixture_session("p", "{\"m\":\"a\",\"n\":\"1\"}", 0.5,
	    SESSION_COMPLETED, 0);
	fixture_session("p", "{\"m\":\"a\",\"n\":\"1\"}", 0.6,
	    SESSION_COMPLETED, 0);
	fixture_session("p", "{\"m\":\"b\",\"n\":\"2\"}", 0.6,
	    SESSION_CANCELLED, 0);
	memset(&sn, 0, sizeof sn);
	sn.suite = "true";
	sn.params = "{}";
	sn.warmup = 0;
	sn.runs = 1;
	sn.max_runs = 1;
	sn.cv_target = 0.05;
	sn.noise = 0.01;
	if (store_session_insert(db, &sn) <= 0)
		fatalx("fixture: %s", store_errmsg(db));
}

static void
fuzz_init(void)
{
	char	path[64], *cause = NULL;
	int	fd;

	unsetenv("STATE_DIRECTORY");
	log_init("fuzz-rpc", 0);
	if ((fd = memfd_create("fuzz-rpc.conf", 0)) == -1 ||
	    write(fd, fuzz_conf, sizeof fuzz_conf - 1) !=
	    (ssize_t)sizeof fuzz_conf - 1)
		fatal("memfd");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if ((cfg = conf_load(path, &cause)) == NULL)
		fatalx("%s", cause);
	close(fd);
	socket_path = cfg->socket;
	db_path = ":memory:";
	clock_gettime(CLOCK_MONOTONIC, &start_time);
	if ((db = store_open(db_path, &cause)) == NULL)
		fatalx("%s", cause);
	if ((ev_base = event_base_new()) == NULL ||
	    event_base_priority_init(ev_base, 2) != 0)
		fatalx("event base");
	sched_init();
	fixtures();
}

/* Replies a method asked to follow its own, as server.c sends them. */
static void
flush_deferred(struct client *c)
{
	cJSON	*d = c->deferred, *m;

	c->deferred = NULL;
	if (d == NULL)
		return;
	while ((m = cJSON_DetachItemFromArray(d, 0)) != NULL)
		server_send(c, m);
	cJSON_Delete(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client	 c;
	const uint8_t	*p = data, *end = data + size, *nl;
	sqlite3_int64	 changes;
	size_t		 len;
	char		*line;

	if (db == NULL)
		fuzz_init();
	memset(&c, 0, sizeof c);
	c.uid = 1000;
	sql("SAVEPOINT fuzz");
	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		c.admin = !(nl > p && *p == 0x01);
		if (!c.admin)
			p++;
		len = nl - p;
		line = xmalloc(len + 1);
		memcpy(line, p, len);
		line[len] = '\0';
		changes = sqlite3_total_changes64(db->db);
		rpc_line(&c, line, len);
		free(line);
		flush_deferred(&c);
		if (!c.admin)
			FUZZ_CHECK(sqlite3_total_changes64(db->db) == changes,
			    "a client that is not an admin changed the "
			    "database");
		if (nl == end)
			break;
		p = nl + 1;
	}
	sql("ROLLBACK TO fuzz");
	sql("RELEASE fuzz");
	return (0);
}
