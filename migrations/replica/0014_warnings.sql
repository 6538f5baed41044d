-- Warnings (预警, Collection::Warnings): each message as JSON (a yitu_domain::monitoring::Warning),
-- an update or a lift a record of its own naming the one it replaces.
CREATE TABLE warning (
    id           TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    issued_at_ms INTEGER NOT NULL,
    retired      INTEGER NOT NULL DEFAULT 0
);
