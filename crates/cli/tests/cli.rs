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
