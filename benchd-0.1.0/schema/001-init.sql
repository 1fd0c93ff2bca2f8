-- 001-init.sql: sessions and their runs.
--
-- Times are integers: timestamps in milliseconds since the Unix epoch,
-- durations in nanoseconds (wall) or microseconds (rusage).  The views at
-- the end give the same data in seconds for ad-hoc sqlite3 queries.

CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	suite		TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',	-- JSON object
	label		TEXT,
	rev		TEXT,
	dirty		INTEGER,
	state		TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
			    ('queued', 'running', 'completed', 'unstable',
			     'failed', 'cancelled', 'interrupted')),
	reason		TEXT,
	warmup		INTEGER NOT NULL,
	runs		INTEGER NOT NULL,
	max_runs	INTEGER NOT NULL,
	cv_target	REAL NOT NULL,
	queued_at	INTEGER NOT NULL,
	started_at	INTEGER,
	finished_at	INTEGER,
	queued_by	INTEGER,
	suite_text	TEXT,				-- definition it ran
	suite_hash	TEXT,
	pgid		INTEGER				-- workload group in flight
);
CREATE INDEX sessions_suite ON sessions (suite, id);
CREATE INDEX sessions_state ON sessions (state) WHERE state IN ('queued', 'running');

CREATE TABLE runs (
	id		INTEGER PRIMARY KEY,
	session_id	INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('warmup', 'measured')),
	iteration	INTEGER NOT NULL,
	started_at	INTEGER NOT NULL,
	wall_ns		INTEGER NOT NULL,
	utime_us	INTEGER NOT NULL,
	stime_us	INTEGER NOT NULL,
	maxrss_kb	INTEGER NOT NULL,
	minflt		INTEGER NOT NULL,
	majflt		INTEGER NOT NULL,
	nvcsw		INTEGER NOT NULL,
	nivcsw		INTEGER NOT NULL,
	inblock		INTEGER NOT NULL,
	oublock		INTEGER NOT NULL,
	exit_code	INTEGER,			-- NULL when killed by a signal
	signal		INTEGER,
	timed_out	INTEGER NOT NULL DEFAULT 0,
	stdout_tail	BLOB,				-- failed runs only
	stderr_tail	BLOB,
	UNIQUE (session_id, seq)
);

-- Seconds, for people at the sqlite3 prompt.
CREATE VIEW run_times AS
SELECT	r.session_id, s.suite, r.seq, r.kind, r.iteration,
	r.wall_ns / 1e9 AS wall_s, r.utime_us / 1e6 AS user_s,
	r.stime_us / 1e6 AS sys_s, r.maxrss_kb, r.exit_code, r.signal,
	r.timed_out, datetime(r.started_at / 1000, 'unixepoch') AS started
FROM runs r JOIN sessions s ON s.id = r.session_id;

CREATE VIEW session_overview AS
SELECT	s.id, s.suite, s.params, s.label, s.rev, s.state, s.reason,
	datetime(s.queued_at / 1000, 'unixepoch') AS queued,
	(SELECT count(*) FROM runs r WHERE r.session_id = s.id
	    AND r.kind = 'measured') AS measured,
	(SELECT avg(r.wall_ns) / 1e9 FROM runs r WHERE r.session_id = s.id
	    AND r.kind = 'measured') AS wall_mean_s
FROM sessions s;
