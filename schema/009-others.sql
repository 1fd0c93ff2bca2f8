-- 009-others.sql: the CPU time other processes took on a run's CPUs.
--
-- A run's CPU stall (cpu_stall_us) counts every wait of its tasks for a
-- CPU, also those of a workload with more threads than CPUs for its own
-- threads.  What other processes can have caused of it is at most the CPU
-- time they used on the run's CPUs while it ran: the CPUs' busy time in
-- /proc/stat over the run, less the run's own cgroup CPU time
-- (microseconds; NULL: not known, no cgroup or no /proc/stat), and how
-- many CPUs that was read on (their count is exact to a USER_HZ tick
-- each).  A run is disturbed when the smaller of the two is above the
-- session's max_stall of its wall time.
ALTER TABLE runs ADD COLUMN others_cpu_us INTEGER;
ALTER TABLE runs ADD COLUMN busy_cpus INTEGER;
