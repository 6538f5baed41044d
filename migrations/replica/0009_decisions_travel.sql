-- Decisions travel between desks (yitu_domain::command::fold). A decision is now a synced record
-- (its draft's fields, in record_op) and its acts (decision_act, pulled and pushed like any
-- change); its row, history, acknowledgements, shelter places and ledger reservations are what
-- the fold of its acts makes, rebuilt by the store whenever an act or a field arrives.

-- Every act on a decision this desk holds, made here or pulled, with the stamp it was made under
-- (the fold's order). Never updated or deleted.
CREATE TABLE decision_act (
    id          TEXT PRIMARY KEY,
    decision_id TEXT NOT NULL,
    stamp       TEXT NOT NULL,
    body        TEXT NOT NULL CHECK (json_valid(body))
) STRICT;
CREATE INDEX decision_act_by_decision ON decision_act (decision_id, stamp);
CREATE TRIGGER decision_act_no_update BEFORE UPDATE ON decision_act
BEGIN SELECT RAISE(ABORT, 'decision acts are append-only'); END;

-- Acts taken at once on two desks, and the rule that decided (JSON list of fold::Concurrent).
ALTER TABLE decision ADD COLUMN concurrent TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(concurrent));

-- The history now says on which desk each act was taken and whether it applied.
ALTER TABLE decision_history ADD COLUMN transition TEXT NOT NULL DEFAULT '';
ALTER TABLE decision_history ADD COLUMN desk TEXT NOT NULL DEFAULT '';
ALTER TABLE decision_history ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied';
ALTER TABLE decision_history ADD COLUMN reason TEXT NOT NULL DEFAULT '';

ALTER TABLE decision_ack ADD COLUMN desk TEXT NOT NULL DEFAULT '';
ALTER TABLE decision_ack ADD COLUMN unaware_of_withdrawal INTEGER NOT NULL DEFAULT 0;

-- A ledger entry a decision's fold made (a reservation, its release, materials issued on
-- completion): rebuilt with the fold, never pushed (every desk derives it). NULL: a person's.
ALTER TABLE ledger_entry ADD COLUMN decision_id TEXT;
CREATE INDEX ledger_by_decision ON ledger_entry (decision_id) WHERE decision_id IS NOT NULL;

-- Two desks that sign for one incident at once both take its next number: the chain branches
-- there, a recorded merge rather than a break. An event is named by its hash, not its place.
DROP TRIGGER chain_event_no_update;
DROP TRIGGER chain_event_no_delete;
CREATE TABLE chain_event_new (
    incident_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    payload     TEXT NOT NULL,
    author      TEXT NOT NULL,
    device      TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL PRIMARY KEY,
    signature   TEXT NOT NULL
) STRICT;
INSERT INTO chain_event_new SELECT incident_id, seq, kind, decision_id, payload, author, device,
    at_ms, prev_hash, hash, signature FROM chain_event;
DROP TABLE chain_event;
ALTER TABLE chain_event_new RENAME TO chain_event;
CREATE INDEX chain_event_by_incident ON chain_event (incident_id, seq);
CREATE TRIGGER chain_event_no_update BEFORE UPDATE ON chain_event
BEGIN SELECT RAISE(ABORT, 'chain events are append-only'); END;
CREATE TRIGGER chain_event_no_delete BEFORE DELETE ON chain_event
BEGIN SELECT RAISE(ABORT, 'chain events are append-only'); END;
