/*
 * fleet-queue.c -- the fleet's shared queue (schema/pg/001-init.sql,
 * jobs and job_slots).  When the box has nothing queued or running, the
 * thread takes one open slot it may run (its labels hold the job's, the
 * slot names this box or none) with SELECT ... FOR UPDATE SKIP LOCKED,
 * leases it, and hands it to the event loop, which queues it as a local
 * session (fleet_queue_local).  While the session runs the lease is
 * renewed (a heartbeat every third of it); at its end the slot is done
 * (completed, unstable, failed) or given back (cancelled, interrupted:
 * the box stopped).  A box that dies stops beating: when its lease runs
 * out another box takes the slot.  Each update names this box as the
 * holder, so a box that lost its lease cannot mark another's run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "benchd.h"
#include "conf.h"
#include "fleet-int.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* The oldest open slot this box may run, leased to it: $1 box,
 * $2 labels, $3 lease in seconds. */
#define TAKE_SQL \
	"WITH s AS (SELECT js.id FROM job_slots js JOIN jobs j " \
	"ON j.id = js.job_id WHERE js.state IN ('queued', 'leased') " \
	"AND (js.lease_until IS NULL OR js.lease_until < now()) " \
	"AND (js.box IS NULL OR js.box = $1) AND j.labels <@ $2::text[] " \
	"ORDER BY js.id LIMIT 1 FOR UPDATE OF js SKIP LOCKED) " \
	"UPDATE job_slots js SET state = 'leased', holder = $1, " \
	"lease_until = now() + $3::integer * interval '1 second', " \
	"heartbeat_at = now(), attempts = js.attempts + 1 " \
	"FROM s, jobs j WHERE js.id = s.id AND j.id = js.job_id " \
	"RETURNING js.id, js.job_id, j.suite, j.params::text, j.rev, j.label"

#define BEAT_SQL \
	"UPDATE job_slots SET lease_until = now() + $3::integer * " \
	"interval '1 second', heartbeat_at = now() WHERE id = $1::bigint " \
	"AND holder = $2 AND state = 'leased'"

#define DONE_SQL \
	"UPDATE job_slots SET state = $3, outcome = $4, " \
	"session_id = $5::bigint, done_at = now(), lease_until = NULL " \
	"WHERE id = $1::bigint AND holder = $2 AND state = 'leased'"

#define GIVE_BACK_SQL \
	"UPDATE job_slots SET state = 'queued', holder = NULL, " \
	"lease_until = NULL, outcome = $3 WHERE id = $1::bigint " \
	"AND holder = $2 AND state = 'leased' AND $4::text IS NULL " \
	"AND $5::bigint IS NULL"

void
fleet_take_free(struct fleet_take *t)
{
	if (t == NULL)
		return;
	free(t->suite);
	free(t->params);
	free(t->rev);
	free(t->label);
	free(t);
}

/* Tell the slot how its session ended: done, refused, or given back. */
static int
fleet_settle_one(struct fleet *f, const struct fleet_job_row *j)
{
	const char	*p[5], *sql;
	char		 slot[32], sid[32];
	PGresult	*r;
	int		 rows, st = j->state != NULL ?
			     session_state_parse(j->state) : -1;

	snprintf(slot, sizeof slot, "%lld", (long long)j->slot_id);
	snprintf(sid, sizeof sid, "%lld", (long long)j->session_id);
	p[0] = slot;
	p[1] = f->box;
	p[3] = j->state;
	p[4] = j->session_id > 0 ? sid : NULL;
	if (j->state == NULL) {
		sql = DONE_SQL;
		p[2] = "refused";
		p[3] = j->reason;
	} else if (st == SESSION_COMPLETED || st == SESSION_UNSTABLE ||
	    st == SESSION_FAILED) {
		sql = DONE_SQL;
		p[2] = "done";
	} else if (st == SESSION_CANCELLED || st == SESSION_INTERRUPTED) {
		sql = GIVE_BACK_SQL;
		p[2] = j->state;
		p[3] = NULL;
		p[4] = NULL;
	} else
		return (1);		/* still queued or running */
	if ((r = fleet_pg_exec(f, sql, 5, p, "job done")) == NULL)
		return (-1);
	rows = atoi(PQcmdTuples(r));
	PQclear(r);
	if (rows == 0)
		/* Only the holder may settle a slot: ours is no longer. */
		log_warnx("fleet: job %lld (slot %lld) ended here %s after its "
		    "lease ran out: not recorded, the slot is another box's",
		    (long long)j->job_id, (long long)j->slot_id,
		    j->state != NULL ? j->state : "refused");
	else
		log_info("fleet: job %lld (slot %lld) %s",
		    (long long)j->job_id, (long long)j->slot_id,
		    p[4] != NULL || j->state == NULL ? p[2] : "given back");
	return (store_fleet_job_settled(f->st, j->slot_id) == 0 ? 0 : -1);
}

/* Renew the lease of a slot whose session has not ended. */
static int
fleet_beat(struct fleet *f, const struct fleet_job_row *j)
{
	const char	*p[3];
	char		 slot[32], lease[32];
	PGresult	*r;
	int		 rows;

	snprintf(slot, sizeof slot, "%lld", (long long)j->slot_id);
	snprintf(lease, sizeof lease, "%d", f->lease);
	p[0] = slot;
	p[1] = f->box;
	p[2] = lease;
	if ((r = fleet_pg_exec(f, BEAT_SQL, 3, p, "heartbeat")) == NULL)
		return (-1);
	rows = atoi(PQcmdTuples(r));
	PQclear(r);
	if (rows == 0)
		log_warnx("fleet: job %lld: the lease ran out and another box "
		    "may have taken it", (long long)j->job_id);
	return (0);
}

/*
 * The jobs this box holds: ended ones settled, the others' leases
 * renewed when due.  0, or -1 on a PostgreSQL error.
 */
int
fleet_queue_settle(struct fleet *f)
{
	struct fleet_job_row	*v;
	size_t			 n, i;
	time_t			 now = time(NULL);
	int			 rc = 0, beat = now >= f->beat_at, held = 0;

	if (store_fleet_jobs(f->st, &v, &n) != 0)
		return (0);
	for (i = 0; i < n && rc >= 0; i++) {
		if ((rc = fleet_settle_one(f, &v[i])) == 1) {
			held = 1;
			pthread_mutex_lock(&f->mtx);
			f->job = v[i].job_id;
			pthread_mutex_unlock(&f->mtx);
			if (beat)
				rc = fleet_beat(f, &v[i]);
		}
	}
	fleet_jobs_free(v, n);
	if (beat)
		f->beat_at = now + (f->lease / 3 > 0 ? f->lease / 3 : 1);
	if (!held) {
		pthread_mutex_lock(&f->mtx);
		f->job = 0;
		pthread_mutex_unlock(&f->mtx);
	}
	return (rc < 0 ? -1 : 0);
}

/*
 * When the box is idle and its poll is due, take one slot and hand it
 * to the event loop.  0, or -1 on a PostgreSQL error.
 */
int
fleet_queue_take(struct fleet *f)
{
	struct fleet_take	*t;
	struct fleet_job_row	*v;
	const char		*p[3];
	char			 lease[32];
	PGresult		*r;
	size_t			 n;
	time_t			 now = time(NULL);

	if (!f->queue || now < f->take_at)
		return (0);
	f->take_at = now + f->poll;
	if (store_fleet_busy(f->st) != 0 || store_fleet_jobs(f->st, &v,
	    &n) != 0)
		return (0);
	fleet_jobs_free(v, n);
	if (n > 0)
		return (0);
	snprintf(lease, sizeof lease, "%d", f->lease);
	p[0] = f->box;
	p[1] = f->labels;
	p[2] = lease;
	if ((r = fleet_pg_exec(f, TAKE_SQL, 3, p, "take a job")) == NULL)
		return (-1);
	if (PQntuples(r) == 0) {
		PQclear(r);
		return (0);
	}
	t = xcalloc(1, sizeof *t);
	t->slot = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	t->job = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
	t->suite = xstrdup(PQgetvalue(r, 0, 2));
	t->params = xstrdup(PQgetvalue(r, 0, 3));
	if (!PQgetisnull(r, 0, 4))
		t->rev = xstrdup(PQgetvalue(r, 0, 4));
	if (!PQgetisnull(r, 0, 5))
		t->label = xstrdup(PQgetvalue(r, 0, 5));
	PQclear(r);
	log_info("fleet: took job %lld (slot %lld): %s", (long long)t->job,
	    (long long)t->slot, t->suite);
	f->beat_at = now + (f->lease / 3 > 0 ? f->lease / 3 : 1);
	f->take_at = now;	/* look again as soon as it is done */
	return (fleet_hand_over(f, t));
}

/*
 * On the event loop: queue a taken job as a session of its suite, or
 * record why it cannot run here; either way the slot is remembered, in
 * the same transaction, so its end is told to the fleet.
 */
void
fleet_queue_local(struct fleet_take *t)
{
	const struct suite	*su;
	struct session_new	 sn;
	struct rpc_error	 e;
	cJSON			*given;
	char			*reason = NULL, *ptext = NULL, *label = NULL;
	int64_t			 id = 0;

	memset(&e, 0, sizeof e);
	given = cJSON_Parse(t->params);
	if ((su = conf_suite(cfg, t->suite)) == NULL)
		xasprintf(&reason, "no suite named \"%s\" on this box",
		    t->suite);
	else if (given == NULL || method_params_check(su, given, 0, &e) != 0)
		xasprintf(&reason, "%s", e.message != NULL ? e.message :
		    "params are not a JSON object");
	free(e.message);
	if (store_begin(db) != 0) {
		log_warnx("fleet: job %lld: %s", (long long)t->job,
		    store_errmsg(db));
		goto out;
	}
	if (reason == NULL) {
		ptext = wire_params_text(su, given);
		if (t->label != NULL)
			label = xstrdup(t->label);
		else
			xasprintf(&label, "fleet job %lld", (long long)t->job);
		memset(&sn, 0, sizeof sn);
		method_session_plan(su, 0, -1, &sn);
		sn.params = ptext;
		sn.label = label;
		sn.rev = t->rev;
		sn.queued_by = (int64_t)getuid();
		id = store_session_insert(db, &sn);
	}
	if (id < 0 || store_fleet_job_add(db, t->slot, t->job, id,
	    reason) != 0) {
		store_rollback(db);
		log_warnx("fleet: job %lld: %s", (long long)t->job,
		    store_errmsg(db));
	} else if (store_commit(db) != 0)
		log_warnx("fleet: job %lld: %s", (long long)t->job,
		    store_errmsg(db));
	else if (reason != NULL)
		log_warnx("fleet: job %lld refused: %s", (long long)t->job,
		    reason);
	else
		log_info("fleet: job %lld queued as session %lld",
		    (long long)t->job, (long long)id);
	sched_kick();
out:
	cJSON_Delete(given);
	free(reason);
	free(ptext);
	free(label);
}
