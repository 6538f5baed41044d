#!/usr/bin/python3
"""SpatiaLite side of `yitu-bench dispatch` (issue 5), run as its own process.

Debian's mod_spatialite links the system libsqlite3; the bench binary links sqlx's bundled
SQLite, and loading the extension there crashes. Debian's own python3 uses the system SQLite,
so the same queries run here. Reads {"data": [[lon, lat]...], "queries": [...], "k": K,
"radius_m": R} on stdin; writes {"load_s", "floor_us", "knn": [[µs, [ids]]...], "radius": ...}.
Each time is one execute + fetchall measured with perf_counter_ns; "floor_us" is the median of
the same call for `SELECT 1`, this driver's own cost per query.
"""
import json
import math
import sqlite3
import sys
import tempfile
import time


def main():
    job = json.load(sys.stdin)
    k, radius_m = job["k"], job["radius_m"]
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(f"{d}/bench.sqlite")
        db.enable_load_extension(True)
        db.load_extension("mod_spatialite")
        db.execute("SELECT InitSpatialMetadata(1)")
        db.execute("CREATE TABLE pts (id INTEGER PRIMARY KEY)")
        db.execute("SELECT AddGeometryColumn('pts', 'geom', 4326, 'POINT', 'XY')")
        started = time.perf_counter()
        db.executemany(
            "INSERT INTO pts (id, geom) VALUES (?, MakePoint(?, ?, 4326))",
            ((i, p[0], p[1]) for i, p in enumerate(job["data"])),
        )
        db.commit()
        db.execute("SELECT CreateSpatialIndex('pts', 'geom')")
        db.commit()
        load_s = time.perf_counter() - started

        def timed(sql, args):
            t = time.perf_counter_ns()
            rows = db.execute(sql, args).fetchall()
            return (time.perf_counter_ns() - t) / 1000.0, sorted(r[0] for r in rows)

        floor = sorted(timed("SELECT 1", ())[0] for _ in range(1000))[500]
        knn, radius = [], []
        for lon, lat in job["queries"]:
            knn.append(timed(
                "SELECT fid FROM KNN WHERE f_table_name = 'pts' AND f_geometry_column = 'geom'"
                " AND ref_geometry = MakePoint(?, ?, 4326) AND max_items = ?",
                (lon, lat, k),
            ))
            # The index finds candidates in a box; the exact test is a great-circle distance
            # (use_ellipsoid = 0), the sphere yitu and PostGIS measure on here.
            half_lat = radius_m / 111_000.0 * 1.01
            half_lon = half_lat / math.cos(math.radians(lat))
            radius.append(timed(
                "SELECT id FROM pts WHERE ROWID IN ("
                " SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'pts'"
                " AND search_frame = BuildMbr(?, ?, ?, ?, 4326))"
                " AND ST_Distance(geom, MakePoint(?, ?, 4326), 0) <= ?",
                (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat, lon, lat, radius_m),
            ))
        json.dump({"load_s": load_s, "floor_us": floor, "knn": knn, "radius": radius}, sys.stdout)


if __name__ == "__main__":
    main()
