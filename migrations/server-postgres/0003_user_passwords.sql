-- Users sync down to the desks (`GET /v1/users`), each with the argon2id hash of their password
-- (a PHC string; none: the user logs in without one) that a desk checks offline, and when any of
-- it last changed. A user is removed by marking the row, never by deleting it: devices and
-- enrolment codes name it, and the changes it authored stay in the log.
ALTER TABLE app_user ADD COLUMN password_hash TEXT;
ALTER TABLE app_user ADD COLUMN updated_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE app_user ADD COLUMN removed_at_ms BIGINT;
UPDATE app_user SET updated_at_ms = created_at_ms;
