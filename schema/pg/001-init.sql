-- pg/001-init.sql: the fleet's shared store, in PostgreSQL.
--
-- Many boxes push their finished sessions here (keyed by box and the
-- box's own session id) and take jobs from the shared queue.  Times are
-- timestamptz, durations as on the boxes (wall_ns, utime_us, ...).
-- benchd applies these steps itself and records them in fleet_schema.

CREATE TABLE boxes (
	box		text PRIMARY KEY,
	labels		text[] NOT NULL DEFAULT '{}',
	fingerprint	jsonb,
	seen_at		timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
	box		text NOT NULL,
	session_id	bigint NOT NULL,
	suite		text NOT NULL,
	params		jsonb NOT NULL DEFAULT '{}',
	label		text,
	rev		text,
	dirty		boolean,
	state		text NOT NULL,
	reason		text,
	warmup		integer,
	runs		integer,
	max_runs	integer,
	cv_target	double precision,
	noise		double precision,
	queued_at	timestamptz,
	started_at	timestamptz,
	finished_at	timestamptz,
	command		text,
	fingerprint	jsonb,
	cpus		text,
	wall_mean	double precision,		-- seconds
	baseline_id	bigint,
	verdict		text,
	change		double precision,
	change_ci_low	double precision,
	change_ci_high	double precision,
	verdict_threshold double precision,
	verdict_rule	text,
	pushed_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (box, session_id)
);
-- The fleet's lists read the latest sessions first.
CREATE INDEX sessions_finished ON sessions (finished_at DESC NULLS LAST);
CREATE INDEX sessions_suite ON sessions (suite, finished_at DESC NULLS LAST);
CREATE INDEX sessions_box ON sessions (box, finished_at DESC NULLS LAST);
CREATE INDEX sessions_regressed ON sessions (finished_at DESC NULLS LAST)
    WHERE verdict = 'regressed';

CREATE TABLE runs (
	box		text NOT NULL,
	session_id	bigint NOT NULL,
	seq		integer NOT NULL,
	kind		text NOT NULL,
	iteration	integer NOT NULL,
	started_at	timestamptz,
	wall_ns		bigint NOT NULL,
	utime_us	bigint,
	stime_us	bigint,
	maxrss_kb	bigint,
	minflt		bigint,
	majflt		bigint,
	nvcsw		bigint,
	nivcsw		bigint,
	inblock		bigint,
	oublock		bigint,
	exit_code	integer,
	signal		integer,
	timed_out	boolean NOT NULL DEFAULT false,
	canonical	boolean NOT NULL DEFAULT true,
	disturbed	boolean NOT NULL DEFAULT false,
	conditions	jsonb,
	throttle_delta	bigint,
	cpu_stall_us	bigint,
	mem_peak_kb	bigint,
	PRIMARY KEY (box, session_id, seq),
	FOREIGN KEY (box, session_id) REFERENCES sessions ON DELETE CASCADE
);

CREATE TABLE run_phases (
	box		text NOT NULL,
	session_id	bigint NOT NULL,
	seq		integer NOT NULL,
	prefix		text NOT NULL,
	phase		text NOT NULL,
	ord		integer NOT NULL,
	count		bigint NOT NULL,
	total_ns	bigint NOT NULL,
	max_ns		bigint NOT NULL,
	PRIMARY KEY (box, session_id, seq, prefix, phase),
	FOREIGN KEY (box, session_id, seq) REFERENCES runs ON DELETE CASCADE
);

-- A profile's summary; the folded stacks stay on the box.
CREATE TABLE profiles (
	box		text NOT NULL,
	session_id	bigint NOT NULL,
	state		text NOT NULL,
	reason		text,
	event		text,
	frequency	integer,
	samples		bigint,
	stacks		bigint,
	skipped		bigint,
	wall_ns		bigint,
	folded_size	bigint,
	PRIMARY KEY (box, session_id),
	FOREIGN KEY (box, session_id) REFERENCES sessions ON DELETE CASCADE
);

-- The shared queue.  A job names a suite the boxes define, the labels a
-- box must have (all of them), and either the boxes that must each run
-- it, or none: then any one box with the labels runs it.  Each required
-- run is a slot, taken by one box at a time under a lease the box keeps
-- alive; a slot whose lease ran out is taken again.
CREATE TABLE jobs (
	id		bigserial PRIMARY KEY,
	suite		text NOT NULL,
	params		jsonb NOT NULL DEFAULT '{}',
	rev		text,
	label		text,
	labels		text[] NOT NULL DEFAULT '{}',
	boxes		text[],
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_slots (
	id		bigserial PRIMARY KEY,
	job_id		bigint NOT NULL REFERENCES jobs ON DELETE CASCADE,
	box		text,			-- the box required; NULL: any
	state		text NOT NULL DEFAULT 'queued' CHECK (state IN
			    ('queued', 'leased', 'done', 'refused')),
	holder		text,			-- the box that has it
	lease_until	timestamptz,
	heartbeat_at	timestamptz,
	attempts	integer NOT NULL DEFAULT 0,
	session_id	bigint,			-- the holder's session
	outcome		text,			-- its end state, or why refused
	done_at		timestamptz
);
CREATE INDEX job_slots_open ON job_slots (id) WHERE state IN
    ('queued', 'leased');

-- Queue a job: one slot per required box, or one for any box.
CREATE FUNCTION benchd_enqueue(p_suite text, p_params jsonb DEFAULT '{}',
    p_labels text[] DEFAULT '{}', p_boxes text[] DEFAULT NULL,
    p_rev text DEFAULT NULL, p_label text DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	j bigint;
BEGIN
	INSERT INTO jobs (suite, params, labels, boxes, rev, label)
	VALUES (p_suite, p_params, p_labels, p_boxes, p_rev, p_label)
	RETURNING id INTO j;
	IF p_boxes IS NULL THEN
		INSERT INTO job_slots (job_id) VALUES (j);
	ELSE
		INSERT INTO job_slots (job_id, box)
		SELECT j, b FROM unnest(p_boxes) AS b;
	END IF;
	RETURN j;
END;
$$;
