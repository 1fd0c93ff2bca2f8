-- 008-thresholds.sql: the threshold each verdict used and the rule that
-- decided it, and the suite's noise kept with each session.

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
