-- 006-profile-settle.sql: a profile asked for by a session that ends
-- before its profile run (cancelled, failed or interrupted) says so, rather
-- than staying 'requested' for ever.

-- Every way a session ends goes through an UPDATE of sessions.state: the
-- end of a run, a cancel of a queued or running session, the recovery of
-- sessions left running at start.  The trigger settles the profile in the
-- same transaction.
CREATE TRIGGER profiles_settle AFTER UPDATE OF state ON sessions
WHEN NEW.state IN ('cancelled', 'failed', 'interrupted')
BEGIN
	UPDATE profiles SET state = 'unavailable',
	    reason = 'the session ended (' || NEW.state ||
	    ') before its profile run'
	WHERE session_id = NEW.id AND state = 'requested';
END;

-- What earlier versions left behind.
UPDATE profiles SET state = 'unavailable',
    reason = (SELECT 'the session ended (' || s.state ||
    ') before its profile run' FROM sessions s WHERE s.id = session_id)
WHERE state = 'requested' AND session_id IN (SELECT id FROM sessions
    WHERE state IN ('cancelled', 'failed', 'interrupted'));
