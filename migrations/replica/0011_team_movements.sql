-- 到场 and 撤离 of each recipient of an issued order (issue 18): kept beside its acknowledgement,
-- rebuilt from the decision's fold like the rest of the row. A team named in an issued order is
-- 已出动 until its 撤离 is recorded (or the order ends).
ALTER TABLE decision_ack ADD COLUMN arrived_at_ms INTEGER;
ALTER TABLE decision_ack ADD COLUMN left_at_ms INTEGER;
