//! Travel by road as a user meets it with `yitu`: loading a network changes who is quickest,
//! a bad road file changes nothing, and areas and coverage answer from the same store.

use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

fn yitu(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yitu"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "yitu failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(yitu(dir.path(), &["seed-demo"]).status.success());
    dir
}

fn lonlat(v: &Value) -> (f64, f64) {
    (v["lon"].as_f64().unwrap(), v["lat"].as_f64().unwrap())
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

const P: (f64, f64) = (106.20, 29.95);

#[test]
fn a_motorway_to_a_farther_team_makes_it_the_quickest() {
    let dir = seeded();
    let at = format!("{},{}", P.0, P.1);
    let ask = [
        "nearest",
        "teams",
        "--at",
        &at,
        "--specialty",
        "water",
        "-k",
        "8",
    ];
    let before = json_of(&yitu(dir.path(), &ask));
    assert_eq!(before["assumption"]["routing"], "none");
    let results = before["results"].as_array().unwrap();
    let first = &results[0];
    let d_first = first["distance_m"].as_f64().unwrap();
    // A team on the far side of the point (more than 100° away from the nearest) that a
    // motorway at 80 km/h brings in sooner than the nearest team's straight-line estimate
    // (× 1.4 at 40 km/h): the road network must put it first.
    let (fx, fy) = lonlat(&first["location"]);
    let cos = P.1.to_radians().cos();
    let bearing = |x: f64, y: f64| ((y - P.1).atan2((x - P.0) * cos)).to_degrees();
    let far = results[1..]
        .iter()
        .find(|r| {
            let (x, y) = lonlat(&r["location"]);
            let turn = (bearing(x, y) - bearing(fx, fy)).rem_euclid(360.0);
            let d = r["distance_m"].as_f64().unwrap();
            (100.0..260.0).contains(&turn) && d / 80.0 < d_first * 1.4 / 40.0 * 0.9
        })
        .expect("the demo has a water team on the far side of the point");
    let (cx, cy) = lonlat(&far["location"]);
    let roads = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"道路等级": "高速公路"},
         "geometry": {"type": "LineString", "coordinates": [[P.0, P.1], [cx, cy]]}}
    ]});
    let file = write(dir.path(), "roads.geojson", &roads);
    let loaded = json_of(&yitu(dir.path(), &["roads", "load", &file]));
    assert_eq!(loaded["loaded"]["lines"], 1);

    let after = json_of(&yitu(dir.path(), &ask));
    assert_eq!(after["assumption"]["routing"], "roads");
    assert!(after["assumption"]["zh"].as_str().unwrap().contains("路网"));
    let top = &after["results"][0];
    assert_eq!(
        top["id"], far["id"],
        "the team down the motorway comes first"
    );
    let road = &top["road"];
    let expected_min = far["distance_m"].as_f64().unwrap() / 1000.0 / 80.0 * 60.0;
    let got_min = road["travel_min"].as_f64().unwrap();
    assert!(
        (got_min - expected_min).abs() < 0.2,
        "{got_min} vs {expected_min}"
    );
    let path = road["path"].as_array().unwrap();
    let start = (path[0][0].as_f64().unwrap(), path[0][1].as_f64().unwrap());
    let end = path.last().unwrap();
    let end = (end[0].as_f64().unwrap(), end[1].as_f64().unwrap());
    assert_eq!(start, P, "the route starts at the point asked about");
    assert!((end.0 - cx).abs() < 1e-9 && (end.1 - cy).abs() < 1e-9);
    // Every team is still listed, and still only teams on standby.
    assert_eq!(after["results"].as_array().unwrap().len(), results.len());
    assert!(after["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "standby"));

    // Cleared, the ranking is the straight-line one again.
    json_of(&yitu(dir.path(), &["roads", "clear"]));
    let cleared = json_of(&yitu(dir.path(), &ask));
    assert_eq!(cleared["results"][0]["id"], first["id"]);
    assert_eq!(json_of(&yitu(dir.path(), &["roads", "show"])), Value::Null);
}

#[test]
fn a_bad_road_file_is_refused_and_the_loaded_network_stays() {
    let dir = seeded();
    let good = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"speed_kmh": 40},
         "geometry": {"type": "LineString", "coordinates": [[106.20, 29.95], [106.25, 29.97]]}}
    ]});
    let good = write(dir.path(), "good.geojson", &good);
    json_of(&yitu(dir.path(), &["roads", "load", &good]));
    let bad = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"speed_kmh": 40},
         "geometry": {"type": "LineString", "coordinates": [[106.20, 29.95], [106.25, 29.97]]}},
        {"type": "Feature", "properties": {"name": "无等级"},
         "geometry": {"type": "LineString", "coordinates": [[106.20, 29.95], [106.21, 29.96]]}},
        {"type": "Feature", "properties": {"speed_kmh": 40},
         "geometry": {"type": "LineString", "coordinates": [[29.95, 106.20], [29.96, 106.21]]}}
    ]});
    let bad = write(dir.path(), "bad.geojson", &bad);
    let out = yitu(dir.path(), &["roads", "load", &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("feature 2")
            && err.contains("feature 3")
            && err.contains("nothing was loaded"),
        "{err}"
    );
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{ not json").unwrap();
    let out = yitu(dir.path(), &["roads", "load", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not GeoJSON"));
    let gcj = yitu(dir.path(), &["roads", "load", &good, "--crs", "mars"]);
    assert!(!gcj.status.success());

    let shown = json_of(&yitu(dir.path(), &["roads", "show"]));
    assert_eq!(shown["source"], "good.geojson");
    assert_eq!(shown["lines"], 1);
}

#[test]
fn coverage_in_minutes_without_roads_is_the_stated_estimate() {
    let dir = seeded();
    // 15 min at 40 km/h over a road 1.4 × the straight line: 7.14 km of straight line.
    let by_time = json_of(&yitu(
        dir.path(),
        &["coverage", "--specialty", "water", "--minutes", "15"],
    ));
    let by_km = json_of(&yitu(
        dir.path(),
        &["coverage", "--specialty", "water", "--km", "7.14"],
    ));
    let covered = |v: &Value| {
        let mut c: Vec<String> = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["covered"] == true)
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect();
        c.sort();
        c
    };
    assert_eq!(covered(&by_time), covered(&by_km));
    assert!(!covered(&by_time).is_empty() && by_time["uncovered"].as_u64().unwrap() > 0);
    assert_eq!(by_time["assumption"]["routing"], "none");
    let out = yitu(dir.path(), &["coverage", "--minutes", "-3"]);
    assert!(!out.status.success());
}

#[test]
fn an_area_lists_the_hazards_and_shelters_inside_it() {
    let dir = seeded();
    // A rectangle around the city centre, so the test can tell inside from outside itself.
    let (w, s, e, n) = (106.22, 29.95, 106.32, 30.03);
    let area =
        json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]});
    let file = write(dir.path(), "area.geojson", &area);
    let got = json_of(&yitu(dir.path(), &["within", "--area", &file]));
    let export = json_of(&yitu(dir.path(), &["export", "hazards"]));
    let inside: Vec<&Value> = export["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            x > w && x < e && y > s && y < n
        })
        .collect();
    assert!(!inside.is_empty());
    assert_eq!(got["hazards"]["count"], inside.len());
    let people: u64 = inside
        .iter()
        .map(|f| f["properties"]["threatened_people"].as_u64().unwrap())
        .sum();
    assert_eq!(got["hazards"]["threatened_people"], people);
    // About 9.6 km × 8.9 km.
    let km2 = got["area_km2"].as_f64().unwrap();
    assert!((80.0..90.0).contains(&km2), "{km2}");

    let bow = json!({"type": "Polygon", "coordinates": [[[w, s], [e, n], [e, s], [w, n], [w, s]]]});
    let bow = write(dir.path(), "bow.geojson", &bow);
    let out = yitu(dir.path(), &["within", "--area", &bow]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cross"));
}

/// A road shapefile as Chinese GIS tools export it: polylines and a GBK .dbf with Chinese values.
#[test]
fn a_gbk_road_shapefile_loads_with_its_classes_and_speeds() {
    use shapefile::dbase::{self, FieldValue, Record};
    let dir = seeded();
    let path = dir.path().join("道路.shp");
    let table = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("NAME".try_into().unwrap(), 40)
    .add_character_field("DLDJ".try_into().unwrap(), 20)
    .add_numeric_field("SPEED".try_into().unwrap(), 6, 0);
    let mut w = shapefile::Writer::from_path(&path, table).unwrap();
    // (name, class, speed or none, parts)
    type Parts = Vec<Vec<(f64, f64)>>;
    let roads: [(&str, &str, Option<f64>, Parts); 2] = [
        (
            "合川大道",
            "一级公路",
            Some(60.0),
            vec![vec![(106.26, 29.98), (106.28, 30.0)]],
        ),
        (
            "钓鱼城路",
            "县道",
            None,
            vec![
                vec![(106.28, 30.0), (106.29, 30.01)],
                vec![(106.29, 30.01), (106.31, 30.05)],
            ],
        ),
    ];
    for (name, class, speed, parts) in roads {
        let parts: Vec<Vec<shapefile::Point>> = parts
            .into_iter()
            .map(|p| {
                p.into_iter()
                    .map(|(x, y)| shapefile::Point::new(x, y))
                    .collect()
            })
            .collect();
        let mut rec = Record::default();
        rec.insert("NAME".into(), FieldValue::Character(Some(name.into())));
        rec.insert("DLDJ".into(), FieldValue::Character(Some(class.into())));
        rec.insert("SPEED".into(), FieldValue::Numeric(speed));
        w.write_shape_and_record(&shapefile::Polyline::with_parts(parts), &rec)
            .unwrap();
    }
    drop(w);
    // "DLDJ" (道路等级 in pinyin initials) is not a known column: the class is not seen, so the
    // second road has no speed and the file is refused; with a default speed it loads.
    let out = yitu(dir.path(), &["roads", "load", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("feature 2"));
    let loaded = json_of(&yitu(
        dir.path(),
        &[
            "roads",
            "load",
            path.to_str().unwrap(),
            "--default-speed",
            "25",
        ],
    ));
    assert_eq!(
        loaded["loaded"]["lines"], 3,
        "one line and a two-part polyline"
    );
    assert_eq!(loaded["loaded"]["source"], "道路.shp");
    assert_eq!(loaded["loaded"]["pieces"], 1, "the parts join end to end");
    // Rankings now go by these roads.
    let route = json_of(&yitu(
        dir.path(),
        &["nearest", "teams", "--at", "106.26,29.98", "-k", "50"],
    ));
    assert_eq!(route["assumption"]["routing"], "roads");
}
