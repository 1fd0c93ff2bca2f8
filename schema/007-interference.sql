-- 007-interference.sql: what each run's own cgroup saw, and the runs
-- another process disturbed.
--
-- Each run (and the build step and the profile run) runs in a cgroup of
-- its own.  From it: CPU time of the whole tree, descendants that left the
-- process group included (cpu.stat, microseconds); the time the run's
-- tasks were runnable but waiting for a CPU (cpu.pressure "some" total,
-- microseconds) and waiting for I/O (io.pressure); the peak memory of the
-- tree (memory.peak, KiB) where the memory controller is on.  NULL: not
-- available (no cgroup, or the kernel does not keep the figure); the
-- session's cgroup column says why.
ALTER TABLE runs ADD COLUMN cg_user_us INTEGER;
ALTER TABLE runs ADD COLUMN cg_system_us INTEGER;
ALTER TABLE runs ADD COLUMN cpu_stall_us INTEGER;
ALTER TABLE runs ADD COLUMN io_stall_us INTEGER;
ALTER TABLE runs ADD COLUMN mem_peak_kb INTEGER;

-- A measured run whose CPU stall share (cpu_stall_us over its wall time)
-- was above the session's max_stall: something else ran on its CPUs.  It
-- is kept and shown, left out of the statistics and replaced by another
-- run.
ALTER TABLE runs ADD COLUMN disturbed INTEGER NOT NULL DEFAULT 0;

-- Where the session's runs had their cgroups ("/sys/fs/cgroup/benchd/..."),
-- or why they had none ("unavailable: ..."); the stall share above which a
-- run is disturbed.
ALTER TABLE sessions ADD COLUMN cgroup TEXT;
ALTER TABLE sessions ADD COLUMN max_stall REAL;

-- The statistics read the runs that count from the index alone: measured,
-- succeeded, not disturbed.
DROP INDEX runs_kind;
CREATE INDEX runs_kind ON runs (session_id, kind, seq, exit_code, timed_out,
    disturbed, wall_ns, utime_us, stime_us, maxrss_kb);

-- Seconds, for people at the sqlite3 prompt.
DROP VIEW run_times;
CREATE VIEW run_times AS
SELECT	r.session_id, s.suite, r.seq, r.kind, r.iteration,
	r.wall_ns / 1e9 AS wall_s, r.utime_us / 1e6 AS user_s,
	r.stime_us / 1e6 AS sys_s, r.maxrss_kb, r.exit_code, r.signal,
	r.timed_out, datetime(r.started_at / 1000, 'unixepoch') AS started,
	r.cpu_stall_us / 1e6 AS cpu_stall_s, r.disturbed
FROM runs r JOIN sessions s ON s.id = r.session_id;
