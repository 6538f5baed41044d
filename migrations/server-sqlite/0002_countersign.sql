-- The server's own chain over the decision events it accepted: each link names the device's
-- event by its hash, holds the hash of the link before, and is signed with the server's key.
-- Never updated or deleted.

-- The server's Ed25519 key, made by the first instance to start (every instance reads it here,
-- so instances stay interchangeable). Whoever can read the database can read it: see NOTES.
CREATE TABLE server_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL,
    public TEXT NOT NULL
);

CREATE TABLE countersign (
    seq        INTEGER PRIMARY KEY,
    server_seq INTEGER NOT NULL,
    event_hash TEXT NOT NULL UNIQUE,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
);
