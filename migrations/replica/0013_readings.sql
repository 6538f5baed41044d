-- Monitoring readings (issue 19): what stations sent, pulled from the server, or read from a
-- file imported here. One row per station, element and observation time; copies of a key merge
-- by the rule every replica and the server share (yitu_domain::sync::merge::reading): the
-- greater value, historical only when every copy was. Never deleted.
CREATE TABLE reading (
    station        TEXT NOT NULL,
    element        TEXT NOT NULL,
    observed_at_ms INTEGER NOT NULL,
    value          REAL NOT NULL,
    historical     INTEGER NOT NULL,
    source         TEXT NOT NULL,
    PRIMARY KEY (station, element, observed_at_ms)
) WITHOUT ROWID;

-- The monitoring-station register (Collection::Stations): a station's record as JSON (always a
-- serialized yitu_domain::monitoring::station::Station), merged field by field like a registry
-- record; `code` is the key its readings carry.
CREATE TABLE station (
    id      TEXT PRIMARY KEY,
    code    TEXT NOT NULL,
    body    TEXT NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX station_code ON station (code);

-- What desks did about alarms (确认, 叫应, 升级, 人工解除), each step whole as JSON; an alarm is
-- derived from the readings on every desk alike, so only its steps are kept and synced.
CREATE TABLE alarm_step (
    body     TEXT PRIMARY KEY,
    alarm_id TEXT NOT NULL,
    at_ms    INTEGER NOT NULL
);
CREATE INDEX alarm_step_alarm ON alarm_step (alarm_id);
