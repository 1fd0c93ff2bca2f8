-- 011-notify.sql: the notification outbox.
--
-- An event worth telling someone about (a confirmed regression, a failed
-- session, ...) is one row of alerts, written in the same place the
-- finding is; its payload is the JSON every target is sent.  dedupe
-- holds what makes two events the same finding (a regression: suite,
-- params, metric, baseline and direction), so a level shift that every
-- later session confirms again is still one alert; NULL never collides.
CREATE TABLE alerts (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    created     INTEGER NOT NULL,          -- ms since the epoch
    session_id  INTEGER REFERENCES sessions (id),
    dedupe      TEXT UNIQUE,
    summary     TEXT NOT NULL,             -- one line, for people
    payload     TEXT NOT NULL              -- JSON object
);

-- One row per event and target it goes to ('exec', 'webhook'), made with
-- the event for the targets configured then.  A target gets its events
-- in id order: the next is tried only once the one before is sent or
-- failed.  next_attempt is when the next try may start (ms since the
-- epoch); a row that ran out of attempts is failed, with last_error.
CREATE TABLE alert_deliveries (
    alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    target       TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error   TEXT,
    done_at      INTEGER,                  -- sent or failed, ms
    PRIMARY KEY (alert_id, target)
);
CREATE INDEX alert_deliveries_pending ON alert_deliveries (target, alert_id)
    WHERE state = 'pending';
