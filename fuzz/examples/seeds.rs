//! Writes the seed corpus of the file-format targets into `fuzz/corpus/` with the project's
//! own exporters (`yitu_formats::write_csv` and `write_xlsx` over the demo's rows as `yitu
//! export` lays them out, `Resource::to_feature` for GeoJSON) and the fixture writers the crates'
//! tests use (GeoPackages, MBTiles and PMTiles, Shapefiles through the shapefile crate). The
//! wire seeds come from a real desk's outbox instead: see `fuzz/corpus/README.md`.
//!
//! `cd fuzz && cargo run --example seeds` (again after a format changes; it overwrites only the
//! files it names).

#[path = "../../crates/overlay/tests/support/geopackage.rs"]
mod geopackage;

#[path = "../../crates/basemap/tests/support/fixture.rs"]
mod fixture;

use geopackage::{Cell, FeatureTable, Geom, CGCS2000};
use serde_json::json;
use std::path::{Path, PathBuf};
use yitu_domain::import::{edit, sheet, ImportKind};

fn corpus(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A 512-byte page size, vacuumed: the same database in a few KB instead of tens.
async fn shrink(path: &Path) {
    use sqlx::{ConnectOptions, Executor};
    let mut db = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .unwrap();
    db.execute("PRAGMA page_size = 512; VACUUM;").await.unwrap();
    sqlx::Connection::close(db).await.unwrap();
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let demo = yitu_domain::demo::generate(1);
    let towns = yitu_domain::registries::town::all();
    let scratch = tempfile::tempdir().unwrap();

    // CSV and XLSX: three records of each registry as `yitu export` writes them.
    for kind in [
        ImportKind::Teams,
        ImportKind::Experts,
        ImportKind::Depots,
        ImportKind::Shelters,
        ImportKind::Hazards,
    ] {
        let headers = sheet::headers(kind);
        let rows: Vec<Vec<String>> = demo
            .resources
            .iter()
            .filter(|r| edit::kind_of(r) == kind)
            .take(3)
            .map(|r| sheet::resource_row(r, &towns))
            .collect();
        let csv = corpus("csv").join(format!("{}.csv", kind.code()));
        yitu_formats::write_csv(&csv, &headers, &rows).unwrap();
        let xlsx = corpus("xlsx").join(format!("{}.xlsx", kind.code()));
        yitu_formats::write_xlsx(&xlsx, kind.code(), &headers, &rows).unwrap();
        // The same rows in GBK with CRLF, as Excel on a Chinese Windows saves a CSV.
        if kind == ImportKind::Teams || kind == ImportKind::Shelters {
            let text = std::fs::read_to_string(&csv).unwrap();
            let text = text.trim_start_matches('\u{feff}').replace('\n', "\r\n");
            let (gbk, _, _) = encoding_rs::GBK.encode(&text);
            let gbk_path = corpus("csv").join(format!("{}-gbk.csv", kind.code()));
            std::fs::write(gbk_path, &gbk).unwrap();
        }
    }

    // GeoJSON: two features of each layer as the map and `yitu export` give them, and an
    // overlay's polygon with properties.
    for layer in ["teams", "shelters", "hazards"] {
        let features: Vec<geojson::Feature> = demo
            .resources
            .iter()
            .filter(|r| r.layer().code() == layer)
            .take(2)
            .map(|r| r.to_feature())
            .collect();
        let fc = geojson::FeatureCollection {
            bbox: None,
            features,
            foreign_members: None,
        };
        std::fs::write(
            corpus("geojson").join(format!("{layer}.geojson")),
            fc.to_string(),
        )
        .unwrap();
    }
    let square = [
        [106.26379124, 29.97734534],
        [106.28381336, 29.97736033],
        [106.28381457, 29.99736033],
        [106.26379244, 29.99734534],
        [106.26379124, 29.97734534],
    ];
    let area = json!({
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"名称": "钓鱼城片区", "人口": 1200},
             "geometry": {"type": "Polygon", "coordinates": [square]}},
            {"type": "Feature", "properties": {"名称": "嘉陵江堤防"},
             "geometry": {"type": "MultiLineString",
                          "coordinates": [[[106.25, 29.99], [106.29, 30.01]], [[106.27, 29.97], [106.3, 29.98]]]}}
        ]
    });
    std::fs::write(corpus("geojson").join("overlay.geojson"), area.to_string()).unwrap();

    // Shapefiles: lines with a GBK .dbf (as Chinese GIS tools export), points with numbers.
    {
        use shapefile::dbase::{self, FieldValue, Record};
        let lines = scratch.path().join("lines.shp");
        let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
            encoding_rs::GBK,
        ))
        .add_character_field("NAME".try_into().unwrap(), 40);
        let mut w = shapefile::Writer::from_path(&lines, table).unwrap();
        for (name, pts) in [
            ("嘉陵江堤防", vec![(106.25, 29.99), (106.29, 30.01)]),
            ("涪江堤防", vec![(106.27, 29.97), (106.30, 29.98)]),
        ] {
            let line = shapefile::Polyline::new(
                pts.into_iter()
                    .map(|(x, y)| shapefile::Point::new(x, y))
                    .collect(),
            );
            let mut rec = Record::default();
            rec.insert("NAME".into(), FieldValue::Character(Some(name.into())));
            w.write_shape_and_record(&line, &rec).unwrap();
        }
        drop(w);
        let points = scratch.path().join("points.shp");
        let table = dbase::TableWriterBuilder::new()
            .add_character_field("名称".try_into().unwrap(), 40)
            .add_numeric_field("人数".try_into().unwrap(), 8, 0)
            .add_logical_field("OPEN".try_into().unwrap());
        let mut w = shapefile::Writer::from_path(&points, table).unwrap();
        for (name, n, x, y) in [
            ("合川区水上救援队", 40.0, 106.27, 29.99),
            ("钱塘镇应急队", 12.0, 106.1, 30.2),
        ] {
            let mut rec = Record::default();
            rec.insert("名称".into(), FieldValue::Character(Some(name.into())));
            rec.insert("人数".into(), FieldValue::Numeric(Some(n)));
            rec.insert("OPEN".into(), FieldValue::Logical(Some(true)));
            w.write_shape_and_record(&shapefile::Point::new(x, y), &rec)
                .unwrap();
        }
        drop(w);
        let polygon = scratch.path().join("polygon.shp");
        let table = dbase::TableWriterBuilder::new().add_character_field("NAME".try_into().unwrap(), 20);
        let mut w = shapefile::Writer::from_path(&polygon, table).unwrap();
        let ring: Vec<shapefile::Point> = square
            .iter()
            .rev()
            .map(|p| shapefile::Point::new(p[0], p[1]))
            .collect();
        let mut rec = Record::default();
        rec.insert("NAME".into(), FieldValue::Character(Some("片区".into())));
        w.write_shape_and_record(
            &shapefile::Polygon::new(shapefile::PolygonRing::Outer(ring)),
            &rec,
        )
        .unwrap();
        drop(w);
        for (name, shp) in [("lines", &lines), ("points", &points), ("polygon", &polygon)] {
            let read = |ext: &str| std::fs::read(shp.with_extension(ext)).unwrap();
            let (s, x, d) = (read("shp"), read("shx"), read("dbf"));
            let dir = corpus("shapefile");
            std::fs::write(dir.join(format!("{name}.bin")), yitu_fuzz::join(&[&s, &x, &d]))
                .unwrap();
            if name == "lines" {
                // Without its .shx: the reader then walks the .shp alone.
                std::fs::write(dir.join("lines-no-shx.bin"), yitu_fuzz::join(&[&s, &[], &d]))
                    .unwrap();
            }
        }
    }

    // GeoPackage blobs and GeoPackages.
    let gcj = [106.27380086355178, 29.987351099034413];
    let sq = vec![square.to_vec()];
    let geoms = [
        ("point", Geom::Point(gcj)),
        ("point-z", Geom::PointZ([gcj[0], gcj[1], 230.0])),
        ("line", Geom::Line(square.to_vec())),
        ("polygon", Geom::Polygon(sq.clone())),
        ("multipolygon", Geom::MultiPolygon(vec![sq.clone(), sq.clone()])),
        ("circular-string", Geom::CircularString(vec![gcj, gcj, gcj])),
    ];
    for (name, g) in &geoms {
        std::fs::write(corpus("wkb").join(format!("{name}.gpb")), g.blob(4490)).unwrap();
    }
    let shelters = FeatureTable {
        name: "避难场所",
        srs_id: 4490,
        geometry_type: "POINT",
        columns: vec![("名称", "TEXT"), ("容量", "INTEGER"), ("面积", "REAL"), ("照片", "BLOB")],
        rows: vec![
            (
                Some(Geom::Point(gcj).blob(4490)),
                vec![
                    Cell::Text("合川中学避难点"),
                    Cell::Int(1200),
                    Cell::Real(3500.5),
                    Cell::Blob(b"\x89PNG\r\n\x1a\n".to_vec()),
                ],
            ),
            (None, vec![Cell::Text("待定"), Cell::Null, Cell::Null, Cell::Null]),
        ],
    };
    let areas = FeatureTable {
        name: "片区",
        srs_id: 4326,
        geometry_type: "GEOMETRY",
        columns: vec![("名称", "TEXT")],
        rows: vec![
            (Some(Geom::Polygon(sq.clone()).blob(4326)), vec![Cell::Text("钓鱼城片区")]),
            (
                Some(Geom::MultiPolygon(vec![sq.clone()]).blob(4326)),
                vec![Cell::Text("南津街片区")],
            ),
        ],
    };
    let gpkg = corpus("geopackage");
    for (name, tables) in [("two-tables", vec![shelters, areas])] {
        let path = gpkg.join(format!("{name}.gpkg"));
        let _ = std::fs::remove_file(&path);
        geopackage::write(&path, &[CGCS2000], &tables, &[]).await;
        shrink(&path).await;
    }
    let one = FeatureTable {
        name: "points",
        srs_id: 4326,
        geometry_type: "POINT",
        columns: vec![("name", "TEXT")],
        rows: vec![(Some(Geom::Point([106.27, 29.99]).blob(4326)), vec![Cell::Text("a")])],
    };
    let path = gpkg.join("one-table.gpkg");
    let _ = std::fs::remove_file(&path);
    geopackage::write(&path, &[], &[one], &[]).await;
    shrink(&path).await;

    // Tile packages: raster and gzip'd vector tiles, PMTiles with and without leaf directories.
    let mbtiles = corpus("mbtiles");
    for (name, tiles, format) in [
        ("raster", fixture::raster_tiles(), "png"),
        ("vector", fixture::vector_tiles(), "pbf"),
    ] {
        let path = mbtiles.join(format!("{name}.mbtiles"));
        let _ = std::fs::remove_file(&path);
        let meta = [
            ("name", "合川"),
            ("format", format),
            ("minzoom", "0"),
            ("maxzoom", "2"),
            ("bounds", "105.85,29.75,106.80,30.45"),
            ("json", r#"{"vector_layers":[{"id":"water","fields":{}}]}"#),
        ];
        fixture::write_mbtiles(&path, Some(&tiles), &meta).await;
        shrink(&path).await;
    }
    let pmtiles = corpus("pmtiles");
    for (name, tiles, tile_type, gzip, leaves) in [
        ("raster", fixture::raster_tiles(), 2, false, false),
        ("raster-leaves-gzip", fixture::raster_tiles(), 2, true, true),
        ("vector", fixture::vector_tiles(), 1, true, false),
    ] {
        let pm = fixture::Pm {
            tile_type,
            gzip_tiles: tile_type == 1,
            gzip_dirs: gzip,
            leaves,
            metadata: json!({"name": "合川", "vector_layers": serde_json::from_str::<serde_json::Value>(fixture::VECTOR_LAYERS).unwrap()}),
        };
        fixture::write_pmtiles(&pmtiles.join(format!("{name}.pmtiles")), &tiles, &pm);
    }
    println!("seeds written under {}", corpus("").display());
}
