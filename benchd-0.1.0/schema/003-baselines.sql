-- 003-baselines.sql: baselines with their history, and what each session
-- is compared with.

-- Every baseline change of a suite (and, for a parameterised suite, of
-- one set of parameter values); the current baseline is the newest.
CREATE TABLE baselines (
	id		INTEGER PRIMARY KEY,
	suite		TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',	-- JSON, as sessions
	session_id	INTEGER NOT NULL REFERENCES sessions (id),
	set_by		INTEGER,		-- uid
	set_at		INTEGER NOT NULL	-- ms since the epoch
);
CREATE INDEX baselines_suite ON baselines (suite, params, id);

-- The machine and command a session ran: hostname, kernel, CPU model and
-- count, governor and benchd version as JSON; the measured command line.
ALTER TABLE sessions ADD COLUMN fingerprint TEXT;
ALTER TABLE sessions ADD COLUMN command TEXT;

-- The automatic comparison with the baseline in force when the session
-- finished: that baseline's session, the verdict on wall time, and the
-- relative change of the wall mean with its 95% CI.
ALTER TABLE sessions ADD COLUMN baseline_id INTEGER REFERENCES sessions (id);
ALTER TABLE sessions ADD COLUMN verdict TEXT CHECK (verdict IN
    ('regressed', 'improved', 'same', 'inconclusive', 'incomparable'));
ALTER TABLE sessions ADD COLUMN change REAL;
ALTER TABLE sessions ADD COLUMN change_ci_low REAL;
ALTER TABLE sessions ADD COLUMN change_ci_high REAL;
CREATE INDEX sessions_verdict ON sessions (suite, verdict);

CREATE VIEW current_baselines AS
SELECT	b.suite, b.params, b.session_id, b.set_by,
	datetime(b.set_at / 1000, 'unixepoch') AS set_at
FROM baselines b
WHERE b.id = (SELECT max(id) FROM baselines x WHERE x.suite = b.suite
    AND x.params = b.params);
