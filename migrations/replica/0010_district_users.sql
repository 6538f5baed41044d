-- The district's users on this desk: users and roles are kept on the server and sync down
-- (`GET /v1/users`, applied in one write after each pull), each with the argon2id hash of their
-- password (a PHC string) that login checks offline. `origin` says where a user comes from:
-- 'local' (added on this desk, as a desk that was never online works) or 'server' (replaced
-- at each sync by the server's list: one removed there is removed here). A local user without
-- a password logs in without one, as before.
ALTER TABLE app_user ADD COLUMN password_hash TEXT;
ALTER TABLE app_user ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'server'));
ALTER TABLE app_user ADD COLUMN updated_at_ms INTEGER NOT NULL DEFAULT 0;
UPDATE app_user SET updated_at_ms = created_at_ms;

-- Wrong passwords in a row, per user name: local to this desk, never synced. A right password
-- clears the row; five in a row refuse the login for five minutes
-- (`yitu_domain::command::login`).
CREATE TABLE login_failure (
    name     TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_ms  INTEGER NOT NULL
) STRICT;
