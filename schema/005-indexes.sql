-- 005-indexes.sql: the reading queries at scale (tens of thousands of
-- sessions, hundreds of thousands of runs) answer from small indexes,
-- never from the wide rows of runs with their conditions snapshots.

-- A session's runs by kind, in order, with what the statistics read: the
-- measured and warmup counts, the measured runs' wall, CPU and memory,
-- and which of them succeeded, all from the index alone.
CREATE INDEX runs_kind ON runs (session_id, kind, seq, exit_code, timed_out,
    wall_ns, utime_us, stime_us, maxrss_kb);

-- The mean wall time in seconds of a session's measured runs, the same
-- number as avg(wall_ns) / 1e9 over them, kept when the session ends so
-- that a suite's history of means is read without its runs.
ALTER TABLE sessions ADD COLUMN wall_mean REAL;
UPDATE sessions SET wall_mean = (SELECT avg(r.wall_ns) / 1e9 FROM runs r
    WHERE r.session_id = sessions.id AND r.kind = 'measured')
WHERE finished_at IS NOT NULL;

-- The sessions that enter comparisons, per suite and parameter values, in
-- order, with their means: variance, change points and baseline latest.
CREATE INDEX sessions_done ON sessions (suite, params, id, state, wall_mean)
    WHERE state IN ('completed', 'unstable');

-- The few sessions that regressed, without a scan of all sessions.
CREATE INDEX sessions_regressed ON sessions (id) WHERE verdict = 'regressed';

-- The queue and the session in flight, in id order.  A partial index is
-- only used by a query that repeats its WHERE term, and every query says
-- state = 'queued' or state = 'running', never the IN of 001's
-- sessions_state: that index was never used, so status, the scheduler
-- and the recovery at start scanned every session.
DROP INDEX sessions_state;
CREATE INDEX sessions_queued ON sessions (id) WHERE state = 'queued';
CREATE INDEX sessions_running ON sessions (id) WHERE state = 'running';
