-- 002-conditions-phases.sql: what each run ran under, and its phases.

-- The canonical-conditions snapshot taken just before the run (JSON, the
-- shape of conditions.check), whether the gate passed, and the rise of the
-- thermal-throttle counters across the run (NULL: not available).
ALTER TABLE runs ADD COLUMN canonical INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN conditions TEXT;
ALTER TABLE runs ADD COLUMN throttle_delta INTEGER;

-- Timing lines the run printed that could not be parsed.
ALTER TABLE runs ADD COLUMN timing_malformed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN timing_example TEXT;

-- Where the workload ran.
ALTER TABLE sessions ADD COLUMN cpus TEXT;
ALTER TABLE sessions ADD COLUMN nice INTEGER;

-- Per run and per (prefix, phase): the timing lines' count, sum and max.
CREATE TABLE run_phases (
	run_id		INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	prefix		TEXT NOT NULL,
	phase		TEXT NOT NULL,
	ord		INTEGER NOT NULL,	-- order first seen in the run
	count		INTEGER NOT NULL,
	total_ns	INTEGER NOT NULL,
	max_ns		INTEGER NOT NULL,
	PRIMARY KEY (run_id, prefix, phase)
) WITHOUT ROWID;

CREATE VIEW phase_times AS
SELECT	r.session_id, r.seq, r.kind, p.prefix, p.phase, p.count,
	p.total_ns / 1e9 AS total_s, p.max_ns / 1e9 AS max_s
FROM run_phases p JOIN runs r ON r.id = p.run_id;
