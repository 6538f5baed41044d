#!/usr/bin/env python3
"""Writes a PMTiles v3 with the reference Python writer (PyPI `pmtiles`), to check yitu-basemap's
own reader against another implementation (the ignored test
`a_pmtiles_from_the_reference_writer_reads_back` in crates/basemap/tests/packages.rs).

    python3 -m venv /tmp/pmref && /tmp/pmref/bin/pip install pmtiles==3.8.1
    /tmp/pmref/bin/python scripts/reference_pmtiles.py /tmp/reference.pmtiles
    YITU_REFERENCE_PMTILES=/tmp/reference.pmtiles \\
        cargo test -p yitu-basemap --test packages -- --ignored reference

Every tile of zooms 0-8 holds its own "z/x/y" as text, except at zoom 8 the west half (x < 128),
which holds b"sea" (so the writer makes runs), and the south rows y >= 200, left out (no tile).
At zoom 14, in the window x 13000-13399, y 6700-7099, the tiles whose SHA-256 of "x,y" starts with
a byte below 64 (about 40,000, scattered), each "14/x/y" then as many "." as the second byte % 50:
a directory too random to fit the 16 kB root, so the writer makes leaf directories too.
"""

import hashlib
import sys

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

MAX_ZOOM = 8


def sparse(x, y):
    d = hashlib.sha256(f"{x},{y}".encode()).digest()
    if d[0] >= 64:
        return None
    return f"14/{x}/{y}".encode() + b"." * (d[1] % 50)


def content(z, x, y):
    if z == MAX_ZOOM and y >= 200:
        return None
    if z == MAX_ZOOM and x < 128:
        return b"sea"
    return f"{z}/{x}/{y}".encode()


def main(path):
    tiles = []
    for z in range(MAX_ZOOM + 1):
        for x in range(1 << z):
            for y in range(1 << z):
                data = content(z, x, y)
                if data is not None:
                    tiles.append((zxy_to_tileid(z, x, y), data))
    for x in range(13000, 13400):
        for y in range(6700, 7100):
            data = sparse(x, y)
            if data is not None:
                tiles.append((zxy_to_tileid(14, x, y), data))
    tiles.sort()
    with write(path) as writer:
        for tile_id, data in tiles:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(105.85e7),
                "min_lat_e7": int(29.75e7),
                "max_lon_e7": int(106.80e7),
                "max_lat_e7": int(30.45e7),
            },
            {"name": "reference", "attribution": "made by scripts/reference_pmtiles.py"},
        )


if __name__ == "__main__":
    main(sys.argv[1])
