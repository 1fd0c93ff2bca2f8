-- 010-revisions.sql: sessions of a suite on a repository (repo =), at a
-- commit benchd checked out itself, and interleaved A/B tests.
--
-- A session at a commit records the commit's time (committer, seconds
-- since the epoch) and subject beside its full id in rev.  An A/B test is
-- a pair of ordinary sessions of one suite, one per arm, whose runs
-- alternate in time (ABBA...): each arm's session has its own runs and
-- statistics, so show, compare and export read them as any other, and
-- ab_tests holds what pairs them and the decision taken from the pairs.
ALTER TABLE sessions ADD COLUMN commit_time INTEGER;
ALTER TABLE sessions ADD COLUMN commit_subject TEXT;
ALTER TABLE sessions ADD COLUMN ab_id INTEGER REFERENCES ab_tests (id);
ALTER TABLE sessions ADD COLUMN ab_arm TEXT CHECK (ab_arm IN ('A', 'B'));

CREATE TABLE ab_tests (
	id		INTEGER PRIMARY KEY,
	suite		TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',
	session_a	INTEGER REFERENCES sessions (id),
	session_b	INTEGER REFERENCES sessions (id),
	metric		TEXT NOT NULL DEFAULT 'wall',
	-- why it was queued: by a person, to confirm a regression, a
	-- bisection step
	purpose		TEXT NOT NULL DEFAULT 'manual' CHECK (purpose IN
			    ('manual', 'confirm', 'bisect')),
	confirms	INTEGER REFERENCES sessions (id),
	bisect_id	INTEGER,
	-- the sequential decision over the pairs (docs/METHODOLOGY.md §10)
	verdict		TEXT CHECK (verdict IN ('same', 'regressed',
			    'improved', 'inconclusive')),
	change		REAL,		-- B against A, relative
	ci_low		REAL,
	ci_high		REAL,
	threshold	REAL,
	pairs		INTEGER,
	decided_at	INTEGER,	-- ms since the epoch
	-- a test that failed at an arm's checkout or build: which
	failed_arm	TEXT CHECK (failed_arm IN ('A', 'B'))
);
CREATE INDEX ab_tests_confirms ON ab_tests (confirms) WHERE confirms IS NOT NULL;
CREATE INDEX sessions_ab ON sessions (ab_id) WHERE ab_id IS NOT NULL;

-- A regressed verdict against the baseline is confirmed by an A/B test
-- of the baseline's commit against the session's: pending until it ends,
-- then confirmed (it says regressed too), refuted or inconclusive.
ALTER TABLE sessions ADD COLUMN confirmation TEXT CHECK (confirmation IN
    ('pending', 'confirmed', 'refuted', 'inconclusive'));

-- A bisection: the first-parent commits after good up to bad, one mark
-- each ('?' untested, 'g' good, 'b' bad, 's' skipped: it does not build
-- or stayed inconclusive), and the A/B test under way (good against the
-- commit at step_index; -1: the last test, the first bad commit against
-- its parent).  All its state is here, so it goes on after a restart.
CREATE TABLE bisections (
	id		INTEGER PRIMARY KEY,
	suite		TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',
	good		TEXT NOT NULL,
	bad		TEXT NOT NULL,
	metric		TEXT NOT NULL DEFAULT 'wall',
	state		TEXT NOT NULL DEFAULT 'running' CHECK (state IN
			    ('running', 'completed', 'failed', 'cancelled')),
	reason		TEXT,
	commits		TEXT NOT NULL,	-- ids, space-separated, oldest first
	marks		TEXT NOT NULL,
	step_ab		INTEGER REFERENCES ab_tests (id),
	step_index	INTEGER,
	retries		INTEGER NOT NULL DEFAULT 0,	-- of this step
	first_bad	INTEGER,	-- index into commits
	final_ab	INTEGER REFERENCES ab_tests (id),
	created_at	INTEGER NOT NULL,
	finished_at	INTEGER,
	queued_by	INTEGER
);

-- Following a branch (follow =): the last commit of the branch seen, per
-- suite; each commit after it gets a session, marked with the branch,
-- which is compared with the session of its first parent.
ALTER TABLE sessions ADD COLUMN follow TEXT;
CREATE TABLE follows (
	suite		TEXT PRIMARY KEY,
	branch		TEXT NOT NULL,
	last_commit	TEXT NOT NULL,
	looked_at	INTEGER NOT NULL	-- ms since the epoch
);
