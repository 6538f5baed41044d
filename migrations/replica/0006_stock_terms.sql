-- A stock line's terms beside its balance: the minimum level below which it must be replenished
-- (expiry is already there), and the stamp of the ledger entry that set them last, so the
-- newest setting wins on every replica whatever order the entries arrive in.
ALTER TABLE stock_line ADD COLUMN minimum INTEGER;
ALTER TABLE stock_line ADD COLUMN terms_stamp TEXT;
