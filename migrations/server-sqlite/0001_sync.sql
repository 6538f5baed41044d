-- The district server's schema (embedded SQLite). The PostgreSQL folder holds the same tables in
-- its dialect. Append-only: a later change is a new file.

CREATE TABLE app_user (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
);

-- One-time enrolment codes, kept as SHA-256 hashes: the code itself is shown once.
CREATE TABLE enrol_code (
    code_hash     TEXT PRIMARY KEY,
    user_name     TEXT NOT NULL REFERENCES app_user (name),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_by       TEXT
);

-- Enrolled devices; the token is kept as a hash. `last_seq` is the last change sequence taken
-- from the device (applied or refused), which makes its pushes idempotent.
CREATE TABLE device (
    id            TEXT PRIMARY KEY,
    user_name     TEXT NOT NULL REFERENCES app_user (name),
    label         TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER,
    last_seq      INTEGER NOT NULL DEFAULT 0
);

-- The server's sequence: a push takes this row's lock first, so changes commit in server order
-- and a puller's cursor never skips one still being written (two instances on one database).
CREATE TABLE log_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO log_head (id, seq) VALUES (1, 0);

-- Every accepted change, in server order: what pulls page over. Never updated or deleted.
CREATE TABLE sync_change (
    server_seq     INTEGER PRIMARY KEY,
    device_id      TEXT NOT NULL,
    device_seq     INTEGER NOT NULL,
    stamp          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    author         TEXT NOT NULL,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    UNIQUE (device_id, device_seq)
);

-- Changes not applied, with why (role, malformed, quarantined for a clock far ahead): kept so a
-- repeated push gets the same answer and an administrator can look at quarantined ones.
CREATE TABLE refused_change (
    device_id      TEXT NOT NULL,
    device_seq     INTEGER NOT NULL,
    code           TEXT NOT NULL,
    reason         TEXT NOT NULL,
    body           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (device_id, device_seq)
);
