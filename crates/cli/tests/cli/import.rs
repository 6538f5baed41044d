//! `yitu import` and the CSV/XLSX/GeoJSON exports, through the real binary on real files and a
//! real SQLite store: round trips, encodings, coordinate systems, refusals, rejects, re-imports
//! and a kill in the middle.

use super::{yitu, yitu_as, WRITER};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stats(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(&yitu(dir, &["stats", "--json"]))).unwrap()
}

/// A data folder with the demo loaded, and a scratch folder for files.
struct Fixture {
    _tmp: tempfile::TempDir,
    demo: PathBuf,
    files: PathBuf,
    root: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_owned();
        let demo = root.join("demo");
        let files = root.join("files");
        std::fs::create_dir_all(&files).unwrap();
        ok(&yitu(&demo, &["seed-demo"]));
        Self {
            _tmp: tmp,
            demo,
            files,
            root,
        }
    }

    /// A fresh, empty data folder.
    fn store(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn export(&self, dir: &Path, layer: &str, format: &str) -> PathBuf {
        let name = format!(
            "{}-{layer}.{format}",
            dir.file_name().unwrap().to_string_lossy()
        );
        let path = self.files.join(name);
        ok(&yitu(
            dir,
            &[
                "export",
                layer,
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        ));
        path
    }
}

fn import(dir: &Path, kind: &str, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", kind, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    yitu_as(dir, &args)
}

const LAYERS: [&str; 5] = ["teams", "experts", "depots", "shelters", "hazards"];

#[test]
fn export_then_import_gives_the_same_records_in_each_format() {
    let fx = Fixture::new();
    for format in ["csv", "xlsx", "geojson"] {
        let target = fx.store(&format!("from-{format}"));
        // Depots before stock: stock rows name their depot.
        let mut kinds: Vec<&str> = LAYERS.to_vec();
        if format != "geojson" {
            kinds.push("stock");
        }
        for kind in &kinds {
            let file = fx.export(&fx.demo, kind, format);
            ok(&import(&target, kind, &file, &[]));
        }
        for kind in &kinds {
            let before = std::fs::read(fx.export(&fx.demo, kind, "csv")).unwrap();
            let after = std::fs::read(fx.export(&target, kind, "csv")).unwrap();
            assert!(
                before == after,
                "{format}: {kind} differs after the round trip"
            );
        }
        let (a, b) = (stats(&fx.demo), stats(&target));
        // The same records; only "data as of" differs (the copy was just imported).
        for layer in LAYERS {
            for count in ["total", "by_kind"] {
                assert_eq!(
                    a["layers"][layer][count], b["layers"][layer][count],
                    "{format} {layer}"
                );
            }
        }
        if format != "geojson" {
            assert_eq!(a["stock_lines"], b["stock_lines"], "{format}");
        }
    }
}

/// The demo's shelters as a department would type them: no ids, spaced and full-width
/// headers, full-width digits.
fn messy_shelters(fx: &Fixture) -> (String, Vec<Vec<String>>) {
    let table = yitu_formats::read(&fx.export(&fx.demo, "shelters", "csv")).unwrap();
    let headers: Vec<String> = table.headers[1..]
        .iter()
        .map(|h| match h.as_str() {
            "名称" => " 场所 名称 ".to_string(),
            "容纳人数" => "容纳人数（人）".to_string(),
            "经度" => "经　度".to_string(),
            "面积" => "面积(㎡)".to_string(),
            other => other.to_string(),
        })
        .collect();
    let full_width = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    };
    let cap = headers.iter().position(|h| h.starts_with("容纳")).unwrap();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| {
            let mut cells = r.cells[1..].to_vec();
            cells[cap] = full_width(&cells[cap]);
            cells
        })
        .collect();
    let mut text = String::new();
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    w.write_record(&headers).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    text.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
    (text, rows)
}

/// Rows of a CSV export without the id column, sorted: the records, whatever their ids.
fn records_without_ids(path: &Path) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = yitu_formats::read(path)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.cells[1..].to_vec())
        .collect();
    rows.sort();
    rows
}

#[test]
fn gbk_and_utf8_files_with_full_width_digits_and_spaced_headers() {
    let fx = Fixture::new();
    let (text, _) = messy_shelters(&fx);
    let expected = records_without_ids(&fx.export(&fx.demo, "shelters", "csv"));
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    for (name, bytes) in [("gbk", gbk.to_vec()), ("utf8", text.clone().into_bytes())] {
        let file = fx.files.join(format!("shelters-{name}.csv"));
        std::fs::write(&file, &bytes).unwrap();
        let target = fx.store(name);
        let out = import(&target, "shelters", &file, &["--json"]);
        let report: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
        let enc = if name == "gbk" { "GBK" } else { "UTF-8" };
        assert_eq!(report["encoding"], enc);
        assert_eq!(report["report"]["inserted"], 165);
        let got = records_without_ids(&fx.export(&target, "shelters", "csv"));
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn gcj02_and_bd09_positions_land_within_a_metre_of_the_wgs84_points() {
    use yitu_domain::{space::crs, LonLat};
    let fx = Fixture::new();
    let table = yitu_formats::read(&fx.export(&fx.demo, "hazards", "csv")).unwrap();
    let lon = table.headers.iter().position(|h| h == "经度").unwrap();
    let lat = table.headers.iter().position(|h| h == "纬度").unwrap();
    let truth: Vec<LonLat> = table
        .rows
        .iter()
        .map(|r| LonLat::new(r.cells[lon].parse().unwrap(), r.cells[lat].parse().unwrap()).unwrap())
        .collect();
    for (system, forward) in [
        ("gcj02", crs::wgs84_to_gcj02 as fn(LonLat) -> LonLat),
        ("bd09", |p| crs::gcj02_to_bd09(crs::wgs84_to_gcj02(p))),
    ] {
        let mut w = csv::WriterBuilder::new().from_writer(vec![]);
        w.write_record(&table.headers).unwrap();
        for (r, p) in table.rows.iter().zip(&truth) {
            let shifted = forward(*p);
            // The shift is real (hundreds of metres), so landing within 1 m means converted.
            assert!(shifted.distance_m(*p) > 300.0);
            let mut cells = r.cells.clone();
            cells[lon] = format!("{:.8}", shifted.lon);
            cells[lat] = format!("{:.8}", shifted.lat);
            w.write_record(&cells).unwrap();
        }
        let file = fx.files.join(format!("hazards-{system}.csv"));
        std::fs::write(&file, w.into_inner().unwrap()).unwrap();
        let target = fx.store(system);
        ok(&import(&target, "hazards", &file, &["--crs", system]));
        let back = yitu_formats::read(&fx.export(&target, "hazards", "csv")).unwrap();
        assert_eq!(back.rows.len(), truth.len());
        for (r, p) in back.rows.iter().zip(&truth) {
            let got =
                LonLat::new(r.cells[lon].parse().unwrap(), r.cells[lat].parse().unwrap()).unwrap();
            let d = got.distance_m(*p);
            assert!(d < 1.0, "{system}: {} is {d:.3} m off", r.cells[1]);
        }
    }
}

/// The demo's teams without ids, with one bad row of each kind at known lines.
fn teams_with_bad_rows(fx: &Fixture) -> (PathBuf, Vec<(usize, &'static str, &'static str)>, usize) {
    let table = yitu_formats::read(&fx.export(&fx.demo, "teams", "csv")).unwrap();
    let col = |h: &str| table.headers.iter().position(|x| x == h).unwrap() - 1;
    let mut rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells[1..].to_vec()).collect();
    // (line in the file, column header, what the reason says); data row i is on line i + 2.
    let bad = vec![
        (3, "名称", "required"),
        (5, "经度", "swapped"),
        (7, "所属镇街", "unknown town"),
        (9, "人数", "not a number"),
        (11, "队伍类型", "unknown"),
        (13, "经度", "outside"),
        (15, "专长", "unknown"),
    ];
    rows[1][col("名称")] = String::new();
    let (lo, la) = (col("经度"), col("纬度"));
    rows[3].swap(lo, la);
    rows[5][col("所属镇街")] = "解放碑街道".into();
    rows[7][col("人数")] = "很多".into();
    rows[9][col("队伍类型")] = "雇佣兵".into();
    rows[11][lo] = "116.40".into();
    rows[11][la] = "39.90".into();
    rows[13][col("专长")] = "水上救援、潜艇".into();
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    w.write_record(&table.headers[1..]).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let path = fx.files.join("teams-bad.csv");
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    (path, bad, rows.len())
}

#[test]
fn each_kind_of_bad_row_is_refused_with_its_line_and_nothing_is_written() {
    let fx = Fixture::new();
    let (file, bad, _) = teams_with_bad_rows(&fx);
    for target in [fx.demo.clone(), fx.store("empty")] {
        let before = stats(&target);
        let out = import(&target, "teams", &file, &["--json"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        for (line, field, reason) in &bad {
            let said = err
                .lines()
                .any(|l| l.starts_with(&format!("line {line}, {field}:")) && l.contains(reason));
            assert!(said, "line {line} {field} {reason} not reported:\n{err}");
        }
        assert!(err.contains("nothing written"), "{err}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut lines: Vec<u64> = report["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["line"].as_u64().unwrap())
            .collect();
        lines.dedup();
        assert_eq!(lines, bad.iter().map(|b| b.0 as u64).collect::<Vec<_>>());
        assert_eq!(stats(&target), before, "nothing may be written");
    }
}

#[test]
fn skip_invalid_writes_the_valid_rows_and_the_rejects_file() {
    let fx = Fixture::new();
    let (file, bad, total) = teams_with_bad_rows(&fx);
    let target = fx.store("skip");
    let rejects = fx.files.join("rejects.csv");
    ok(&import(
        &target,
        "teams",
        &file,
        &["--skip-invalid", "--rejects", rejects.to_str().unwrap()],
    ));
    assert_eq!(
        stats(&target)["layers"]["teams"]["total"],
        (total - bad.len()) as u64
    );
    let rej = yitu_formats::read(&rejects).unwrap();
    assert!(std::fs::read(&rejects)
        .unwrap()
        .starts_with(b"\xEF\xBB\xBF"));
    let original = yitu_formats::read(&file).unwrap();
    assert_eq!(rej.headers[..original.headers.len()], original.headers[..]);
    assert_eq!(rej.rows.len(), bad.len());
    for (row, (line, field, reason)) in rej.rows.iter().zip(&bad) {
        let n = original.headers.len();
        assert_eq!(row.cells[n], line.to_string());
        assert!(row.cells[n + 1].contains(field) && row.cells[n + 1].contains(reason));
        let source = original.rows.iter().find(|r| r.line == *line).unwrap();
        assert_eq!(row.cells[..n], source.cells[..]);
    }
}

#[test]
fn importing_again_adds_nothing() {
    let fx = Fixture::new();
    let (text, _) = messy_shelters(&fx);
    let no_ids = fx.files.join("shelters-no-ids.csv");
    std::fs::write(&no_ids, text).unwrap();
    let target = fx.store("again");
    for kind in ["depots", "stock"] {
        ok(&import(
            &target,
            kind,
            &fx.export(&fx.demo, kind, "xlsx"),
            &[],
        ));
    }
    ok(&import(&target, "shelters", &no_ids, &[]));
    let first = stats(&target);
    // The same file (matched by name and town), the store's own export (matched by id) and the
    // stock again (counts equal the balances: no ledger entry).
    ok(&import(&target, "shelters", &no_ids, &[]));
    let own = fx.export(&target, "shelters", "xlsx");
    ok(&import(&target, "shelters", &own, &[]));
    ok(&import(
        &target,
        "stock",
        &fx.export(&fx.demo, "stock", "csv"),
        &[],
    ));
    assert_eq!(stats(&target), first);
    assert_eq!(first["layers"]["shelters"]["total"], 165);
}

#[test]
fn a_recount_in_a_stock_file_becomes_a_ledger_entry_and_the_balance() {
    let fx = Fixture::new();
    let file = fx.export(&fx.demo, "stock", "csv");
    let mut table = yitu_formats::read(&file).unwrap();
    let qty = table.headers.iter().position(|h| h == "数量").unwrap();
    let was: i64 = table.rows[0].cells[qty].parse().unwrap();
    table.rows[0].cells[qty] = (was - 7).to_string();
    let rows: Vec<Vec<String>> = table.rows.iter().map(|r| r.cells.clone()).collect();
    let changed = fx.files.join("stock-recount.csv");
    yitu_formats::write_csv(&changed, &table.headers, &rows).unwrap();
    let before = stats(&fx.demo);
    ok(&import(&fx.demo, "stock", &changed, &[]));
    let after = stats(&fx.demo);
    assert_eq!(
        after["ledger_entries"].as_i64().unwrap(),
        before["ledger_entries"].as_i64().unwrap() + 1
    );
    let again = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    assert_eq!(again.rows[0].cells[qty], (was - 7).to_string());
}

/// Many distinct teams made from the demo's rows (new names, no ids).
fn many_teams(fx: &Fixture, n: usize) -> PathBuf {
    let table = yitu_formats::read(&fx.export(&fx.demo, "teams", "csv")).unwrap();
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    w.write_record(&table.headers[1..]).unwrap();
    for i in 0..n {
        let mut cells = table.rows[i % table.rows.len()].cells[1..].to_vec();
        cells[0] = format!("{}-{i}", cells[0]);
        w.write_record(&cells).unwrap();
    }
    let path = fx.files.join(format!("teams-{n}.csv"));
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path
}

#[test]
fn a_kill_in_the_middle_of_an_import_leaves_the_store_as_it_was() {
    let fx = Fixture::new();
    let file = many_teams(&fx, 20_000);
    ok(&yitu(&fx.demo, &["user", "add", WRITER, "--role", "staff"]));
    let before = stats(&fx.demo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_yitu"))
        .arg("--data-dir")
        .arg(&fx.demo)
        .args(["--as", WRITER, "import", "teams", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let progress = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("importing"));
    assert!(progress.is_some(), "no progress line on stderr");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import finished before the kill; use more rows"
    );
    assert_eq!(
        stats(&fx.demo),
        before,
        "a killed import must leave nothing"
    );
    // And the store still takes the import whole afterwards.
    let started = std::time::Instant::now();
    ok(&import(&fx.demo, "teams", &file, &[]));
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "20000-row import: {secs:.2} s, {:.0} rows/s (debug build)",
        20_000.0 / secs
    );
    assert_eq!(
        stats(&fx.demo)["layers"]["teams"]["total"]
            .as_u64()
            .unwrap(),
        before["layers"]["teams"]["total"].as_u64().unwrap() + 20_000
    );
}

#[test]
fn update_changes_a_valid_field_and_refuses_a_bad_one_writing_nothing() {
    let fx = Fixture::new();
    let table = yitu_formats::read(&fx.export(&fx.demo, "shelters", "csv")).unwrap();
    let cap = table.headers.iter().position(|h| h == "容纳人数").unwrap();
    let id = table.rows[0].cells[0].clone();
    let out = yitu_as(
        &fx.demo,
        &["update", "shelters", &id, "--set", "容纳人数=４321"],
    );
    ok(&out);
    let after = yitu_formats::read(&fx.export(&fx.demo, "shelters", "csv")).unwrap();
    assert_eq!(after.rows[0].cells[cap], "4321");
    let before = std::fs::read(fx.export(&fx.demo, "shelters", "csv")).unwrap();
    for (set, reason) in [
        ("capacity=lots", "not a number"),
        ("所属镇街=解放碑街道", "unknown town"),
        ("lat=31.3", "outside"),
        ("volcano=1", "unknown field"),
    ] {
        let out = yitu_as(&fx.demo, &["update", "shelters", &id, "--set", set]);
        assert!(!out.status.success(), "{set}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{set}: {err}");
        let now = std::fs::read(fx.export(&fx.demo, "shelters", "csv")).unwrap();
        assert!(now == before, "{set}: nothing may be written");
    }
    let wrong_kind = yitu_as(&fx.demo, &["update", "teams", &id, "--set", "人数=3"]);
    assert!(!wrong_kind.status.success());
    // The one accepted edit is in the history: who, and the capacity before and after.
    let history = ok(&yitu(&fx.demo, &["history", &id]));
    let entries: Vec<serde_json::Value> = history
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 1, "{history}");
    assert_eq!(entries[0]["action"], "update");
    let was: u64 = table.rows[0].cells[cap].parse().unwrap();
    assert_eq!(
        entries[0]["diff"]["capacity"],
        serde_json::json!([was, 4321])
    );
    // The edit names the user `--as` gave: one identity for every write.
    assert_eq!(entries[0]["actor"], WRITER);
}

#[test]
fn stock_moves_never_take_a_balance_below_zero() {
    let fx = Fixture::new();
    let table = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    let qty = table.headers.iter().position(|h| h == "数量").unwrap();
    let row = &table.rows[0];
    let (depot, code) = (row.cells[0].clone(), row.cells[2].clone());
    let on_hand: i64 = row.cells[qty].parse().unwrap();
    let balance = |out: &std::process::Output| -> serde_json::Value {
        serde_json::from_str(&ok(out)).unwrap()
    };
    let b = balance(&yitu_as(
        &fx.demo,
        &["stock", "receive", &depot, &code, "10", "--json"],
    ));
    assert_eq!(b["on_hand"], on_hand + 10);
    let before = stats(&fx.demo);
    let too_many = (on_hand + 11).to_string();
    let out = yitu_as(&fx.demo, &["stock", "issue", &depot, &code, &too_many]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("available"));
    let out = yitu_as(&fx.demo, &["stock", "release", &depot, &code, "1"]);
    assert!(!out.status.success(), "nothing reserved to release");
    assert_eq!(stats(&fx.demo), before, "refused moves write nothing");
    let b = balance(&yitu_as(
        &fx.demo,
        &["stock", "reserve", &depot, &code, "5", "--json"],
    ));
    assert_eq!(b["reserved"], 5);
    let b = balance(&yitu_as(
        &fx.demo,
        &["stock", "recount", &depot, &code, "8", "--json"],
    ));
    assert_eq!(
        (b["on_hand"].as_i64(), b["reserved"].as_i64()),
        (Some(8), Some(5))
    );
    let again = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    assert_eq!(again.rows[0].cells[qty], "8");
    let out = yitu_as(&fx.demo, &["stock", "issue", &depot, "1990101", "1"]);
    assert!(!out.status.success(), "no such stock line");
}

/// The line of `code` at `depot` in `yitu warnings --json`, if it warns.
fn warning(dir: &Path, depot: &str, code: &str) -> Option<serde_json::Value> {
    let all: serde_json::Value =
        serde_json::from_str(&ok(&yitu(dir, &["warnings", "--json"]))).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .find(|w| w["depot_id"] == depot && w["line"]["code"] == code)
        .cloned()
}

#[test]
fn a_line_below_its_minimum_or_past_its_expiry_warns_until_mended() {
    let fx = Fixture::new();
    let table = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    let col = |h: &str| table.headers.iter().position(|x| x == h).unwrap();
    let (qty, expiry, minimum) = (col("数量"), col("有效期至"), col("最低库存"));
    // A line that does not warn yet: far expiry (or none), no minimum.
    let row = table
        .rows
        .iter()
        .find(|r| r.cells[expiry].is_empty() || r.cells[expiry].as_str() > "2030")
        .unwrap();
    let (depot, code) = (row.cells[0].clone(), row.cells[2].clone());
    let on_hand: i64 = row.cells[qty].parse().unwrap();
    assert!(row.cells[minimum].is_empty());
    assert!(warning(&fx.demo, &depot, &code).is_none());

    // A minimum above the count, set with a movement: below_minimum, short by the difference.
    let above = (on_hand + 11).to_string();
    ok(&yitu_as(
        &fx.demo,
        &["stock", "receive", &depot, &code, "1", "--minimum", &above],
    ));
    let w = warning(&fx.demo, &depot, &code).expect("warns");
    assert_eq!(w["line"]["minimum"], on_hand + 11);
    assert_eq!(w["line"]["warnings"][0]["warning"], "below_minimum");
    assert_eq!(w["line"]["warnings"][0]["short"], 10);

    // A bad date and a negative minimum are refused, nothing written.
    let before = stats(&fx.demo);
    for bad in [
        ["--expiry", "明年"],
        ["--expiry", "2027-13-01"],
        ["--minimum", "-1"],
    ] {
        let out = yitu_as(
            &fx.demo,
            &["stock", "receive", &depot, &code, "1", bad[0], bad[1]],
        );
        assert!(!out.status.success(), "{bad:?}");
    }
    assert_eq!(stats(&fx.demo), before);

    // The stock file carries the terms: an expiry in the past and the minimum cleared to 0 by a
    // file read back; the export shows them, and the line warns only of its expiry.
    let file = fx.files.join("terms.csv");
    let mut cells = row.cells.clone();
    cells[qty] = (on_hand + 1).to_string();
    cells[expiry] = "2020-01-31".into();
    cells[minimum] = "0".into();
    let mut csv = table.headers.join(",") + "\n";
    csv += &cells.join(",");
    std::fs::write(&file, csv).unwrap();
    ok(&import(&fx.demo, "stock", &file, &[]));
    let w = warning(&fx.demo, &depot, &code).expect("warns");
    assert_eq!(w["line"]["expiry"], "2020-01-31");
    assert_eq!(w["line"]["minimum"], 0);
    let kinds: Vec<&str> = w["line"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["warning"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["expired"]);
    let again = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    let line = again
        .rows
        .iter()
        .find(|r| r.cells[0] == depot && r.cells[2] == code)
        .unwrap();
    assert_eq!(
        (line.cells[expiry].as_str(), line.cells[minimum].as_str()),
        ("2020-01-31", "0")
    );

    // A later expiry clears the warning; the plain listing says there is none for this line.
    ok(&yitu_as(
        &fx.demo,
        &[
            "stock",
            "recount",
            &depot,
            &code,
            &(on_hand + 1).to_string(),
            "--expiry",
            "2031-12-31",
        ],
    ));
    assert!(warning(&fx.demo, &depot, &code).is_none());
}

#[test]
fn readiness_follows_the_stock_and_the_per_person_quantities() {
    let fx = Fixture::new();
    let r: serde_json::Value =
        serde_json::from_str(&ok(&yitu(&fx.demo, &["readiness", "--json"]))).unwrap();
    let people = r["district"]["people"].as_u64().unwrap();
    assert!(
        people >= 5_000 && r["district"]["meets_standard"] == true,
        "{r}"
    );
    assert_eq!(r["towns"].as_array().unwrap().len(), 30);
    // Against the export: the district depot's quilts bound the people supported (1 per person).
    let stock = yitu_formats::read(&fx.export(&fx.demo, "stock", "csv")).unwrap();
    let depots = yitu_formats::read(&fx.export(&fx.demo, "depots", "csv")).unwrap();
    let district_id = &depots
        .rows
        .iter()
        .find(|r| r.cells[2] == "区级")
        .unwrap()
        .cells[0];
    let quilts: i64 = stock
        .rows
        .iter()
        .filter(|r| &r.cells[0] == district_id && r.cells[2] == "1010301")
        .map(|r| r.cells[5].parse::<i64>().unwrap())
        .sum();
    assert!(people as i64 <= quilts);
    // Issue all but 100 quilts: the district now supports at most 100 people, below standard.
    let out = yitu_as(
        &fx.demo,
        &[
            "stock",
            "issue",
            district_id,
            "1010301",
            &(quilts - 100).to_string(),
        ],
    );
    ok(&out);
    let r: serde_json::Value =
        serde_json::from_str(&ok(&yitu(&fx.demo, &["readiness", "--json"]))).unwrap();
    assert_eq!(r["district"]["people"], 100);
    assert_eq!(r["district"]["limited_by"], "1010301");
    assert_eq!(r["district"]["meets_standard"], false);
    let r: serde_json::Value = serde_json::from_str(&ok(&yitu(
        &fx.demo,
        &["readiness", "--json", "--per-person", "1010301=0.5"],
    )))
    .unwrap();
    assert!(r["district"]["people"].as_u64().unwrap() <= 200);
}

#[test]
fn a_gbk_point_shapefile_of_hazards_imports_like_the_csv() {
    use shapefile::dbase::{self, FieldValue, Record};
    let fx = Fixture::new();
    let csv = fx.export(&fx.demo, "hazards", "csv");
    let table = yitu_formats::read(&csv).unwrap();
    let col = |h: &str| table.headers.iter().position(|x| x == h).unwrap();
    // Field names as Chinese GIS exports have them (short; dBase allows 10 bytes).
    let builder = dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(
        encoding_rs::GBK,
    ))
    .add_character_field("ID".try_into().unwrap(), 36)
    .add_character_field("名称".try_into().unwrap(), 80)
    .add_character_field("类型".try_into().unwrap(), 20)
    .add_character_field("等级".try_into().unwrap(), 20)
    .add_numeric_field("PEOPLE".try_into().unwrap(), 8, 0)
    .add_numeric_field("HOUSEHOLDS".try_into().unwrap(), 8, 0)
    .add_character_field("监测员".try_into().unwrap(), 20)
    .add_character_field("状态".try_into().unwrap(), 20)
    .add_character_field("镇街".try_into().unwrap(), 30);
    let shp = fx.files.join("隐患点.shp");
    let mut w = shapefile::Writer::from_path(&shp, builder).unwrap();
    for r in &table.rows {
        let c = |h: &str| r.cells[col(h)].clone();
        let mut rec = Record::default();
        for (field, header) in [
            ("ID", "编号"),
            ("名称", "名称"),
            ("类型", "类型"),
            ("等级", "等级"),
            ("监测员", "监测员"),
            ("状态", "状态"),
            ("镇街", "所属镇街"),
        ] {
            rec.insert(field.into(), FieldValue::Character(Some(c(header))));
        }
        rec.insert(
            "PEOPLE".into(),
            FieldValue::Numeric(Some(c("威胁人数").parse().unwrap())),
        );
        rec.insert(
            "HOUSEHOLDS".into(),
            FieldValue::Numeric(Some(c("威胁户数").parse().unwrap())),
        );
        let p = shapefile::Point::new(c("经度").parse().unwrap(), c("纬度").parse().unwrap());
        w.write_shape_and_record(&p, &rec).unwrap();
    }
    drop(w);
    let target = fx.store("shp");
    let report: serde_json::Value =
        serde_json::from_str(&ok(&import(&target, "hazards", &shp, &["--json"]))).unwrap();
    assert_eq!(report["encoding"], "GBK");
    assert_eq!(report["report"]["inserted"], table.rows.len());
    // Every column the shapefile carried comes back as in the original export. (The ids matter:
    // the demo has two 袁桥村滑坡 in one town, which name and town alone cannot tell apart.)
    let back = yitu_formats::read(&fx.export(&target, "hazards", "csv")).unwrap();
    let pick = |rows: &[yitu_formats::Row]| {
        let mut v: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                [
                    "名称",
                    "类型",
                    "等级",
                    "威胁人数",
                    "威胁户数",
                    "监测员",
                    "状态",
                    "所属镇街",
                    "经度",
                    "纬度",
                ]
                .iter()
                .map(|h| r.cells[col(h)].clone())
                .collect()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(pick(&back.rows), pick(&table.rows));
}
