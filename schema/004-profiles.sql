-- 004-profiles.sql: the profile of a session queued with --profile.

-- One extra run under `perf record -g` after the measured runs, never in
-- the statistics.  state: requested (queued with --profile), recorded,
-- unavailable (no perf, or perf not permitted) or failed; reason says why.
CREATE TABLE profiles (
	session_id	INTEGER PRIMARY KEY
			    REFERENCES sessions (id) ON DELETE CASCADE,
	state		TEXT NOT NULL CHECK (state IN
			    ('requested', 'recorded', 'unavailable', 'failed')),
	reason		TEXT,
	event		TEXT,			-- perf event sampled
	frequency	INTEGER,		-- samples per second asked
	samples		INTEGER,
	stacks		INTEGER,		-- distinct folded stacks
	skipped		INTEGER,		-- perf script lines not understood
	wall_ns		INTEGER,		-- the profiled run, not a measurement
	folded		BLOB,			-- zlib: "comm;f1;f2 count\n"...
	folded_size	INTEGER,		-- bytes uncompressed
	recorded_at	INTEGER			-- ms since the epoch
);
