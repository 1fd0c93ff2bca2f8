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
	decided_at	INTEGER		-- ms since the epoch
);
CREATE INDEX ab_tests_confirms ON ab_tests (confirms) WHERE confirms IS NOT NULL;
CREATE INDEX sessions_ab ON sessions (ab_id) WHERE ab_id IS NOT NULL;

-- A regressed verdict against the baseline is confirmed by an A/B test
-- of the baseline's commit against the session's: pending until it ends,
-- then confirmed (it says regressed too), refuted or inconclusive.
ALTER TABLE sessions ADD COLUMN confirmation TEXT CHECK (confirmation IN
    ('pending', 'confirmed', 'refuted', 'inconclusive'));
