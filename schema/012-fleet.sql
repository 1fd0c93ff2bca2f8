-- 012-fleet.sql: what a box of a fleet keeps for the shared PostgreSQL
-- ([fleet] in benchd.conf; docs/SCHEMA.md, "Fleet").
--
-- The outbox: every session that has ended, until the push thread has
-- committed it to PostgreSQL.  Filled by a trigger in the same
-- transaction as the end (and the verdict written after it), so nothing
-- that ended can miss it; gen counts the changes, so a change made while
-- a push is under way is pushed again.  The local database stays the
-- source of truth: the outbox only says what PostgreSQL has not seen.
CREATE TABLE fleet_outbox (
	session_id	INTEGER PRIMARY KEY
			    REFERENCES sessions (id) ON DELETE CASCADE,
	gen		INTEGER NOT NULL DEFAULT 1,
	queued_at	INTEGER NOT NULL,		-- ms since the epoch
	attempts	INTEGER NOT NULL DEFAULT 0,
	last_error	TEXT
);

CREATE TRIGGER fleet_outbox_end AFTER UPDATE OF state, verdict ON sessions
WHEN NEW.state IN ('completed', 'unstable', 'failed', 'cancelled',
    'interrupted')
BEGIN
	INSERT INTO fleet_outbox (session_id, queued_at)
	VALUES (NEW.id, CAST((julianday('now') - 2440587.5) * 86400000
	    AS INTEGER))
	ON CONFLICT (session_id) DO UPDATE SET gen = gen + 1;
END;

-- Sessions that ended before this step go too, once a fleet is set.
INSERT INTO fleet_outbox (session_id, queued_at)
SELECT id, 0 FROM sessions WHERE state IN ('completed', 'unstable',
    'failed', 'cancelled', 'interrupted');

-- Jobs this box took from the fleet's shared queue: the slot it leased
-- in PostgreSQL (job_slots.id) and the local session that runs it.
-- settled: the slot was told how the session ended.
CREATE TABLE fleet_jobs (
	slot_id		INTEGER PRIMARY KEY,
	job_id		INTEGER NOT NULL,
	session_id	INTEGER REFERENCES sessions (id),	-- NULL: refused
	reason		TEXT,				-- why refused
	taken_at	INTEGER NOT NULL,		-- ms since the epoch
	settled		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fleet_jobs_open ON fleet_jobs (slot_id) WHERE settled = 0;
