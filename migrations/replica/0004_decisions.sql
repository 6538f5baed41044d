-- On-scene command: local users and their roles, incidents and their logs, decisions with their
-- history and acknowledgements, shelter places promised to decisions, and the signed chain of
-- issued decisions. Logs, history, reservations and chain events are append-only.

-- A local user of this device. Enrolment with the server (and passwords) come with the sync work.
CREATE TABLE app_user (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('commander', 'technical_officer', 'staff', 'observer')),
    created_at_ms INTEGER NOT NULL
) STRICT;

-- Devices whose keys signed events in this store (this one, and later ones met through sync).
CREATE TABLE device (
    public_key    TEXT PRIMARY KEY,
    label         TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE incident (
    id      TEXT PRIMARY KEY,
    -- The whole yitu_domain::incident::Incident as JSON; the columns repeat what lists filter by.
    body    TEXT NOT NULL CHECK (json_valid(body)),
    kind    TEXT NOT NULL,
    level   TEXT NOT NULL,
    status  TEXT NOT NULL,
    at_ms   INTEGER NOT NULL,
    lon     REAL NOT NULL,
    lat     REAL NOT NULL,
    hlc     TEXT NOT NULL,
    origin  TEXT NOT NULL,
    retired INTEGER NOT NULL DEFAULT 0
) STRICT;

-- 续报: never updated or deleted.
CREATE TABLE incident_log (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incident (id),
    at_ms       INTEGER NOT NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL CHECK (json_valid(body)),
    hlc         TEXT NOT NULL,
    origin      TEXT NOT NULL
) STRICT;
CREATE INDEX incident_log_by_incident ON incident_log (incident_id, at_ms);

CREATE TABLE decision (
    id          TEXT PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incident (id),
    number      TEXT NOT NULL UNIQUE,
    state       TEXT NOT NULL,
    -- The whole yitu_domain::decision::Decision as JSON (from issue on, also signed in the chain).
    body        TEXT NOT NULL CHECK (json_valid(body)),
    hlc         TEXT NOT NULL,
    origin      TEXT NOT NULL
) STRICT;
CREATE INDEX decision_by_incident ON decision (incident_id);

-- Every transition, allowed ones only (refusals write nothing).
CREATE TABLE decision_history (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id TEXT NOT NULL REFERENCES decision (id),
    at_ms       INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX decision_history_by_decision ON decision_history (decision_id, seq);

CREATE TABLE decision_ack (
    decision_id TEXT NOT NULL REFERENCES decision (id),
    recipient   TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (decision_id, recipient)
) STRICT;

-- Shelter places promised to decisions: +people on issue, −people on withdrawal, like the ledger.
CREATE TABLE shelter_reservation (
    id          TEXT PRIMARY KEY,
    shelter_id  TEXT NOT NULL REFERENCES resource (id),
    decision_id TEXT NOT NULL REFERENCES decision (id),
    people      INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL
) STRICT;
CREATE INDEX shelter_reservation_by_shelter ON shelter_reservation (shelter_id);

-- The signed, hash-chained events of issued decisions, per incident (yitu_domain::chain).
CREATE TABLE chain_event (
    incident_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    payload     TEXT NOT NULL,
    author      TEXT NOT NULL,
    device      TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    signature   TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq)
) STRICT;

-- The store itself never changes an event; these stop a mistake, not an attacker (who can drop
-- them): `yitu verify` is what finds a change.
CREATE TRIGGER chain_event_no_update BEFORE UPDATE ON chain_event
BEGIN SELECT RAISE(ABORT, 'chain events are append-only'); END;
CREATE TRIGGER chain_event_no_delete BEFORE DELETE ON chain_event
BEGIN SELECT RAISE(ABORT, 'chain events are append-only'); END;
