-- 008-thresholds.sql: the threshold each verdict used and the rule that
-- decided it, the suite's noise kept with each session, and calibrations:
-- A/A pairs of sessions that measure how often a verdict is wrong and
-- learn the suite's noise between sessions.

-- The suite's noise setting when the session was queued (fraction), so a
-- later comparison uses the threshold the session was queued under;
-- NULL for sessions from before version 8.
ALTER TABLE sessions ADD COLUMN noise REAL;

-- The threshold the stored verdict used (fraction) and the rule that
-- decided it: 'noise' (the suite's setting), 'history' (learned from the
-- suite's sessions), 'calibration' (learned by its latest calibration) or
-- 'disturbed' (wall time moved, CPU time did not, runs were disturbed).
ALTER TABLE sessions ADD COLUMN verdict_threshold REAL;
ALTER TABLE sessions ADD COLUMN verdict_rule TEXT CHECK (verdict_rule IN
    ('noise', 'history', 'calibration', 'disturbed'));

-- One calibration: N A/A pairs of sessions of one suite and set of
-- parameter values, queued together.  When its last session has ended:
-- how many pairs were compared, how many of them the suite's noise
-- setting called regressed or improved, and the noise learned from the
-- pairs' changes (NULL with fewer than 5 pairs compared).
CREATE TABLE calibrations (
	id		INTEGER PRIMARY KEY,
	suite		TEXT NOT NULL,
	params		TEXT NOT NULL DEFAULT '{}',	-- JSON, as sessions
	pairs		INTEGER NOT NULL,
	state		TEXT NOT NULL DEFAULT 'running' CHECK (state IN
			    ('running', 'completed', 'failed')),
	reason		TEXT,
	noise		REAL NOT NULL,		-- the suite's, when queued
	counted		INTEGER,		-- pairs compared
	regressed	INTEGER,
	improved	INTEGER,
	false_rate	REAL,			-- false verdicts / counted
	learned_noise	REAL,
	created_at	INTEGER NOT NULL,	-- ms since the epoch
	finished_at	INTEGER,
	queued_by	INTEGER			-- uid
);
CREATE INDEX calibrations_suite ON calibrations (suite, params, id);
CREATE INDEX calibrations_running ON calibrations (id)
    WHERE state = 'running';

-- The pairs of a calibration: session a, then session b, and b against a
-- with the calibration's noise once both have ended.
CREATE TABLE calibration_pairs (
	calibration_id	INTEGER NOT NULL REFERENCES calibrations (id),
	pair		INTEGER NOT NULL,	-- 1 .. pairs
	a		INTEGER NOT NULL REFERENCES sessions (id),
	b		INTEGER NOT NULL REFERENCES sessions (id),
	verdict		TEXT CHECK (verdict IN ('regressed', 'improved',
			    'same', 'inconclusive')),
	change		REAL,
	change_ci_low	REAL,
	change_ci_high	REAL,
	PRIMARY KEY (calibration_id, pair)
) WITHOUT ROWID;
