-- Who changed what, and when: one row per record created or changed by an import, an edit or a
-- stock movement. Append-only, like the ledger. (0002 is taken by a parallel branch.)
CREATE TABLE change_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    -- 'insert' | 'update' | 'stock' | 'retire'
    action    TEXT NOT NULL,
    layer     TEXT NOT NULL,
    record_id TEXT NOT NULL,
    -- insert: the new record; update: {field: [before, after]} for the fields that changed;
    -- stock: the line and movement.
    diff      TEXT NOT NULL CHECK (json_valid(diff)),
    -- What made the change, e.g. "import teams.xlsx line 12".
    source    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX change_log_by_record ON change_log (record_id, seq);
