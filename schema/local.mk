## schema/: migrations, applied in order; embedded into benchd.
SCHEMA_FILES = \
	%reldir%/001-init.sql \
	%reldir%/002-conditions-phases.sql \
	%reldir%/003-baselines.sql \
	%reldir%/004-profiles.sql \
	%reldir%/005-indexes.sql \
	%reldir%/006-profile-settle.sql \
	%reldir%/007-interference.sql \
	%reldir%/008-thresholds.sql \
	%reldir%/009-others.sql \
	%reldir%/010-revisions.sql \
	%reldir%/011-notify.sql \
	%reldir%/012-fleet.sql
EXTRA_DIST += $(SCHEMA_FILES)

# The fleet's shared PostgreSQL: its own steps, applied by benchd.
PG_SCHEMA_FILES = \
	%reldir%/pg/001-init.sql
EXTRA_DIST += $(PG_SCHEMA_FILES)
