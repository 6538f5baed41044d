-- Sync with the district server (issue 7). Every local write adds its change to the outbox in
-- the same transaction; record_op keeps every field write known (local and pulled), from which
-- each record's fields and conflicts are resolved (yitu_domain::sync::merge).

-- This device's changes, numbered densely from 1 (the rowid: rows are never deleted). `outcome`
-- is NULL until the server answered: 'accepted', or the code and reason of a refusal.
CREATE TABLE outbox (
    seq     INTEGER PRIMARY KEY,
    stamp   TEXT NOT NULL,
    author  TEXT NOT NULL,
    op      TEXT NOT NULL CHECK (json_valid(op)),
    at_ms   INTEGER NOT NULL,
    outcome TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE outcome IS NULL;

-- Every write of a record's fields: {field: {value, base}} under one stamp.
CREATE TABLE record_op (
    collection TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    stamp      TEXT NOT NULL,
    author     TEXT NOT NULL,
    fields     TEXT NOT NULL CHECK (json_valid(fields)),
    PRIMARY KEY (record_id, stamp)
) STRICT;

-- Fields whose concurrent writes disagree, derived from record_op after each write of the
-- record: `versions` is the winner first, then the others ({value, author, stamp}).
CREATE TABLE sync_conflict (
    collection TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    field      TEXT NOT NULL,
    versions   TEXT NOT NULL CHECK (json_valid(versions)),
    PRIMARY KEY (record_id, field)
) STRICT;
