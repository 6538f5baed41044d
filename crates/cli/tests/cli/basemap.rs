//! `yitu basemap add|list|use|remove` through the real binary: a small MBTiles and PMTiles made
//! here are added and chosen, and bad files are refused with exit status 1, a message in Chinese
//! then English naming the file, and `basemap.json` unchanged.

use super::tile_fixture::{raster_tiles, vector_tiles, write_mbtiles, write_pmtiles, Pm};
use super::yitu;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn basemaps_are_added_listed_chosen_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mbtiles = dir.path().join("hechuan.mbtiles");
    write_mbtiles(
        &mbtiles,
        Some(&raster_tiles()),
        &[("name", "合川影像"), ("format", "png")],
    )
    .await;
    let pmtiles = dir.path().join("hechuan.pmtiles");
    write_pmtiles(
        &pmtiles,
        &vector_tiles(),
        &Pm {
            tile_type: 1,
            gzip_tiles: true,
            gzip_dirs: true,
            leaves: false,
            metadata: serde_json::json!({"name": "合川矢量", "vector_layers": [{"id": "water"}]}),
        },
    );

    let added: serde_json::Value = serde_json::from_str(&ok(&yitu(
        &data,
        &["basemap", "add", mbtiles.to_str().unwrap(), "--json"],
    )))
    .unwrap();
    assert_eq!(added["container"], "mbtiles");
    assert_eq!(added["metadata"]["format"], "png");
    assert_eq!(added["metadata"]["kind"], "raster");
    assert_eq!(added["metadata"]["max_zoom"], 2);
    let raster_id = added["id"].as_str().unwrap().to_owned();

    let text = ok(&yitu(&data, &["basemap", "add", pmtiles.to_str().unwrap()]));
    assert!(
        text.contains("合川矢量") && text.contains("vector pbf"),
        "{text}"
    );

    let listed: serde_json::Value =
        serde_json::from_str(&ok(&yitu(&data, &["basemap", "list", "--json"]))).unwrap();
    let packages = listed["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 2);
    let vector_id = packages[1]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed["active"], vector_id.as_str());
    assert_eq!(packages[1]["metadata"]["gzip"], true);
    assert_eq!(packages[1]["metadata"]["vector_layers"][0]["id"], "water");

    ok(&yitu(&data, &["basemap", "use", &raster_id]));
    let text = ok(&yitu(&data, &["basemap", "list"]));
    assert!(text.contains(&format!("* {raster_id}")), "{text}");

    // Bad files: refused, exit status 1, the reason in Chinese and English, nothing changed.
    let before = std::fs::read(data.join("basemap.json")).unwrap();
    let csv = dir.path().join("teams.csv");
    std::fs::write(&csv, "名称,经度,纬度\n合川救援队,106.27,29.99\n").unwrap();
    let truncated = dir.path().join("truncated.mbtiles");
    let whole = std::fs::read(&mbtiles).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let empty = dir.path().join("empty.mbtiles");
    write_mbtiles(&empty, Some(&Vec::new()), &[("format", "png")]).await;
    for (file, zh, en) in [
        (csv, "不是瓦片包", "not a tile package"),
        (truncated, "SQLite 文件已损坏", "corrupt"),
        (empty, "瓦片包是空的", "empty tile package"),
        (
            dir.path().join("missing.pmtiles"),
            "找不到文件",
            "file not found",
        ),
    ] {
        let out = yitu(&data, &["basemap", "add", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let err = String::from_utf8_lossy(&out.stderr);
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            err.contains(zh) && err.contains(en) && err.contains(name),
            "{name}: {err}"
        );
        assert!(err.find(zh) < err.find(en), "Chinese first: {err}");
    }
    assert_eq!(std::fs::read(data.join("basemap.json")).unwrap(), before);

    let out = yitu(&data, &["basemap", "use", "0123456789ab"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有这个底图"));

    ok(&yitu(&data, &["basemap", "remove", &vector_id]));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&yitu(&data, &["basemap", "list", "--json"]))).unwrap();
    assert_eq!(listed["packages"].as_array().unwrap().len(), 1);
    assert_eq!(listed["active"], raster_id.as_str());
    ok(&yitu(&data, &["basemap", "use", "none"]));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&yitu(&data, &["basemap", "list", "--json"]))).unwrap();
    assert!(listed["active"].is_null());
    // basemap never opens the store.
    assert!(!data.join("yitu.sqlite").exists());
}
