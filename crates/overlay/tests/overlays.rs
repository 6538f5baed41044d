//! Overlays kept in a data folder: added from real files (GeoJSON in GCJ-02, a Shapefile with a
//! GBK attribute table and no .cpg, GeoPackages written here by SQL), listed, shown and hidden,
//! removed; and every kind of bad file refused with nothing written.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use yitu_overlay::{Crs, Registry, FOLDER, PALETTE, REGISTRY_FILE};

/// A square of about 2 km in Hechuan's old town, given in GCJ-02 (the WGS-84 corners 106.26,
/// 29.98 and 106.28, 30.00 shifted by a separate implementation of the published formulas).
const GCJ_SQUARE: [[f64; 2]; 5] = [
    [106.26379124, 29.97734534],
    [106.28381336, 29.97736033],
    [106.28381457, 29.99736033],
    [106.26379244, 29.99734534],
    [106.26379124, 29.97734534],
];

fn write_geojson(path: &Path) {
    let fc = json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": { "名称": "钓鱼城片区", "人口": 1200 },
            "geometry": { "type": "Polygon", "coordinates": [GCJ_SQUARE] }
        }]
    });
    std::fs::write(path, fc.to_string()).unwrap();
}

/// A line of two records with a GBK .dbf (no .cpg), as Chinese GIS tools export.
fn write_gbk_shapefile(path: &Path) {
    use shapefile::dbase::{self, FieldValue, Record};
    let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("NAME".try_into().unwrap(), 40);
    let mut w = shapefile::Writer::from_path(path, table).unwrap();
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
}

/// Every file and its bytes under `dir`, to see that a refusal wrote nothing.
/// Adds one good overlay kept from `good` and returns the data folder as it then is: refusals
/// that follow must leave it exactly so.
fn keep_a_good_one(data: &Path, good: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    write_geojson(good);
    Registry::load(data)
        .unwrap()
        .add(good, Crs::Gcj02, None)
        .unwrap();
    snapshot(data)
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.push((p, Vec::new()));
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_gcj02_polygon_and_a_gbk_shapefile_are_kept_converted_shown_hidden_and_removed() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let gj = files.path().join("片区.geojson");
    write_geojson(&gj);
    let shp = files.path().join("堤防.shp");
    write_gbk_shapefile(&shp);

    let mut reg = Registry::load(data.path()).unwrap();
    let area = reg.add(&gj, Crs::Gcj02, Some("钓鱼城片区")).unwrap();
    assert_eq!((area.name.as_str(), area.features), ("钓鱼城片区", 1));
    assert!(area.shown);
    assert_eq!(area.colour, PALETTE[0]);
    // The kept polygon is back on the WGS-84 corners, to well under a metre (1e-5° ≈ 1 m).
    let kept: Value = serde_json::from_str(&reg.geojson(area.id.as_str()).unwrap()).unwrap();
    let ring = &kept["features"][0]["geometry"]["coordinates"][0];
    for (i, (lon, lat)) in [
        (106.26, 29.98),
        (106.28, 29.98),
        (106.28, 30.0),
        (106.26, 30.0),
    ]
    .into_iter()
    .enumerate()
    {
        let (x, y) = (ring[i][0].as_f64().unwrap(), ring[i][1].as_f64().unwrap());
        assert!(
            (x - lon).abs() < 1e-5 && (y - lat).abs() < 1e-5,
            "corner {i}: {x}, {y}"
        );
    }
    assert_eq!(kept["features"][0]["properties"]["名称"], "钓鱼城片区");
    assert_eq!(kept["features"][0]["properties"]["人口"], "1200");

    let line = reg.add(&shp, Crs::Wgs84, None).unwrap();
    assert_eq!((line.name.as_str(), line.features), ("堤防", 2));
    assert_eq!(line.colour, PALETTE[1], "a colour of its own");
    let kept: Value = serde_json::from_str(&reg.geojson(line.id.as_str()).unwrap()).unwrap();
    assert_eq!(
        kept["features"][0]["properties"]["NAME"], "嘉陵江堤防",
        "GBK read"
    );
    assert_eq!(kept["features"][1]["geometry"]["type"], "LineString");

    // What is kept is read back by a new registry, as the window and the CLI do.
    let again = Registry::load(data.path()).unwrap();
    assert_eq!(again.entries().len(), 2);
    assert_eq!(again.get(line.id.as_str()), Some(&line));

    let mut reg = again;
    assert!(!reg.set_shown(area.id.as_str(), false).unwrap().shown);
    assert!(!Registry::load(data.path()).unwrap().entries()[0].shown);
    // Added again: replaced, same id and colour, shown again.
    let readded = reg.add(&gj, Crs::Gcj02, None).unwrap();
    assert_eq!(
        (readded.id.clone(), readded.colour.as_str()),
        (area.id.clone(), PALETTE[0])
    );
    assert!(readded.shown);
    assert_eq!(reg.entries().len(), 2);

    reg.remove(area.id.as_str()).unwrap();
    assert_eq!(reg.entries().len(), 1);
    assert!(!data
        .path()
        .join(FOLDER)
        .join(format!("{}.geojson", area.id))
        .exists());
    assert_eq!(
        reg.remove("000000000000").unwrap_err().code(),
        "unknown_overlay"
    );
    assert_eq!(
        reg.set_shown("nope", true).unwrap_err().code(),
        "unknown_overlay"
    );
}

#[test]
fn bad_files_are_refused_by_name_and_write_nothing() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let f = |name: &str| files.path().join(name);
    std::fs::write(f("空.geojson"), b"").unwrap();
    std::fs::write(f("空白.geojson"), b"  \n ").unwrap();
    std::fs::write(
        f("损坏.geojson"),
        b"{\"type\": \"FeatureCollection\", \"feat",
    )
    .unwrap();
    std::fs::write(
        f("无要素.geojson"),
        br#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    std::fs::write(
        f("投影.geojson"),
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[36512345.0,3318000.0]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        f("北京.geojson"),
        br#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[116.404,39.915]}}"#,
    )
    .unwrap();
    std::fs::write(f("表格.csv"), "名称,经度,纬度\n甲,106.27,29.99\n").unwrap();
    std::fs::write(f("坏.shp"), b"not a shapefile at all, just bytes").unwrap();
    std::fs::write(f("坏.dbf"), b"").unwrap();
    // Keep something there first: it must be left exactly as it was.
    let before = keep_a_good_one(data.path(), &f("好.geojson"));
    for (file, code, words) in [
        ("不存在.geojson", "not_found", "找不到"),
        ("空.geojson", "empty", "空的"),
        ("空白.geojson", "empty", "empty"),
        ("损坏.geojson", "unreadable", "损坏"),
        ("无要素.geojson", "no_features", "no features"),
        ("投影.geojson", "not_lon_lat", "projected"),
        (
            "北京.geojson",
            "far_from_district",
            "wrong coordinate system",
        ),
        ("表格.csv", "unknown_format", ".shp"),
        ("坏.shp", "unreadable", "broken"),
    ] {
        let mut reg = Registry::load(data.path()).unwrap();
        let e = reg.add(&f(file), Crs::Gcj02, None).unwrap_err();
        assert_eq!(e.code(), code, "{file}: {e}");
        let text = e.to_string();
        assert!(text.contains(file), "{file} is named: {text}");
        assert!(text.contains(words), "{file}: {words:?} in {text}");
        assert_eq!(snapshot(data.path()), before, "{file} wrote nothing");
        assert_eq!(reg.entries().len(), 1);
    }
    assert!(data.path().join(REGISTRY_FILE).exists());
}

#[path = "support/geopackage.rs"]
mod geopackage;

use geopackage::{Cell, FeatureTable, Geom, CGCS2000, GAUSS_KRUGER};

/// WGS-84 (106.27, 29.99), in Hechuan's old town, and the same place in GCJ-02 (see the convert
/// tests for where the pair comes from).
const WGS: [f64; 2] = [106.27, 29.99];
const GCJ: [f64; 2] = [106.27380086355178, 29.987351099034413];

fn square() -> Vec<Vec<[f64; 2]>> {
    vec![GCJ_SQUARE.to_vec()]
}

/// Two feature tables in GCJ-02 positions: areas (a polygon and a multipolygon) in EPSG 4326,
/// and shelters (a point, a point with a height, one without a geometry and a curve) in
/// CGCS2000, with text, integer, real, boolean, blob and NULL cells.
async fn write_emergency_gpkg(path: &Path) {
    let shelters = FeatureTable {
        name: "避难场所",
        srs_id: 4490,
        geometry_type: "POINT",
        columns: vec![
            ("名称", "TEXT"),
            ("容量", "INTEGER"),
            ("面积", "REAL"),
            ("开放", "BOOLEAN"),
            ("照片", "BLOB"),
            ("备注", "TEXT(50)"),
        ],
        rows: vec![
            (
                Some(Geom::Point(GCJ).blob(4490)),
                vec![
                    Cell::Text("合川中学避难点"),
                    Cell::Int(1200),
                    Cell::Real(3500.5),
                    Cell::Int(1),
                    Cell::Blob(b"\x89PNG\r\n\x1a\n".to_vec()),
                    Cell::Null,
                ],
            ),
            (
                Some(Geom::PointZ([GCJ[0], GCJ[1], 230.0]).blob(4490)),
                vec![
                    Cell::Text("钓鱼城广场"),
                    Cell::Int(800),
                    Cell::Real(0.25),
                    Cell::Int(0),
                    Cell::Null,
                    Cell::Text("高程 230 米"),
                ],
            ),
            (
                None,
                vec![
                    Cell::Text("待定"),
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                ],
            ),
            (
                Some(Geom::CircularString(vec![GCJ, GCJ, GCJ]).blob(4490)),
                vec![
                    Cell::Text("弧线"),
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                    Cell::Null,
                ],
            ),
        ],
    };
    let areas = FeatureTable {
        name: "片区",
        srs_id: 4326,
        geometry_type: "GEOMETRY",
        columns: vec![("名称", "TEXT"), ("人口", "INTEGER")],
        rows: vec![
            (
                Some(Geom::Polygon(square()).blob(4326)),
                vec![Cell::Text("钓鱼城片区"), Cell::Int(1200)],
            ),
            (
                Some(Geom::MultiPolygon(vec![square()]).blob(4326)),
                vec![Cell::Text("南津街片区"), Cell::Int(-3)],
            ),
        ],
    };
    geopackage::write(path, &[CGCS2000], &[shelters, areas], &[]).await;
}

fn close(p: &Value, lon: f64, lat: f64) -> bool {
    let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    (x - lon).abs() < 1e-5 && (y - lat).abs() < 1e-5
}

/// Run inside a tokio runtime, as the window runs `Registry::add`.
#[tokio::test]
async fn a_geopackage_of_points_and_polygons_in_gcj02_is_kept_as_a_geojson_would_be() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let gpkg = files.path().join("应急图层.gpkg");
    write_emergency_gpkg(&gpkg).await;

    let mut reg = Registry::load(data.path()).unwrap();
    let entry = reg.add(&gpkg, Crs::Gcj02, None).unwrap();
    assert_eq!(entry.name, "应急图层");
    assert_eq!(
        (entry.features, entry.skipped),
        (4, 2),
        "the row without a geometry and the curve are skipped"
    );
    let kept: Value = serde_json::from_str(&reg.geojson(entry.id.as_str()).unwrap()).unwrap();
    let f = kept["features"].as_array().unwrap();
    // Tables in name order (片 before 避), each row with the union of the columns, the integer
    // primary key (fid) among them, as QGIS shows it.
    let names: Vec<_> = f.iter().map(|f| f["properties"]["名称"].clone()).collect();
    assert_eq!(
        names,
        ["钓鱼城片区", "南津街片区", "合川中学避难点", "钓鱼城广场"]
    );
    assert_eq!(
        f[0]["properties"],
        json!({"layer": "片区", "fid": "1", "名称": "钓鱼城片区", "人口": "1200",
               "容量": "", "面积": "", "开放": "", "备注": ""})
    );
    assert_eq!(f[1]["properties"]["人口"], "-3");
    assert_eq!(
        f[2]["properties"],
        json!({"layer": "避难场所", "fid": "1", "名称": "合川中学避难点", "人口": "",
               "容量": "1200", "面积": "3500.5", "开放": "true", "备注": ""}),
        "the blob column is left out"
    );
    assert_eq!(
        (&f[3]["properties"]["开放"], &f[3]["properties"]["面积"]),
        (&json!("false"), &json!("0.25"))
    );
    assert_eq!(f[3]["properties"]["备注"], "高程 230 米");

    // Positions back on WGS-84, to well under a metre; the height is dropped.
    assert_eq!(f[0]["geometry"]["type"], "Polygon");
    let ring = &f[0]["geometry"]["coordinates"][0];
    assert!(close(&ring[0], 106.26, 29.98), "{}", ring[0]);
    assert!(close(&ring[2], 106.28, 30.0), "{}", ring[2]);
    assert_eq!(f[1]["geometry"]["type"], "MultiPolygon");
    assert!(close(&f[2]["geometry"]["coordinates"], WGS[0], WGS[1]));
    let z = &f[3]["geometry"]["coordinates"];
    assert_eq!(z.as_array().unwrap().len(), 2, "{z}");
    assert!(close(z, WGS[0], WGS[1]));

    // The same shapes as GeoJSON (the height left out) convert to exactly the same positions.
    let gj = files.path().join("应急图层.geojson");
    let feature = |g: Value| json!({"type": "Feature", "properties": {}, "geometry": g});
    std::fs::write(
        &gj,
        json!({"type": "FeatureCollection", "features": [
            feature(json!({"type": "Polygon", "coordinates": [GCJ_SQUARE]})),
            feature(json!({"type": "MultiPolygon", "coordinates": [[GCJ_SQUARE]]})),
            feature(json!({"type": "Point", "coordinates": GCJ})),
            feature(json!({"type": "Point", "coordinates": GCJ})),
        ]})
        .to_string(),
    )
    .unwrap();
    let from_geojson = yitu_overlay::load(&gj, Crs::Gcj02).unwrap();
    let from_gpkg = yitu_overlay::load(&gpkg, Crs::Gcj02).unwrap();
    let geometries = |c: &yitu_overlay::Converted| {
        c.features
            .iter()
            .map(|f| f.geometry.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(geometries(&from_gpkg), geometries(&from_geojson));
    assert_eq!(from_gpkg.bbox, from_geojson.bbox);
}

/// Outside any runtime, as the command line runs it; one table, so no `layer` cell.
#[test]
fn a_one_table_geopackage_in_wgs84_is_read_outside_a_runtime() {
    let files = tempfile::tempdir().unwrap();
    let gpkg = files.path().join("集合点.gpkg");
    let table = FeatureTable {
        name: "集合点",
        srs_id: 0,
        geometry_type: "POINT",
        columns: vec![("名称", "TEXT")],
        rows: vec![(
            Some(Geom::Point(WGS).blob(0)),
            vec![Cell::Text("一号集合点")],
        )],
    };
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(geopackage::write(&gpkg, &[], &[table], &[]));
    let c = yitu_overlay::load(&gpkg, Crs::Wgs84).unwrap();
    assert_eq!(c.features.len(), 1);
    assert_eq!(
        Value::Object(c.features[0].properties.clone().unwrap()),
        json!({"fid": "1", "名称": "一号集合点"})
    );
    assert_eq!(c.bbox, [WGS[0], WGS[1], WGS[0], WGS[1]]);
}

#[tokio::test]
async fn bad_geopackages_are_refused_by_name_and_write_nothing() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let f = |name: &str| files.path().join(name);
    let points = |srs_id: i64, ps: Vec<Option<Vec<u8>>>| FeatureTable {
        name: "点",
        srs_id,
        geometry_type: "POINT",
        columns: vec![("名称", "TEXT")],
        rows: ps
            .into_iter()
            .map(|p| (p, vec![Cell::Text("甲")]))
            .collect(),
    };
    let wgs = |p: [f64; 2]| Some(Geom::Point(p).blob(4326));

    std::fs::write(f("文本.gpkg"), "名称,经度,纬度\n甲,106.27,29.99\n").unwrap();
    std::fs::write(f("空.gpkg"), b"").unwrap();
    // The SQLite header and then nothing a database has.
    let mut torn = b"SQLite format 3\0".to_vec();
    torn.resize(4096, 0xAB);
    std::fs::write(f("残缺.gpkg"), torn).unwrap();
    {
        let mut db = geopackage::sqlite(&f("数据库.gpkg")).await;
        sqlx::query("CREATE TABLE 人员 (姓名 TEXT)")
            .execute(&mut db)
            .await
            .unwrap();
        sqlx::Connection::close(db).await.unwrap();
    }
    geopackage::write(
        &f("瓦片.gpkg"),
        &[],
        &[],
        &[("影像", "tiles"), ("名册", "attributes")],
    )
    .await;
    geopackage::write(&f("空表.gpkg"), &[], &[points(4326, vec![])], &[]).await;
    geopackage::write(
        &f("无几何.gpkg"),
        &[],
        &[points(4326, vec![None, None])],
        &[],
    )
    .await;
    // Metres in the Gauss-Krüger zone: refused by the system's name before any row is read.
    let metres = Some(Geom::Point([36_512_345.0, 3_318_000.0]).blob(4544));
    geopackage::write(
        &f("投影.gpkg"),
        &[GAUSS_KRUGER],
        &[points(4544, vec![metres.clone()])],
        &[],
    )
    .await;
    // The same metres in a table that says 4326.
    geopackage::write(
        &f("谎称经纬度.gpkg"),
        &[],
        &[points(4326, vec![metres])],
        &[],
    )
    .await;
    // The second row's geometry is bare WKB, without the GeoPackage header.
    geopackage::write(
        &f("坏几何.gpkg"),
        &[],
        &[points(4326, vec![wgs(WGS), Some(Geom::Point(WGS).wkb())])],
        &[],
    )
    .await;
    geopackage::write(
        &f("北京.gpkg"),
        &[],
        &[points(4326, vec![wgs([116.404, 39.915])])],
        &[],
    )
    .await;

    let before = keep_a_good_one(data.path(), &f("好.geojson"));
    for (file, code, words) in [
        (
            "文本.gpkg",
            "not_sqlite",
            &["不是 SQLite", "not an SQLite database"][..],
        ),
        ("空.gpkg", "empty", &["空的"][..]),
        ("残缺.gpkg", "database", &["损坏", "broken"][..]),
        (
            "数据库.gpkg",
            "not_geopackage",
            &["gpkg_contents", "not a GeoPackage"][..],
        ),
        (
            "瓦片.gpkg",
            "no_feature_table",
            &["没有要素表", "no feature table"][..],
        ),
        ("空表.gpkg", "empty_tables", &["点", "no rows"][..]),
        ("无几何.gpkg", "no_features", &["no features"][..]),
        (
            "投影.gpkg",
            "projected_srs",
            &[
                "投影坐标系",
                "CGCS2000 / 3-degree Gauss-Kruger CM 105E (EPSG:4544)",
                "点",
            ][..],
        ),
        (
            "谎称经纬度.gpkg",
            "not_lon_lat",
            &["projected", "feature 1"][..],
        ),
        ("坏几何.gpkg", "bad_geometry", &["fid 2", "点", "'GP'"][..]),
        (
            "北京.gpkg",
            "far_from_district",
            &["wrong coordinate system"][..],
        ),
    ] {
        let mut reg = Registry::load(data.path()).unwrap();
        let e = reg.add(&f(file), Crs::Gcj02, None).unwrap_err();
        assert_eq!(e.code(), code, "{file}: {e}");
        let text = e.to_string();
        assert!(text.contains(file), "{file} is named: {text}");
        for w in words {
            assert!(text.contains(w), "{file}: {w:?} in {text}");
        }
        assert_eq!(snapshot(data.path()), before, "{file} wrote nothing");
        assert_eq!(reg.entries().len(), 1);
    }
    // Opened read-only: the refused files are as they were (no journal, no -wal left beside).
    let left: Vec<_> = std::fs::read_dir(files.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-wal") || n.ends_with("-journal") || n.ends_with("-shm"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
