-- A change's stamp lives where sync reads it: the outbox (local changes) and record_op (every
-- record write, local or pulled). The hlc/origin columns on the rows themselves were written
-- with a made-up "{ms}-0000-local" stamp and read by nothing, so they go.
ALTER TABLE resource DROP COLUMN hlc;
ALTER TABLE resource DROP COLUMN origin;
ALTER TABLE stock_line DROP COLUMN hlc;
ALTER TABLE stock_line DROP COLUMN origin;
ALTER TABLE ledger_entry DROP COLUMN hlc;
ALTER TABLE ledger_entry DROP COLUMN origin;
ALTER TABLE incident DROP COLUMN hlc;
ALTER TABLE incident DROP COLUMN origin;
ALTER TABLE incident_log DROP COLUMN hlc;
ALTER TABLE incident_log DROP COLUMN origin;
ALTER TABLE decision DROP COLUMN hlc;
ALTER TABLE decision DROP COLUMN origin;
