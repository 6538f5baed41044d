-- A road network a user loaded for travel times (issue 5). Reference data of this desktop only:
-- not a registry, not synced. Loading a new network replaces the old one in one transaction.

-- At most one network: where it came from and when.
CREATE TABLE road_network (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    source       TEXT NOT NULL,
    crs          TEXT NOT NULL,
    loaded_at_ms INTEGER NOT NULL
) STRICT;

-- Its lines in WGS-84: `points` is a JSON array of [lon, lat].
CREATE TABLE road_line (
    id        INTEGER PRIMARY KEY,
    class     TEXT,
    speed_kmh REAL NOT NULL CHECK (speed_kmh > 0),
    points    TEXT NOT NULL CHECK (json_valid(points))
) STRICT;
