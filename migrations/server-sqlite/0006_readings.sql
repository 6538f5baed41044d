-- Monitoring readings taken in (issue 19: SL 651 frames over TCP, MQTT messages, desks'
-- imported files), one row per station, element and observation time: the key a resent frame
-- repeats, so a repeat is kept once. Two copies of a key merge as on every desk (the greater
-- value; historical only when both are); the copy that changed the row travels as a change.
CREATE TABLE reading (
    station        TEXT NOT NULL,
    element        TEXT NOT NULL,
    observed_at_ms INTEGER NOT NULL,
    value          REAL NOT NULL,
    historical     INTEGER NOT NULL,
    source         TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (station, element, observed_at_ms)
);

-- What the listeners refused (a frame failing its CRC, a message that is not a device's JSON),
-- with why and the first bytes, for the operator: nothing of it was stored.
CREATE TABLE telemetry_refusal (
    at_ms  INTEGER NOT NULL,
    source TEXT NOT NULL,
    peer   TEXT NOT NULL,
    reason TEXT NOT NULL,
    head   TEXT NOT NULL
);
CREATE INDEX telemetry_refusal_at ON telemetry_refusal (at_ms);
