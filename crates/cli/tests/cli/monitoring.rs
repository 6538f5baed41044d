//! Monitoring and warnings at the command line, as a duty officer with no server uses them: a
//! readings file from the water bureau imported (a bad one refused whole, with its lines), the
//! stations' health and the alarm board read, an alarm acknowledged and called; a warning
//! issued for a circle, its 叫应 list checked against an independent count, written as CAP that
//! the official schema accepts, taken in on another desk, and lifted.

use super::{json_of, yitu, yitu_as};
use std::path::Path;

#[allow(clippy::disallowed_methods)] // the test hands the time to the files it writes
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A Beijing clock reading of `ms`, as the bureau's export writes it ("2026-07-12 14:00").
fn beijing(ms: i64) -> String {
    let t = yitu_domain::beijing_time::BeijingTime::from_unix_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(&yitu(dir.path(), &["seed-demo"]));
    dir
}

/// Six 10-minute reports at the demo's 沙鱼镇 gauge (0050117001): 2, 2, 2, 12, 12, 12 mm — the
/// hour holds 42 mm, over its 30 mm 准备转移 limit (橙色) and under 50 mm 立即转移 — and the
/// demo's 嘉陵江合川 gauge (0050117101, 警戒 200.0 m) rising 0.3 m a report from 199.2 m.
fn storm_file(dir: &Path) -> std::path::PathBuf {
    let now = now_ms() / 60_000 * 60_000;
    let mut csv = String::from("测站编码,要素,观测时间,值\n");
    for i in (1..=6).rev() {
        let t = beijing(now - i * 10 * 60_000);
        let rain = if i < 4 { 12 } else { 2 };
        csv.push_str(&format!("0050117001,rain.period.10,{t},{rain}\n"));
        csv.push_str(&format!(
            "0050117101,瞬时河道水位,{t},{:.2}\n",
            199.2 + 0.3 * (6 - i) as f64
        ));
    }
    let path = dir.join("水文局导出.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn a_readings_file_raises_the_alarms_a_duty_officer_acknowledges_and_calls() {
    let dir = seeded();
    let d = dir.path();
    // A file with one bad row is refused whole, naming the line; nothing is kept.
    let bad = d.join("bad.csv");
    std::fs::write(
        &bad,
        "测站编码,要素,观测时间,值\n0050117001,rain.period.10,2026-07-12 14:00,5\n0050117001,rain.period.10,下午两点,5\n",
    )
    .unwrap();
    let out = yitu_as(d, &["monitor", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("观测时间"), "{err}");
    let stations = json_of(&yitu(d, &["monitor", "stations", "--json"]));
    assert!(
        stations
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["health"] == "unknown"),
        "nothing heard yet: every station 未知, none 正常"
    );

    let file = storm_file(d);
    let out = ok(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "import",
            file.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("12 readings read, 12 new"), "{out}");
    let stations = json_of(&yitu(d, &["monitor", "stations", "--json"]));
    let by_code = |code: &str| {
        stations
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["station"]["code"] == code)
            .unwrap()
            .clone()
    };
    let gauge = by_code("0050117001");
    assert_eq!(gauge["health"], "alarm");
    assert_eq!(gauge["level"], "orange");
    assert_eq!(gauge["rain_24h_mm"], 42.0);
    assert_eq!(by_code("0050117101")["level"], "orange", "over 警戒水位");
    assert_eq!(by_code("0050117002")["health"], "unknown");

    let board = json_of(&yitu(d, &["monitor", "alarms", "--json"]));
    let alarms = board["alarms"].as_array().unwrap();
    let rain = alarms
        .iter()
        .find(|a| a["station_code"] == "0050117001")
        .unwrap();
    assert_eq!(rain["alarm"]["episode"]["rule"], "rain_1h");
    assert_eq!(rain["alarm"]["state"], "raised");
    let id = rain["alarm"]["episode"]["id"].as_str().unwrap().to_owned();

    // Importing the same file again adds nothing and raises nothing new.
    let again = ok(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "import",
            file.to_str().unwrap(),
        ],
    ));
    assert!(again.contains(", 0 new"), "{again}");
    let board2 = json_of(&yitu(d, &["monitor", "alarms", "--json"]));
    assert_eq!(board2["alarms"].as_array().unwrap().len(), alarms.len());

    // Acknowledged, then 叫应: the monitor called and answering.
    ok(&yitu(d, &["--as", "测试员", "monitor", "ack", &id]));
    ok(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "call",
            &id,
            "--who",
            "罗渝辉",
            "--phone",
            "13900005022",
            "--role",
            "群测群防员",
            "--answered",
        ],
    ));
    let board = json_of(&yitu(d, &["monitor", "alarms", "--json"]));
    let rain = board["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alarm"]["episode"]["id"] == id.as_str())
        .unwrap();
    assert_eq!(rain["alarm"]["state"], "answered", "{rain}");
    // An incident near the gauge: its printed briefing draws the gauge's last hours (雨水情)
    // with its limits; read back with pdftotext.
    let loc = &gauge["station"]["location"];
    let at = format!(
        "{},{}",
        loc["lon"].as_f64().unwrap() + 0.01,
        loc["lat"].as_f64().unwrap()
    );
    let incident = json_of(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "incident",
            "new",
            "--kind",
            "flood",
            "--level",
            "general",
            "--at",
            &at,
        ],
    ));
    let pdf = d.join("briefing.pdf");
    ok(&yitu(
        d,
        &[
            "incident",
            "pdf",
            incident["id"].as_str().unwrap(),
            "--out",
            pdf.to_str().unwrap(),
        ],
    ));
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils; scripts/setup.sh installs it)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("雨水情监测"), "{text}");
    assert!(text.contains("沙鱼镇雨量站（演示）"), "{text}");
    assert!(text.contains("立即转移（1 小时） 50"), "{text}");
    assert!(
        !text.contains("嘉陵江合川水位站"),
        "a station 60 km away is not drawn: {text}"
    );

    // A mistyped alarm id is refused, nothing kept.
    let out = yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "ack",
            "01a242cc-0000-7000-8000-000000000000",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no alarm"));
}

/// Ray casting, written here: whether `p` is inside the ring (the test's own oracle, not the
/// domain's `geo`).
fn inside(p: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut c = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > p.1) != (yj > p.1) && p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi {
            c = !c;
        }
        j = i;
    }
    c
}

#[test]
fn a_warning_for_a_drawn_area_reaches_the_right_people_and_travels_as_cap() {
    let dir = seeded();
    let d = dir.path();
    let ring = [
        (106.22, 29.95),
        (106.34, 29.95),
        (106.36, 30.04),
        (106.25, 30.06),
    ];
    let polygon: Vec<String> = ring.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let issued = json_of(&yitu_as(
        d,
        &[
            "warning",
            "issue",
            "--json",
            "--level",
            "red",
            "--kind",
            "地质灾害",
            "--polygon",
            &polygon.join(";"),
            "--headline",
            "合川区地质灾害红色预警",
            "--instructions",
            "立即转移受威胁群众",
            "--hours",
            "6",
        ],
    ));
    // The hazards inside, counted here from the exported register by ray casting.
    let hazards = json_of(&yitu(d, &["export", "hazards"]));
    let expected: usize = hazards["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["status"] != "resolved")
        .filter(|f| {
            let c = &f["geometry"]["coordinates"];
            inside((c[0].as_f64().unwrap(), c[1].as_f64().unwrap()), &ring)
        })
        .count();
    let listed = issued["recipients"]["hazards"].as_array().unwrap();
    assert!(expected > 3, "the area should cover several hazards");
    assert_eq!(listed.len(), expected);
    assert!(listed
        .iter()
        .all(|h| !h["monitor_phone"].as_str().unwrap().is_empty()));
    assert_eq!(issued["in_force"], true);

    // Its CAP passes the official schema and reads back on another desk as the same warning.
    let id = issued["warning"]["id"].as_str().unwrap();
    let xml = d.join("warning.xml");
    ok(&yitu(
        d,
        &["warning", "cap", id, "--out", xml.to_str().unwrap()],
    ));
    let xsd = dirs_tools().join("cap/CAP-v1.2.xsd");
    assert!(
        xsd.exists(),
        "{} missing: run scripts/setup.sh",
        xsd.display()
    );
    let lint = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&xml)
        .output()
        .expect("xmllint (libxml2-utils) is installed by scripts/setup.sh");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let other = seeded();
    let taken = json_of(&yitu_as(
        other.path(),
        &["warning", "import-cap", "--json", xml.to_str().unwrap()],
    ));
    for field in [
        "level",
        "kind",
        "headline",
        "instructions",
        "onset_ms",
        "expires_ms",
    ] {
        assert_eq!(taken["warning"][field], issued["warning"][field], "{field}");
    }
    assert_eq!(
        taken["recipients"]["hazards"].as_array().unwrap().len(),
        expected
    );
    // Taken in twice, it is still one warning.
    ok(&yitu(
        other.path(),
        &[
            "--as",
            "测试员",
            "warning",
            "import-cap",
            xml.to_str().unwrap(),
        ],
    ));
    let list = json_of(&yitu(other.path(), &["warning", "list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Lifted: no longer in force, and its Cancel names the original.
    let lifted = json_of(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "warning",
            "lift",
            id,
            "--reason",
            "险情解除",
            "--json",
        ],
    ));
    assert_eq!(lifted["warning"]["status"], "lifted");
    let list = json_of(&yitu(d, &["warning", "list", "--json"]));
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["in_force"] == false));
    let cancel = ok(&yitu(
        d,
        &["warning", "cap", lifted["warning"]["id"].as_str().unwrap()],
    ));
    assert!(cancel.contains("<msgType>Cancel</msgType>") && cancel.contains("<references>"));
    // A broken file is refused with a reason.
    let bad = d.join("bad.xml");
    std::fs::write(&bad, "<alert>").unwrap();
    let out = yitu(
        d,
        &[
            "--as",
            "测试员",
            "warning",
            "import-cap",
            bad.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
}

fn dirs_tools() -> std::path::PathBuf {
    std::env::var_os("YITU_TOOLS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/yitu-tools")
        })
}

#[test]
fn a_department_register_file_adds_its_stations_and_their_readings_alarm_against_its_levels() {
    let dir = seeded();
    let d = dir.path();
    let register = d.join("水位站登记表.csv");
    std::fs::write(
        &register,
        "测站编码,测站名称,测站类型,主管部门,经度,纬度,所属镇街,报送间隔,警戒水位,保证水位,河段\n\
         0050117201,草街水位站,水位站,区水利局,106.35,30.12,草街街道,5,201.5,205,嘉陵江\n",
    )
    .unwrap();
    let out = ok(&yitu_as(
        d,
        &["monitor", "register", register.to_str().unwrap()],
    ));
    assert!(out.contains("1 stations registered"), "{out}");
    // Registered twice, it is the same station, not a second one.
    ok(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "register",
            register.to_str().unwrap(),
        ],
    ));
    let stations = json_of(&yitu(d, &["monitor", "stations", "--json"]));
    let mine: Vec<_> = stations
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["station"]["code"] == "0050117201")
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        mine[0]["station"]["thresholds"]["water"]["warning_m"],
        201.5
    );
    // Two reports over its own 警戒水位 (201.5 m) but under 保证 raise its 橙色 alarm.
    let now = now_ms() / 60_000 * 60_000;
    let readings = d.join("r.csv");
    std::fs::write(
        &readings,
        format!(
            "测站编码,要素,观测时间,值\n0050117201,level.river,{},201.6\n0050117201,level.river,{},201.7\n",
            beijing(now - 10 * 60_000),
            beijing(now - 5 * 60_000)
        ),
    )
    .unwrap();
    ok(&yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "import",
            readings.to_str().unwrap(),
        ],
    ));
    let board = json_of(&yitu(d, &["monitor", "alarms", "--json"]));
    let levels: Vec<_> = board["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["station_code"] == "0050117201" && a["alarm"]["episode"]["rule"] == "level")
        .collect();
    assert_eq!(levels.len(), 1, "{board}");
    assert_eq!(levels[0]["alarm"]["episode"]["peak"], "orange");
    // A register row far from the district (longitude and latitude swapped) is refused.
    std::fs::write(
        &register,
        "测站编码,测站名称,测站类型,主管部门,经度,纬度,所属镇街\n0050117209,错站,雨量站,区水利局,30.1,106.3,太和镇\n",
    )
    .unwrap();
    let out = yitu(
        d,
        &[
            "--as",
            "测试员",
            "monitor",
            "register",
            register.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}
