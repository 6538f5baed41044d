//! `yitu overlay add|list|hide|show|remove` through the real binary: a BD-09 GeoJSON and a
//! Shapefile with a GBK table are added, listed, hidden, shown and removed; a broken file and an
//! unknown coordinate system are refused with exit status 1 and `overlays.json` unchanged; a
//! GeoPackage is added and listed, and one in a projected system refused by the system's name.

use super::gpkg_fixture::{self as gpkg, Cell, FeatureTable, Geom, CGCS2000, GAUSS_KRUGER};
use super::yitu;
use serde_json::Value;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn list(data: &std::path::Path) -> Value {
    serde_json::from_str(&ok(&yitu(data, &["overlay", "list", "--json"]))).unwrap()
}

#[test]
fn overlays_are_added_listed_hidden_shown_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // BD-09 (106.28035650573766, 29.99310861717599) is WGS-84 (106.27, 29.99): computed by a
    // separate implementation of the published formulas (see yitu-overlay's convert tests).
    let gj = dir.path().join("百度标注.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"名称":"集合点"},"geometry":{"type":"Point","coordinates":[106.28035650573766,29.99310861717599]}},
            {"type":"Feature","properties":{"名称":"撤离路线"},"geometry":{"type":"MultiLineString","coordinates":[[[106.28035650573766,29.99310861717599],[106.29,30.0]]]}}]}"#,
    )
    .unwrap();
    let shp = dir.path().join("管线.shp");
    {
        use shapefile::dbase::{self, FieldValue, Record};
        let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
            encoding_rs::GBK,
        ))
        .add_character_field("NAME".try_into().unwrap(), 40);
        let mut w = shapefile::Writer::from_path(&shp, table).unwrap();
        let line = shapefile::Polyline::new(vec![
            shapefile::Point::new(106.25, 29.99),
            shapefile::Point::new(106.29, 30.01),
        ]);
        let mut rec = Record::default();
        rec.insert(
            "NAME".into(),
            FieldValue::Character(Some("燃气管线".into())),
        );
        w.write_shape_and_record(&line, &rec).unwrap();
    }

    let added: Value = serde_json::from_str(&ok(&yitu(
        &data,
        &[
            "overlay",
            "add",
            gj.to_str().unwrap(),
            "--crs",
            "bd09",
            "--name",
            "百度标注点",
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(added["features"], 2);
    assert_eq!(added["crs"], "bd09");
    assert_eq!(added["shown"], true);
    let (lon, lat) = (
        added["bbox"][0].as_f64().unwrap(),
        added["bbox"][1].as_f64().unwrap(),
    );
    // The box's south-west corner is the converted point: within 1e-5° (about a metre).
    assert!(
        (lon - 106.27).abs() < 1e-5 && (lat - 29.99).abs() < 1e-5,
        "{lon}, {lat}"
    );
    let text = ok(&yitu(
        &data,
        &["overlay", "add", shp.to_str().unwrap(), "--crs", "wgs84"],
    ));
    assert!(text.contains("管线") && text.contains("1 个要素"), "{text}");

    let listed = list(&data);
    let overlays = listed["overlays"].as_array().unwrap();
    assert_eq!(overlays.len(), 2);
    assert_eq!(overlays[0]["name"], "百度标注点");
    assert_ne!(overlays[0]["colour"], overlays[1]["colour"]);
    let id = overlays[1]["id"].as_str().unwrap().to_owned();
    let kept =
        std::fs::read_to_string(data.join("overlays").join(format!("{id}.geojson"))).unwrap();
    assert!(kept.contains("燃气管线"), "the GBK name is kept: {kept}");

    ok(&yitu(&data, &["overlay", "hide", &id]));
    assert_eq!(list(&data)["overlays"][1]["shown"], false);
    assert!(ok(&yitu(&data, &["overlay", "list"])).contains(&format!("- {id}")));
    ok(&yitu(&data, &["overlay", "show", &id]));
    assert_eq!(list(&data)["overlays"][1]["shown"], true);

    // Refusals: nothing changes.
    let before = std::fs::read(data.join("overlays.json")).unwrap();
    let broken = dir.path().join("坏了.geojson");
    std::fs::write(&broken, "{\"type\": \"Feature").unwrap();
    let out = yitu(
        &data,
        &["overlay", "add", broken.to_str().unwrap(), "--crs", "gcj02"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("坏了.geojson") && err.contains("损坏"),
        "{err}"
    );
    let out = yitu(
        &data,
        &["overlay", "add", gj.to_str().unwrap(), "--crs", "mercator"],
    );
    assert!(!out.status.success());
    let out = yitu(&data, &["overlay", "hide", "123456789abc"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such overlay"));
    assert_eq!(std::fs::read(data.join("overlays.json")).unwrap(), before);

    ok(&yitu(&data, &["overlay", "remove", &id]));
    assert_eq!(list(&data)["overlays"].as_array().unwrap().len(), 1);
    assert!(!data.join("overlays").join(format!("{id}.geojson")).exists());
}

#[tokio::test]
async fn a_geopackage_is_added_and_listed_and_a_projected_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("避难场所.gpkg");
    let square = vec![vec![
        [106.26, 29.98],
        [106.28, 29.98],
        [106.28, 30.0],
        [106.26, 29.98],
    ]];
    let table = FeatureTable {
        name: "避难场所",
        srs_id: 4490,
        geometry_type: "GEOMETRY",
        columns: vec![("名称", "TEXT"), ("容量", "INTEGER")],
        rows: vec![
            (
                Some(Geom::Point([106.27, 29.99]).blob(4490)),
                vec![Cell::Text("合川中学"), Cell::Int(1200)],
            ),
            (
                Some(Geom::Polygon(square).blob(4490)),
                vec![Cell::Text("钓鱼城片区"), Cell::Null],
            ),
        ],
    };
    gpkg::write(&file, &[CGCS2000], &[table], &[]).await;

    let text = ok(&yitu(
        &data,
        &["overlay", "add", file.to_str().unwrap(), "--crs", "wgs84"],
    ));
    assert!(
        text.contains("避难场所") && text.contains("2 个要素"),
        "{text}"
    );
    let listed = list(&data);
    let overlay = &listed["overlays"][0];
    assert_eq!(overlay["name"], "避难场所");
    assert_eq!(overlay["features"], 2);
    assert_eq!(overlay["crs"], "wgs84");
    assert_eq!(
        overlay["bbox"],
        serde_json::json!([106.26, 29.98, 106.28, 30.0])
    );
    let text = ok(&yitu(&data, &["overlay", "list"]));
    assert!(
        text.contains("避难场所.gpkg") && text.contains("wgs84"),
        "{text}"
    );
    let id = overlay["id"].as_str().unwrap();
    let kept: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("overlays").join(format!("{id}.geojson"))).unwrap(),
    )
    .unwrap();
    assert_eq!(
        kept["features"][0]["properties"],
        serde_json::json!({"fid": "1", "名称": "合川中学", "容量": "1200"})
    );
    assert_eq!(kept["features"][1]["geometry"]["type"], "Polygon");

    let before = std::fs::read(data.join("overlays.json")).unwrap();
    let projected = dir.path().join("测绘成果.gpkg");
    let table = FeatureTable {
        name: "测绘点",
        srs_id: 4544,
        geometry_type: "POINT",
        columns: vec![],
        rows: vec![(
            Some(Geom::Point([426_000.0, 3_318_000.0]).blob(4544)),
            vec![],
        )],
    };
    gpkg::write(&projected, &[GAUSS_KRUGER], &[table], &[]).await;
    let out = yitu(
        &data,
        &[
            "overlay",
            "add",
            projected.to_str().unwrap(),
            "--crs",
            "wgs84",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("测绘成果.gpkg") && err.contains("EPSG:4544") && err.contains("投影坐标系"),
        "{err}"
    );
    assert_eq!(std::fs::read(data.join("overlays.json")).unwrap(), before);
}
