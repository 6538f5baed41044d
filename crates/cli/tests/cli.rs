//! The `yitu` binary as a user runs it: on a fresh data folder, with its exit status and output.

use std::process::Command;

fn yitu(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_yitu"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The local user the tests' writes are made as.
const WRITER: &str = "测试员";

/// `yitu --as 测试员 …`, the user (staff, no password) added to the folder first: every write
/// names its author.
fn yitu_as(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let added = yitu(dir, &["user", "add", WRITER, "--role", "staff"]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    yitu(dir, &[&["--as", WRITER], args].concat())
}

#[test]
fn seed_stats_and_export_on_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = yitu(dir.path(), &["seed-demo"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    assert!(String::from_utf8_lossy(&seeded.stdout).contains("演示数据"));

    // The database file alone holds the data once the command has finished (the WAL is folded
    // in), so copying yitu.sqlite is a complete backup.
    let db = std::fs::metadata(dir.path().join("yitu.sqlite"))
        .unwrap()
        .len();
    let wal = std::fs::metadata(dir.path().join("yitu.sqlite-wal")).map_or(0, |m| m.len());
    assert!(
        db > 500_000 && wal == 0,
        "database {db} bytes, WAL {wal} bytes"
    );

    let stats = yitu(dir.path(), &["stats", "--json"]);
    assert!(stats.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["layers"]["shelters"]["total"], 165);
    assert_eq!(stats["layers"]["teams"]["by_kind"]["grassroots"], 30);
    assert_eq!(stats["demo"], true);

    let export = yitu(dir.path(), &["export", "hazards", "--format", "geojson"]);
    assert!(export.status.success());
    let fc: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(
        fc["features"].as_array().unwrap().len() as u64,
        stats["layers"]["hazards"]["total"].as_u64().unwrap()
    );
}

#[test]
fn an_unknown_layer_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = yitu(dir.path(), &["export", "volcanoes"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown layer") && err.contains("shelters"),
        "{err}"
    );
}

#[test]
fn the_data_dir_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yitu"))
        .env("YITU_DATA_DIR", dir.path())
        .arg("seed-demo")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("yitu.sqlite").exists());
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn nearest_water_team_is_on_standby_and_nearest_first() {
    let dir = tempfile::tempdir().unwrap();
    assert!(yitu(dir.path(), &["seed-demo"]).status.success());
    let at = "106.30,30.10";
    let got = json_of(&yitu(
        dir.path(),
        &[
            "nearest",
            "teams",
            "--at",
            at,
            "--specialty",
            "水上救援",
            "-k",
            "5",
        ],
    ));
    let results = got["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let distances: Vec<f64> = results
        .iter()
        .map(|r| r["distance_m"].as_f64().unwrap())
        .collect();
    assert!(
        distances.windows(2).all(|w| w[0] <= w[1]),
        "nearest first: {distances:?}"
    );
    for r in results {
        assert_eq!(r["status"], "standby");
        assert!(r["specialties"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("water")));
    }
    assert!(got["assumption"]["zh"]
        .as_str()
        .unwrap()
        .contains("绕行系数"));

    // Against the export: no standby water team is nearer than the first answer.
    let teams = json_of(&yitu(dir.path(), &["export", "teams"]));
    let (lon, lat) = (106.30f64, 30.10f64);
    let nearest_export = teams["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["properties"]["status"] == "standby"
                && f["properties"]["specialties"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!("water"))
        })
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
            // Equirectangular is plenty to pick the nearest at district scale.
            (
                ((x - lon) * lat.to_radians().cos()).powi(2) + (y - lat).powi(2),
                f["id"].as_str().unwrap().to_owned(),
            )
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap();
    assert_eq!(results[0]["id"], nearest_export.1);
}

#[test]
fn depots_shelters_and_within_answer_with_totals() {
    let dir = tempfile::tempdir().unwrap();
    assert!(yitu(dir.path(), &["seed-demo"]).status.success());
    let depots = json_of(&yitu(
        dir.path(),
        &[
            "nearest",
            "depots",
            "--at",
            "106.27,29.99",
            "--code",
            "1010301",
            "--min",
            "3000",
        ],
    ));
    let results = depots["results"].as_array().unwrap();
    assert!(
        !results.is_empty(),
        "the district depot holds quilts for thousands"
    );
    for r in results {
        let held: i64 = r["holdings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["available"].as_i64().unwrap())
            .sum();
        assert!(held >= 3000, "{r}");
    }
    let shelters = json_of(&yitu(
        dir.path(),
        &[
            "nearest",
            "shelters",
            "--at",
            "106.27,29.99",
            "--min-free",
            "500",
        ],
    ));
    for r in shelters["results"].as_array().unwrap() {
        assert!(r["free_capacity"].as_u64().unwrap() >= 500);
    }
    let within = json_of(&yitu(
        dir.path(),
        &["within", "--at", "106.27,29.99", "--radius-km", "5"],
    ));
    let hazards = within["hazards"]["results"].as_array().unwrap();
    assert_eq!(
        within["hazards"]["count"].as_u64().unwrap() as usize,
        hazards.len()
    );
    let sum: u64 = hazards
        .iter()
        .map(|h| h["threatened_people"].as_u64().unwrap())
        .sum();
    assert_eq!(
        within["hazards"]["threatened_people"].as_u64().unwrap(),
        sum
    );
    assert!(hazards
        .iter()
        .all(|h| h["distance_m"].as_f64().unwrap() <= 5000.0));
}

#[test]
fn bad_points_and_unknown_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            vec!["nearest", "teams", "--at", "29.99,106.27"],
            "coordinate out of range",
        ),
        (
            vec!["nearest", "teams", "--at", "116.40,39.90"],
            "outside Hechuan",
        ),
        (
            vec![
                "nearest",
                "teams",
                "--at",
                "106.27,29.99",
                "--specialty",
                "游泳",
            ],
            "expected one of",
        ),
        (
            vec![
                "nearest",
                "depots",
                "--at",
                "106.27,29.99",
                "--code",
                "9999",
            ],
            "GB/T 38565",
        ),
        (
            vec!["within", "--at", "106.27,29.99", "--radius-km", "-1"],
            "radius",
        ),
    ] {
        let out = yitu(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn search_lists_hits_or_says_nothing_was_found() {
    let dir = tempfile::tempdir().unwrap();
    assert!(yitu(dir.path(), &["seed-demo"]).status.success());
    let hits = json_of(&yitu(dir.path(), &["search", "涞滩", "--json"]));
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits
        .iter()
        .all(|h| h["name"].as_str().unwrap().contains("涞滩") || h["town"] == "涞滩镇"));
    let none = yitu(dir.path(), &["search", "火星基地"]);
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stdout).contains("nothing found"));
}

#[test]
fn coverage_marks_towns_beyond_reach_and_grows_with_distance() {
    let dir = tempfile::tempdir().unwrap();
    assert!(yitu(dir.path(), &["seed-demo"]).status.success());
    let uncovered = |km: &str| {
        let v = json_of(&yitu(
            dir.path(),
            &["coverage", "--specialty", "water", "--km", km],
        ));
        assert_eq!(v["towns"], 30);
        for r in v["results"].as_array().unwrap() {
            let d = r["nearest"]["distance_m"].as_f64().unwrap_or(f64::INFINITY);
            assert_eq!(
                r["covered"].as_bool().unwrap(),
                d <= km.parse::<f64>().unwrap() * 1000.0,
                "{r}"
            );
        }
        v["uncovered"].as_u64().unwrap()
    };
    let (tight, loose) = (uncovered("3"), uncovered("30"));
    assert!(
        tight > loose,
        "more towns are beyond 3 km than beyond 30 km ({tight} vs {loose})"
    );
    assert_eq!(uncovered("200"), 0);
    assert!(!yitu(dir.path(), &["coverage", "--km", "0"])
        .status
        .success());
}

#[test]
fn a_data_dir_that_cannot_be_used_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = yitu(&file, &["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not-a-folder") && err.contains("data folder"),
        "{err}"
    );
}

#[test]
fn a_broken_database_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("yitu.sqlite");
    std::fs::write(&db, b"this is not a database").unwrap();
    let out = yitu(dir.path(), &["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("yitu.sqlite"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"this is not a database",
        "nothing was overwritten"
    );
}

// Import and export cases live beside, in the same test binary.
#[path = "cli/import.rs"]
mod import;

// Incidents and decisions (issue 6).
#[path = "cli/decisions.rs"]
mod decisions;

/// `yitu enrol` and `yitu sync` against a real server.
#[path = "cli/sync.rs"]
mod sync;

/// The desk's users: passwords, `yitu login`, and every write naming its author.
#[path = "cli/users.rs"]
mod users;

#[path = "cli/monitoring.rs"]
mod monitoring;

/// `yitu basemap` on tile packages made by the test (issue 3).
#[path = "cli/basemap.rs"]
mod basemap;

/// The basemap crate's fixture: MBTiles and PMTiles files written from the specs.
#[path = "../../basemap/tests/support/fixture.rs"]
mod tile_fixture;

/// `yitu overlay` on GeoJSON, Shapefile and GeoPackage files written by the test (issue 3).
#[path = "cli/overlay.rs"]
mod overlay;

/// The overlay crate's fixture: GeoPackages written by SQL, with geometry blobs made by hand.
#[path = "../../overlay/tests/support/geopackage.rs"]
mod gpkg_fixture;
