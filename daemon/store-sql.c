/*
 * store-sql.c -- every statement benchd runs, prepared once and reused,
 * and the binding and column helpers the store-*.c files share.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "store-int.h"
#include "xmalloc.h"

#define SESSION_COLS \
	"s.id, s.suite, s.params, s.label, s.rev, s.dirty, s.state, " \
	"s.reason, s.warmup, s.runs, s.max_runs, s.cv_target, s.queued_at, " \
	"s.started_at, s.finished_at, s.queued_by, " \
	"(SELECT count(*) FROM runs r WHERE r.session_id = s.id " \
	"AND r.kind = 'measured'), " \
	"(SELECT count(*) FROM runs r WHERE r.session_id = s.id " \
	"AND r.kind = 'warmup'), " \
	"s.verdict, s.baseline_id, s.change, s.change_ci_low, " \
	"s.change_ci_high, s.command, s.fingerprint, s.cpus, s.nice, " \
	"s.suite_hash, s.cgroup, s.max_stall, s.noise, s.verdict_threshold, " \
	"s.verdict_rule, s.commit_time, s.commit_subject, s.ab_id, s.ab_arm, " \
	"s.confirmation, s.follow"

/* A regression listed is one found since the suite's current baseline. */
#define REGRESSIONS_SINCE_BASELINE \
	"AND (:suite IS NULL OR s.suite = :suite) " \
	"AND s.finished_at >= coalesce((SELECT max(b.set_at) " \
	"FROM baselines b WHERE b.suite = s.suite AND " \
	"b.params = s.params), 0) "

#define AB_COLS \
	"t.id, t.suite, t.params, t.session_a, t.session_b, t.metric, " \
	"t.purpose, t.confirms, t.bisect_id, t.verdict, t.change, t.ci_low, " \
	"t.ci_high, t.threshold, t.pairs, " \
	"(SELECT s.state FROM sessions s WHERE s.id = t.session_a), " \
	"(SELECT s.rev FROM sessions s WHERE s.id = t.session_a), " \
	"(SELECT s.rev FROM sessions s WHERE s.id = t.session_b), " \
	"(SELECT s.reason FROM sessions s WHERE s.id = t.session_a), " \
	"t.failed_arm"

const char *const stmt_sql[S_COUNT] = {
	[S_SESSION_INSERT] =
	    "INSERT INTO sessions (suite, params, label, rev, warmup, runs, "
	    "max_runs, cv_target, noise, queued_at, queued_by, commit_time, "
	    "commit_subject, ab_id, ab_arm, follow) VALUES (:suite, "
	    ":params, :label, :rev, :warmup, :runs, :max_runs, :cv, :noise, "
	    ":now, :by, :ctime, :subject, :ab, :arm, :follow)",
	[S_SESSION_START] =
	    "UPDATE sessions SET state = 'running', started_at = :now, "
	    "suite_text = :text, suite_hash = :hash, rev = :rev, "
	    "dirty = :dirty, cpus = :cpus, nice = :nice, fingerprint = :fp, "
	    "command = :cmd, cgroup = :cgroup, max_stall = :max_stall "
	    "WHERE id = :id",
	[S_SESSION_FINISH] =
	    "UPDATE sessions SET state = :state, reason = :reason, "
	    "finished_at = :now, pgid = NULL, wall_mean = (" WALL_MEAN ") "
	    "WHERE id = :id",
	[S_NEXT_QUEUED] =
	    "SELECT id FROM sessions WHERE state = 'queued' AND "
	    "(ab_arm IS NULL OR ab_arm = 'A') ORDER BY id LIMIT 1",
	[S_RUN_INSERT] =
	    "INSERT INTO runs (session_id, seq, kind, iteration, started_at, "
	    "wall_ns, utime_us, stime_us, maxrss_kb, minflt, majflt, nvcsw, "
	    "nivcsw, inblock, oublock, exit_code, signal, timed_out, "
	    "stdout_tail, stderr_tail, canonical, conditions, throttle_delta, "
	    "timing_malformed, timing_example, cg_user_us, cg_system_us, "
	    "cpu_stall_us, io_stall_us, mem_peak_kb, others_cpu_us, "
	    "busy_cpus, disturbed) VALUES "
	    "(:session, :seq, :kind, :iter, :started, :wall, :utime, :stime, "
	    ":maxrss, :minflt, :majflt, :nvcsw, :nivcsw, :inblock, :oublock, "
	    ":exit, :signal, :timedout, :out, :err, :canonical, :conditions, "
	    ":throttle, :malformed, :example, :cg_user, :cg_system, :stall, "
	    ":io_stall, :mem_peak, :others, :busy_cpus, :disturbed)",
	[S_PHASE_INSERT] =
	    "INSERT INTO run_phases (run_id, prefix, phase, ord, count, "
	    "total_ns, max_ns) VALUES (:run, :prefix, :phase, :ord, :count, "
	    ":total, :max)",
	[S_SESSION_GET] =
	    "SELECT " SESSION_COLS " FROM sessions s WHERE s.id = :id",
	[S_SESSION_LIST] =
	    "SELECT * FROM (SELECT " SESSION_COLS " FROM sessions s "
	    "ORDER BY s.id DESC LIMIT :last) ORDER BY 1",
	[S_SESSION_LIST_SUITE] =
	    "SELECT * FROM (SELECT " SESSION_COLS " FROM sessions s "
	    "WHERE s.suite = :suite ORDER BY s.id DESC LIMIT :last) ORDER BY 1",
	[S_QUEUE_LIST] =
	    "SELECT " SESSION_COLS " FROM sessions s WHERE s.state = 'queued' "
	    "ORDER BY s.id",
	[S_RUNS] =
	    "SELECT seq, kind, iteration, started_at, wall_ns, utime_us, "
	    "stime_us, maxrss_kb, minflt, majflt, nvcsw, nivcsw, inblock, "
	    "oublock, exit_code, signal, timed_out, stdout_tail, stderr_tail, "
	    "canonical, conditions, throttle_delta, timing_malformed, "
	    "timing_example, cg_user_us, cg_system_us, cpu_stall_us, "
	    "io_stall_us, mem_peak_kb, disturbed, others_cpu_us, busy_cpus "
	    "FROM runs WHERE session_id = :id ORDER BY seq",
	[S_MEASURED] =
	    "SELECT wall_ns, utime_us, stime_us, maxrss_kb FROM runs "
	    "WHERE session_id = :id AND kind = 'measured' AND exit_code = 0 "
	    "AND timed_out = 0 AND disturbed = 0 ORDER BY seq",
	[S_TREE_CPU] =
	    "SELECT cg_user_us + cg_system_us FROM runs "
	    "WHERE session_id = :id AND kind = 'measured' AND exit_code = 0 "
	    "AND timed_out = 0 AND disturbed = 0 ORDER BY seq",
	[S_DISTURBED] =
	    "SELECT count(*) FROM runs WHERE session_id = :id "
	    "AND kind = 'measured' AND disturbed = 1",
	[S_RUN_PHASES] =
	    "SELECT r.seq, p.prefix, p.phase, p.count, p.total_ns, p.max_ns "
	    "FROM runs r JOIN run_phases p ON p.run_id = r.id "
	    "WHERE r.session_id = :id ORDER BY r.seq, p.ord",
	[S_SESSION_PHASES] =
	    "SELECT r.seq, p.prefix, p.phase, p.count, p.total_ns, p.max_ns "
	    "FROM runs r JOIN run_phases p ON p.run_id = r.id "
	    "WHERE r.session_id = :id AND r.kind = 'measured' "
	    "AND r.exit_code = 0 AND r.timed_out = 0 AND r.disturbed = 0 "
	    "ORDER BY r.seq, p.ord",
	[S_SESSION_VERDICT] =
	    "UPDATE sessions SET baseline_id = :base, verdict = :verdict, "
	    "change = :change, change_ci_low = :lo, change_ci_high = :hi, "
	    "verdict_threshold = :threshold, verdict_rule = :rule "
	    "WHERE id = :id",
	[S_BASELINE_INSERT] =
	    "INSERT INTO baselines (suite, params, session_id, set_by, set_at) "
	    "VALUES (:suite, :params, :session, :by, :now)",
	[S_BASELINE_CURRENT] =
	    "SELECT session_id FROM baselines WHERE suite = :suite "
	    "AND params = :params ORDER BY id DESC LIMIT 1",
	[S_BASELINE_HISTORY] =
	    "SELECT session_id, set_by, set_at FROM baselines "
	    "WHERE suite = :suite AND params = :params ORDER BY id DESC",
	[S_BASELINE_SUITES] =
	    "SELECT DISTINCT suite, params FROM baselines "
	    "WHERE :suite IS NULL OR suite = :suite ORDER BY suite, params",
	[S_LATEST_COMPLETED] =
	    "SELECT id FROM sessions WHERE suite = :suite AND params = :params "
	    "AND state IN ('completed', 'unstable') ORDER BY id DESC LIMIT 1",
	/*
	 * Regressed verdicts, and suspected changes an A/B test checks or
	 * confirmed (sched-verdict.c), since the suite's current baseline:
	 * two branches, each on its index.
	 */
	[S_REGRESSIONS] =
	    "SELECT " SESSION_COLS " FROM sessions s "
	    "WHERE s.verdict = 'regressed' " REGRESSIONS_SINCE_BASELINE
	    "UNION ALL SELECT " SESSION_COLS " FROM sessions s "
	    "WHERE s.id IN (SELECT a.confirms FROM ab_tests a "
	    "WHERE a.confirms IS NOT NULL) AND s.verdict = 'inconclusive' "
	    "AND s.change > 0 AND s.confirmation IN ('pending', 'confirmed') "
	    REGRESSIONS_SINCE_BASELINE "ORDER BY 1",
	[S_SUITE_MEANS] =
	    "SELECT id, wall_mean FROM sessions WHERE suite = :suite "
	    "AND params = :params AND state IN ('completed', 'unstable') "
	    "AND wall_mean IS NOT NULL ORDER BY id",
	[S_SUITE_HISTORY] =
	    "SELECT id, wall_mean, rev, dirty FROM sessions "
	    "WHERE suite = :suite AND params = :params AND state IN "
	    "('completed', 'unstable') AND wall_mean IS NOT NULL ORDER BY id",
	[S_SESSION_MALFORMED] =
	    "SELECT coalesce(sum(timing_malformed), 0), (SELECT "
	    "timing_example FROM runs WHERE session_id = :id AND "
	    "kind = 'measured' AND timing_example IS NOT NULL ORDER BY seq "
	    "LIMIT 1) FROM runs WHERE session_id = :id AND kind = 'measured'",
	[S_FIRST_CONDITIONS] =
	    "SELECT conditions FROM runs WHERE session_id = :id "
	    "AND kind = 'measured' ORDER BY seq LIMIT 1",
	[S_SUITE_SERIES] =
	    "SELECT params, id, wall_mean FROM sessions WHERE suite = :suite "
	    "AND state IN ('completed', 'unstable') AND wall_mean IS NOT NULL "
	    "ORDER BY params, id",
	[S_PROFILE_REQUEST] =
	    "INSERT INTO profiles (session_id, state) VALUES (:id, 'requested')",
	[S_PROFILE_REQUESTED] =
	    "SELECT 1 FROM profiles WHERE session_id = :id "
	    "AND state = 'requested'",
	[S_PROFILE_PUT] =
	    "INSERT OR REPLACE INTO profiles (session_id, state, reason, event, "
	    "frequency, samples, stacks, skipped, wall_ns, folded, folded_size, "
	    "recorded_at) VALUES (:id, :state, :reason, :event, :freq, "
	    ":samples, :stacks, :skipped, :wall, :folded, :size, :now)",
	[S_PROFILE_GET] =
	    "SELECT state, reason, event, frequency, samples, stacks, skipped, "
	    "wall_ns, folded_size, folded FROM profiles WHERE session_id = :id",
	[S_CALIBRATION_INSERT] =
	    "INSERT INTO calibrations (suite, params, pairs, noise, "
	    "created_at, queued_by) VALUES (:suite, :params, :pairs, :noise, "
	    ":now, :by)",
	[S_CALIBRATION_PAIR_INSERT] =
	    "INSERT INTO calibration_pairs (calibration_id, pair, a, b) "
	    "VALUES (:id, :pair, :a, :b)",
	[S_CALIBRATION_GET] =
	    "SELECT id, suite, params, pairs, state, reason, noise, counted, "
	    "regressed, improved, false_rate, learned_noise, created_at, "
	    "finished_at, queued_by FROM calibrations WHERE id = :id",
	[S_CALIBRATION_PAIRS] =
	    "SELECT pair, a, b, verdict, change, change_ci_low, change_ci_high "
	    "FROM calibration_pairs WHERE calibration_id = :id ORDER BY pair",
	[S_CALIBRATION_LIST] =
	    "SELECT id FROM (SELECT id FROM calibrations WHERE "
	    "(:suite IS NULL OR suite = :suite) AND "
	    "(:params IS NULL OR params = :params) ORDER BY id DESC "
	    "LIMIT :last) ORDER BY id",
	[S_CALIBRATION_RUNNING] =
	    "SELECT id FROM calibrations WHERE state = 'running' ORDER BY id",
	[S_CALIBRATION_SAVE] =
	    "UPDATE calibrations SET state = :state, reason = :reason, "
	    "counted = :counted, regressed = :regressed, improved = :improved, "
	    "false_rate = :rate, learned_noise = :learned, finished_at = :now "
	    "WHERE id = :id",
	[S_CALIBRATION_PAIR_SAVE] =
	    "UPDATE calibration_pairs SET verdict = :verdict, "
	    "change = :change, change_ci_low = :lo, change_ci_high = :hi "
	    "WHERE calibration_id = :id AND pair = :pair",
	[S_CALIBRATION_LEARNED] =
	    "SELECT c.id, c.learned_noise FROM calibrations c "
	    "WHERE c.suite = :suite AND c.params = :params "
	    "AND c.state = 'completed' AND c.learned_noise IS NOT NULL "
	    "AND (SELECT max(p.b) FROM calibration_pairs p "
	    "WHERE p.calibration_id = c.id) <= :upto "
	    "ORDER BY c.id DESC LIMIT 1",
	[S_AB_INSERT] =
	    "INSERT INTO ab_tests (suite, params, metric, purpose, confirms, "
	    "bisect_id) VALUES (:suite, :params, :metric, :purpose, "
	    ":confirms, :bisect)",
	[S_AB_ARMS] =
	    "UPDATE ab_tests SET session_a = :a, session_b = :b WHERE id = :id",
	[S_AB_GET] =
	    "SELECT " AB_COLS " FROM ab_tests t WHERE t.id = :id",
	[S_AB_DECIDE] =
	    "UPDATE ab_tests SET verdict = :verdict, change = :change, "
	    "ci_low = :lo, ci_high = :hi, threshold = :threshold, "
	    "pairs = :pairs, decided_at = :now, failed_arm = :failed "
	    "WHERE id = :id",
	[S_CONFIRMATION_SET] =
	    "UPDATE sessions SET confirmation = :state WHERE id = :id",
	[S_AB_LIST] =
	    "SELECT * FROM (SELECT " AB_COLS " FROM ab_tests t "
	    "WHERE :suite IS NULL OR t.suite = :suite "
	    "ORDER BY t.id DESC LIMIT :last) ORDER BY 1",
	[S_BISECT_INSERT] =
	    "INSERT INTO bisections (suite, params, good, bad, metric, "
	    "commits, marks, created_at, queued_by) VALUES (:suite, :params, "
	    ":good, :bad, :metric, :commits, :marks, :now, :by)",
	[S_BISECT_GET] =
	    "SELECT id, suite, params, good, bad, metric, state, reason, "
	    "commits, marks, step_ab, step_index, retries, first_bad, "
	    "final_ab, created_at, finished_at, queued_by FROM bisections "
	    "WHERE id = :id",
	[S_BISECT_SAVE] =
	    "UPDATE bisections SET state = :state, reason = :reason, "
	    "marks = :marks, step_ab = :step_ab, step_index = :step_index, "
	    "retries = :retries, first_bad = :first_bad, final_ab = :final_ab, "
	    "finished_at = CASE WHEN :state = 'running' THEN NULL ELSE :now "
	    "END WHERE id = :id",
	[S_SESSION_OF_COMMIT] =
	    "SELECT id FROM sessions WHERE suite = :suite AND params = :params "
	    "AND rev = :rev AND state IN ('completed', 'unstable') "
	    "AND ab_id IS NULL ORDER BY id DESC LIMIT 1",
	[S_FOLLOW_GET] =
	    "SELECT last_commit FROM follows WHERE suite = :suite "
	    "AND branch = :branch",
	[S_FOLLOW_SET] =
	    "INSERT INTO follows (suite, branch, last_commit, looked_at) "
	    "VALUES (:suite, :branch, :commit, :now) ON CONFLICT (suite) DO "
	    "UPDATE SET branch = :branch, last_commit = :commit, "
	    "looked_at = :now",
	[S_BISECT_RUNNING] =
	    "SELECT id FROM bisections WHERE state = 'running' ORDER BY id",
	[S_BISECT_LIST] =
	    "SELECT * FROM (SELECT id FROM bisections "
	    "WHERE :suite IS NULL OR suite = :suite "
	    "ORDER BY id DESC LIMIT :last) ORDER BY 1",
	[S_FLEET_NEXT] =
	    "SELECT session_id, gen FROM fleet_outbox WHERE session_id > "
	    ":after ORDER BY session_id LIMIT 1",
	/* A session as one JSON document: what the fleet's tables take. */
	[S_FLEET_SESSION] =
	    "SELECT json_object('suite', s.suite, 'params', json(s.params), "
	    "'label', s.label, 'rev', s.rev, 'dirty', s.dirty, "
	    "'state', s.state, 'reason', s.reason, 'warmup', s.warmup, "
	    "'runs', s.runs, 'max_runs', s.max_runs, "
	    "'cv_target', s.cv_target, 'noise', s.noise, "
	    "'queued_at', s.queued_at, 'started_at', s.started_at, "
	    "'finished_at', s.finished_at, 'command', s.command, "
	    "'fingerprint', json(s.fingerprint), 'cpus', s.cpus, "
	    "'wall_mean', s.wall_mean, 'baseline_id', s.baseline_id, "
	    "'verdict', s.verdict, 'change', s.change, "
	    "'change_ci_low', s.change_ci_low, "
	    "'change_ci_high', s.change_ci_high, "
	    "'verdict_threshold', s.verdict_threshold, "
	    "'verdict_rule', s.verdict_rule, "
	    "'run_list', json(coalesce((SELECT json_group_array(json_object("
	    "'seq', r.seq, 'kind', r.kind, 'iteration', r.iteration, "
	    "'started_at', r.started_at, 'wall_ns', r.wall_ns, "
	    "'utime_us', r.utime_us, 'stime_us', r.stime_us, "
	    "'maxrss_kb', r.maxrss_kb, 'minflt', r.minflt, "
	    "'majflt', r.majflt, 'nvcsw', r.nvcsw, 'nivcsw', r.nivcsw, "
	    "'inblock', r.inblock, 'oublock', r.oublock, "
	    "'exit_code', r.exit_code, 'signal', r.signal, "
	    "'timed_out', r.timed_out <> 0, 'canonical', r.canonical <> 0, "
	    "'disturbed', r.disturbed <> 0, "
	    "'conditions', json(r.conditions), "
	    "'throttle_delta', r.throttle_delta, "
	    "'cpu_stall_us', r.cpu_stall_us, 'mem_peak_kb', r.mem_peak_kb)) "
	    "FROM runs r WHERE r.session_id = s.id), '[]')), "
	    "'phase_list', json(coalesce((SELECT json_group_array(json_object("
	    "'seq', r.seq, 'prefix', p.prefix, 'phase', p.phase, "
	    "'ord', p.ord, 'count', p.count, 'total_ns', p.total_ns, "
	    "'max_ns', p.max_ns)) FROM run_phases p JOIN runs r "
	    "ON r.id = p.run_id WHERE r.session_id = s.id), '[]')), "
	    "'profile', (SELECT json_object('state', f.state, "
	    "'reason', f.reason, 'event', f.event, "
	    "'frequency', f.frequency, 'samples', f.samples, "
	    "'stacks', f.stacks, 'skipped', f.skipped, "
	    "'wall_ns', f.wall_ns, 'folded_size', f.folded_size) "
	    "FROM profiles f WHERE f.session_id = s.id)) "
	    "FROM sessions s WHERE s.id = :id",
	[S_FLEET_PUSHED] =
	    "DELETE FROM fleet_outbox WHERE session_id = :id AND gen = :gen",
	[S_FLEET_FAILED] =
	    "UPDATE fleet_outbox SET attempts = attempts + 1, "
	    "last_error = :error WHERE session_id = :id",
	[S_FLEET_BACKLOG] =
	    "SELECT count(*), (SELECT last_error FROM fleet_outbox "
	    "WHERE last_error IS NOT NULL ORDER BY session_id LIMIT 1) "
	    "FROM fleet_outbox",
	[S_FLEET_BUSY] =
	    "SELECT EXISTS (SELECT 1 FROM sessions WHERE state IN "
	    "('queued', 'running'))",
	[S_FLEET_JOB_ADD] =
	    "INSERT INTO fleet_jobs (slot_id, job_id, session_id, reason, "
	    "taken_at) VALUES (:slot, :job, :session, :reason, :now) "
	    "ON CONFLICT (slot_id) DO UPDATE SET job_id = :job, "
	    "session_id = :session, reason = :reason, taken_at = :now, "
	    "settled = 0",
	[S_FLEET_JOBS] =
	    "SELECT j.slot_id, j.job_id, j.session_id, s.state, "
	    "coalesce(s.reason, j.reason) FROM fleet_jobs j "
	    "LEFT JOIN sessions s ON s.id = j.session_id "
	    "WHERE j.settled = 0 ORDER BY j.slot_id",
	[S_FLEET_JOB_SETTLED] =
	    "UPDATE fleet_jobs SET settled = 1 WHERE slot_id = :slot",
};

/* The cached statement, reset and with its bindings cleared. */
sqlite3_stmt *
store_stmt(struct store *st, enum stmt_id id)
{
	sqlite3_stmt	*s = st->stmt[id];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
			fatalx("prepare: %s: %s", stmt_sql[id],
			    sqlite3_errmsg(st->db));
		st->stmt[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (s);
}

/* Run a write statement; log and return -1 when SQLite refuses it. */
int
store_step_done(struct store *st, sqlite3_stmt *s)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("database: %s", sqlite3_errmsg(st->db));
		return (-1);
	}
	return (0);
}

/* Run an insert: the new row's id, or -1 when SQLite refuses it. */
int64_t
store_insert(struct store *st, sqlite3_stmt *s)
{
	if (store_step_done(st, s) != 0)
		return (-1);
	return (sqlite3_last_insert_rowid(st->db));
}

void
bind_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	sqlite3_bind_int64(s, sqlite3_bind_parameter_index(s, name), v);
}

/* A double; NaN (not known) binds NULL. */
void
bind_real(sqlite3_stmt *s, const char *name, double v)
{
	int	idx = sqlite3_bind_parameter_index(s, name);

	if (v != v)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_double(s, idx, v);
}

void
bind_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int	idx = sqlite3_bind_parameter_index(s, name);

	if (v == NULL)
		sqlite3_bind_null(s, idx);
	else
		sqlite3_bind_text(s, idx, v, -1, SQLITE_TRANSIENT);
}

/* A text column as a fresh string, NULL for NULL. */
char *
column_dup(sqlite3_stmt *s, int col)
{
	const char	*v = (const char *)sqlite3_column_text(s, col);

	return (v != NULL ? xstrdup(v) : NULL);
}

/* A real column, NAN for NULL (not known). */
double
column_real(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (NAN);
	return (sqlite3_column_double(s, col));
}

/* An integer column, or dflt when it is NULL. */
int64_t
column_int_or(sqlite3_stmt *s, int col, int64_t dflt)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return (dflt);
	return (sqlite3_column_int64(s, col));
}
