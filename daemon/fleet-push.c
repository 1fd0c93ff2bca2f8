/*
 * fleet-push.c -- the outbox pushed to PostgreSQL, one session per
 * transaction: the session upserted on (box, session_id), its runs,
 * phases and profile summary replaced, then COMMIT; only after the
 * COMMIT does the session leave the outbox (and only if it did not
 * change meanwhile), so a push cut short is pushed again and changes
 * nothing the second time.  Never while a measured child is in flight.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "fleet-int.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* $1 box, $2 session id, $3 the session's document (store_fleet_session). */
static const char *const push_sql[] = {
	"INSERT INTO sessions AS s (box, session_id, suite, params, label, "
	"rev, dirty, state, reason, warmup, runs, max_runs, cv_target, noise, "
	"queued_at, started_at, finished_at, command, fingerprint, cpus, "
	"wall_mean, baseline_id, verdict, change, change_ci_low, "
	"change_ci_high, verdict_threshold, verdict_rule) "
	"SELECT $1, $2::bigint, d->>'suite', coalesce(d->'params', '{}'), "
	"d->>'label', d->>'rev', (d->>'dirty')::integer <> 0, d->>'state', "
	"d->>'reason', (d->>'warmup')::integer, (d->>'runs')::integer, "
	"(d->>'max_runs')::integer, (d->>'cv_target')::float8, "
	"(d->>'noise')::float8, "
	"to_timestamp((d->>'queued_at')::bigint / 1000.0), "
	"to_timestamp((d->>'started_at')::bigint / 1000.0), "
	"to_timestamp((d->>'finished_at')::bigint / 1000.0), "
	"d->>'command', d->'fingerprint', d->>'cpus', "
	"(d->>'wall_mean')::float8, (d->>'baseline_id')::bigint, "
	"d->>'verdict', (d->>'change')::float8, "
	"(d->>'change_ci_low')::float8, (d->>'change_ci_high')::float8, "
	"(d->>'verdict_threshold')::float8, d->>'verdict_rule' "
	"FROM (SELECT $3::jsonb AS d) AS x "
	"ON CONFLICT (box, session_id) DO UPDATE SET (suite, params, label, "
	"rev, dirty, state, reason, warmup, runs, max_runs, cv_target, noise, "
	"queued_at, started_at, finished_at, command, fingerprint, cpus, "
	"wall_mean, baseline_id, verdict, change, change_ci_low, "
	"change_ci_high, verdict_threshold, verdict_rule, pushed_at) = "
	"(EXCLUDED.suite, EXCLUDED.params, EXCLUDED.label, EXCLUDED.rev, "
	"EXCLUDED.dirty, EXCLUDED.state, EXCLUDED.reason, EXCLUDED.warmup, "
	"EXCLUDED.runs, EXCLUDED.max_runs, EXCLUDED.cv_target, "
	"EXCLUDED.noise, EXCLUDED.queued_at, EXCLUDED.started_at, "
	"EXCLUDED.finished_at, EXCLUDED.command, EXCLUDED.fingerprint, "
	"EXCLUDED.cpus, EXCLUDED.wall_mean, EXCLUDED.baseline_id, "
	"EXCLUDED.verdict, EXCLUDED.change, EXCLUDED.change_ci_low, "
	"EXCLUDED.change_ci_high, EXCLUDED.verdict_threshold, "
	"EXCLUDED.verdict_rule, now())",

	"DELETE FROM runs WHERE box = $1 AND session_id = $2::bigint "
	"AND $3::jsonb IS NOT NULL",

	"INSERT INTO runs (box, session_id, seq, kind, iteration, started_at, "
	"wall_ns, utime_us, stime_us, maxrss_kb, minflt, majflt, nvcsw, "
	"nivcsw, inblock, oublock, exit_code, signal, timed_out, canonical, "
	"disturbed, conditions, throttle_delta, cpu_stall_us, mem_peak_kb) "
	"SELECT $1, $2::bigint, r.seq, r.kind, r.iteration, "
	"to_timestamp(r.started_at / 1000.0), r.wall_ns, r.utime_us, "
	"r.stime_us, r.maxrss_kb, r.minflt, r.majflt, r.nvcsw, r.nivcsw, "
	"r.inblock, r.oublock, r.exit_code, r.signal, r.timed_out, "
	"r.canonical, r.disturbed, r.conditions, r.throttle_delta, "
	"r.cpu_stall_us, r.mem_peak_kb "
	"FROM jsonb_to_recordset($3::jsonb->'run_list') AS r(seq integer, "
	"kind text, iteration integer, started_at bigint, wall_ns bigint, "
	"utime_us bigint, stime_us bigint, maxrss_kb bigint, minflt bigint, "
	"majflt bigint, nvcsw bigint, nivcsw bigint, inblock bigint, "
	"oublock bigint, exit_code integer, signal integer, "
	"timed_out boolean, canonical boolean, disturbed boolean, "
	"conditions jsonb, throttle_delta bigint, cpu_stall_us bigint, "
	"mem_peak_kb bigint)",

	"INSERT INTO run_phases (box, session_id, seq, prefix, phase, ord, "
	"count, total_ns, max_ns) "
	"SELECT $1, $2::bigint, p.seq, p.prefix, p.phase, p.ord, p.count, "
	"p.total_ns, p.max_ns "
	"FROM jsonb_to_recordset($3::jsonb->'phase_list') AS p(seq integer, "
	"prefix text, phase text, ord integer, count bigint, "
	"total_ns bigint, max_ns bigint)",

	"DELETE FROM profiles WHERE box = $1 AND session_id = $2::bigint "
	"AND $3::jsonb IS NOT NULL",

	"INSERT INTO profiles (box, session_id, state, reason, event, "
	"frequency, samples, stacks, skipped, wall_ns, folded_size) "
	"SELECT $1, $2::bigint, p->>'state', p->>'reason', p->>'event', "
	"(p->>'frequency')::integer, (p->>'samples')::bigint, "
	"(p->>'stacks')::bigint, (p->>'skipped')::bigint, "
	"(p->>'wall_ns')::bigint, (p->>'folded_size')::bigint "
	"FROM (SELECT $3::jsonb->'profile' AS p) AS x "
	"WHERE jsonb_typeof(p) = 'object'",
};

/* One session, in one transaction: 0, or -1 with the last error set. */
static int
fleet_push_one(struct fleet *f, int64_t id, const char *doc)
{
	const char	*p[3];
	char		 sid[32];
	size_t		 i;

	snprintf(sid, sizeof sid, "%lld", (long long)id);
	p[0] = f->box;
	p[1] = sid;
	p[2] = doc;
	if (fleet_pg_command(f, "BEGIN", 0, NULL, "push") != 0)
		return (-1);
	for (i = 0; i < sizeof push_sql / sizeof push_sql[0]; i++) {
		if (fleet_pg_command(f, push_sql[i], 3, p, "push") != 0) {
			if (!fleet_pg_lost(f))
				(void)fleet_pg_command(f, "ROLLBACK", 0, NULL,
				    "rollback");
			return (-1);
		}
	}
	return (fleet_pg_command(f, "COMMIT", 0, NULL, "push"));
}

/*
 * Push what the outbox holds, oldest first, until it is empty, a
 * measured child starts, or the connection fails (-1).  A session the
 * server refuses for itself is counted, kept, and passed over until
 * the next pass.
 */
int
fleet_push(struct fleet *f)
{
	int64_t	 id, gen;
	char	*doc;
	int	 rc;

	while (!atomic_load(&f->quiet)) {
		if ((rc = store_fleet_next(f->st, f->after, &id, &gen)) <= 0) {
			f->after = 0;
			return (rc < 0 ? -1 : 0);
		}
		f->after = id;
		if ((doc = store_fleet_session(f->st, id)) == NULL) {
			(void)store_fleet_pushed(f->st, id, gen);
			continue;
		}
		rc = fleet_push_one(f, id, doc);
		free(doc);
		if (rc != 0) {
			pthread_mutex_lock(&f->mtx);
			(void)store_fleet_failed(f->st, id, f->last_error);
			pthread_mutex_unlock(&f->mtx);
			if (fleet_pg_lost(f))
				return (-1);
			continue;
		}
		if (store_fleet_pushed(f->st, id, gen) != 0)
			return (0);
		pthread_mutex_lock(&f->mtx);
		f->pushed++;
		pthread_mutex_unlock(&f->mtx);
		fleet_ok(f);
	}
	return (0);
}
