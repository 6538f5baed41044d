-- A desk whose clock ran far ahead stamps its acts the server has not taken again from the
-- server's time before it pushes them (yitu_replica::sync::restamp): an act's stamp may change
-- while it has not left the desk; nothing else of an act ever does.
DROP TRIGGER decision_act_no_update;
CREATE TRIGGER decision_act_no_update BEFORE UPDATE OF id, decision_id, body ON decision_act
BEGIN SELECT RAISE(ABORT, 'decision acts are append-only'); END;
