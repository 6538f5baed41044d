-- The desktop replica's first schema: towns, the five resource registries, stock lines and the
-- stock ledger. Append-only: a later change is a new file, never an edit of this one.

-- Facts about this replica (its device id, whether and with which seed demo data was loaded).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE town (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- A schematic position (no open source has town seats): labelled 示意 wherever shown.
    lon  REAL,
    lat  REAL
) STRICT;

-- One row per record of any layer. `body` is the whole record as JSON (yitu_domain::Resource);
-- the columns beside it repeat what queries filter and count by, kept in step by the store.
CREATE TABLE resource (
    id         TEXT PRIMARY KEY,
    layer      TEXT NOT NULL CHECK (layer IN ('teams', 'experts', 'depots', 'shelters', 'hazards')),
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,
    name       TEXT NOT NULL,
    town_code  TEXT NOT NULL,
    lon        REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    body       TEXT NOT NULL CHECK (json_valid(body)),
    demo       INTEGER NOT NULL DEFAULT 0,
    -- Sync stamps: hybrid logical clock of the last change and the device that made it.
    hlc        TEXT NOT NULL,
    origin     TEXT NOT NULL,
    -- Tombstone: records are retired, never deleted.
    retired    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX resource_by_layer ON resource (layer, kind) WHERE retired = 0;

CREATE TABLE stock_line (
    depot_id TEXT NOT NULL REFERENCES resource (id),
    code     TEXT NOT NULL,
    name     TEXT NOT NULL,
    unit     TEXT NOT NULL,
    expiry   TEXT,
    hlc      TEXT NOT NULL,
    origin   TEXT NOT NULL,
    PRIMARY KEY (depot_id, code)
) STRICT;

-- Stock movements. Never updated or deleted: the balance is their fold.
CREATE TABLE ledger_entry (
    id       TEXT PRIMARY KEY,
    depot_id TEXT NOT NULL,
    code     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('receive', 'issue', 'reserve', 'release', 'recount')),
    quantity INTEGER NOT NULL,
    at_ms    INTEGER NOT NULL,
    note     TEXT NOT NULL DEFAULT '',
    hlc      TEXT NOT NULL,
    origin   TEXT NOT NULL,
    FOREIGN KEY (depot_id, code) REFERENCES stock_line (depot_id, code)
) STRICT;
CREATE INDEX ledger_by_line ON ledger_entry (depot_id, code);
