//! Overlays kept in a data folder: added from real files (GeoJSON in GCJ-02, a Shapefile with a
//! GBK attribute table and no .cpg), listed, shown and hidden, removed; and every kind of bad
//! file refused with nothing written.

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
    let good = f("好.geojson");
    write_geojson(&good);
    Registry::load(data.path())
        .unwrap()
        .add(&good, Crs::Gcj02, None)
        .unwrap();
    let before = snapshot(data.path());
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
