-- The drill controller (演练导调员, `yitu_domain::command::role::Role::DrillController`) becomes a
-- local role as well as a server one: 0004's CHECK named only the first four roles, and SQLite
-- cannot change a CHECK in place, so app_user is rebuilt with the five and its rows copied.
-- Nothing references app_user (actors are kept by name in the rows they wrote), so no foreign
-- key has to follow the rename.
CREATE TABLE app_user_0008 (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('commander', 'technical_officer', 'staff', 'observer', 'drill_controller')),
    created_at_ms INTEGER NOT NULL
) STRICT;

INSERT INTO app_user_0008 (name, role, created_at_ms)
SELECT name, role, created_at_ms FROM app_user;

DROP TABLE app_user;

ALTER TABLE app_user_0008 RENAME TO app_user;
