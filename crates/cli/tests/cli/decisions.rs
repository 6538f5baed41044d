//! On-scene decisions as their users drive them: local users in their roles, an incident, a
//! decision drafted, reviewed, approved, issued, acknowledged, withdrawn or superseded; the stock
//! ledger and shelter places that follow; `verify` after bytes of the database file are flipped;
//! the printed 指令单 read back with pdftotext.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The demo's regional depot of the city in the district (重庆市应急物资储备库合川区域库) and one
/// of its stock lines (reproducible: the demo's seed is fixed).
const DEPOT: &str = "019b76da-a867-7425-9682-6f36aa29550d";
const TENTS: &str = "1010101";
const SHELTER: &str = "019b76da-abba-760f-a8e4-8b8481d0dd5f";

struct Scene {
    dir: tempfile::TempDir,
    incident: String,
}

fn run(dir: &Path, user: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yitu"));
    c.arg("--data-dir").arg(dir);
    if let Some(u) = user {
        c.args(["--as", u]);
    }
    c.args(args).output().unwrap()
}

fn ok(out: Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refused(out: Output) -> String {
    assert!(
        !out.status.success(),
        "expected a refusal, got {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

impl Scene {
    /// The demo data, four users, a forest fire near 钱塘.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        assert!(run(dir.path(), None, &["seed-demo"]).status.success());
        for (name, role) in [
            ("张指挥", "commander"),
            ("李技术", "technical_officer"),
            ("王参谋", "staff"),
            ("赵观察", "observer"),
        ] {
            ok(run(
                dir.path(),
                None,
                &["user", "add", name, "--role", role],
            ));
        }
        let incident = ok(run(
            dir.path(),
            Some("王参谋"),
            &[
                "incident",
                "new",
                "--kind",
                "森林火灾",
                "--level",
                "较大",
                "--at",
                "106.30,30.10",
                "--title",
                "钱塘镇龙凤村山火",
                "--affected",
                "120",
            ],
        ));
        Self {
            incident: incident["id"].as_str().unwrap().to_owned(),
            dir,
        }
    }

    fn yitu(&self, user: &str, args: &[&str]) -> Output {
        run(self.dir.path(), Some(user), args)
    }

    /// A draft with two orders, `tents` tents from the regional depot and `people` moved to a
    /// shelter; its id.
    fn draft(&self, marker: &str, tents: i64, people: u32, supersedes: Option<&str>) -> String {
        let content = serde_json::json!({
            "situation": format!("龙凤村后山山火，火线约800米。{marker}"),
            "objectives": ["控制火势", "保护龙凤村"],
            "orders": [
                {"recipient": {"name": "区森林消防队"}, "action": format!("正面扑打并开设隔离带{marker}"),
                 "place": "龙凤村后山", "deadline": "2小时内"},
                {"recipient": {"name": "钱塘镇人民政府"}, "action": "疏散龙凤村5组群众", "deadline": "1小时内"}
            ],
            "materials": [{"depot_id": DEPOT, "code": TENTS, "quantity": tents}],
            "relocations": [{"shelter_id": SHELTER, "people": people, "from": "龙凤村5组"}],
            "safety": ["不在火线下方扑火"],
            "basis": {"plan_clauses": ["《合川区应急管理“十四五”规划》三（二）11「森林火灾防治」"]},
            "drawings": [{"kind": "cordon", "label": "一号警戒线", "geometry": {"type": "Polygon",
                "coordinates": [[[106.29, 30.09], [106.31, 30.09], [106.31, 30.11], [106.29, 30.11], [106.29, 30.09]]]}}],
            "supersedes": supersedes,
        });
        let file = self.dir.path().join(format!("draft-{marker}.json"));
        std::fs::write(&file, content.to_string()).unwrap();
        let d = ok(self.yitu(
            "王参谋",
            &[
                "decision",
                "draft",
                "--incident",
                &self.incident,
                "--file",
                file.to_str().unwrap(),
            ],
        ));
        d["id"].as_str().unwrap().to_owned()
    }

    /// Review (agree), approve, issue.
    fn carry_to_issue(&self, id: &str) -> serde_json::Value {
        ok(self.yitu(
            "李技术",
            &[
                "decision",
                "review",
                id,
                "--agree",
                "--advice",
                "隔离带宜开在山脊",
            ],
        ));
        ok(self.yitu("张指挥", &["decision", "approve", id]));
        ok(self.yitu("张指挥", &["decision", "issue", id]))
    }

    fn show(&self, id: &str) -> serde_json::Value {
        ok(self.yitu("赵观察", &["decision", "show", id]))
    }

    /// Tents the regional depot can still promise, as `yitu nearest depots` reports them.
    fn tents_available(&self) -> i64 {
        let near = ok(run(
            self.dir.path(),
            None,
            &[
                "nearest",
                "depots",
                "--at",
                "106.30,30.10",
                "--code",
                TENTS,
                "-k",
                "500",
            ],
        ));
        let depot = near["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == DEPOT)
            .expect("the regional depot holds tents");
        depot["holdings"][0]["available"].as_i64().unwrap()
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("yitu.sqlite")
    }
}

#[test]
fn each_role_may_only_make_its_own_transitions_and_a_refusal_writes_nothing() {
    let s = Scene::new();
    // An observer may read but not draft or record anything.
    let err = refused(s.yitu("赵观察", &["incident", "log", &s.incident, "--text", "x"]));
    assert!(err.contains("观察员只能查看"), "{err}");
    let id = s.draft("R1", 10, 20, None);
    let before = s.show(&id);
    let tents = s.tents_available();
    let cases: &[(&str, &[&str], &str)] = &[
        ("张指挥", &["approve"], "须先经技术指挥官审核同意"),
        (
            "王参谋",
            &["review", "--agree", "--advice", "同意"],
            "值班员/参谋无权审核同意",
        ),
        (
            "赵观察",
            &["review", "--object", "--advice", "反对"],
            "观察员无权审核提出异议",
        ),
        ("王参谋", &["issue"], "值班员/参谋无权下达"),
        ("张指挥", &["issue"], "须先经指挥长批准"),
        (
            "李技术",
            &["withdraw", "--reason", "x"],
            "技术指挥官无权撤销",
        ),
        (
            "张指挥",
            &["ack", "--recipient", "区森林消防队"],
            "不能登记签收",
        ),
    ];
    for (user, action, reason) in cases {
        let mut args = vec!["decision", action[0], &id];
        args.extend_from_slice(&action[1..]);
        let err = refused(s.yitu(user, &args));
        assert!(err.contains(reason), "{user} {action:?}: {err}");
    }
    assert_eq!(s.show(&id), before, "a refusal changed the decision");

    // An objection sends it back to draft with the advice kept; an agreement moves it on.
    let d = ok(s.yitu(
        "李技术",
        &[
            "decision",
            "review",
            &id,
            "--object",
            "--advice",
            "隔离带位置不当",
        ],
    ));
    assert_eq!(d["state"], "draft");
    assert_eq!(d["reviews"][0]["agree"], false);
    let d = s.carry_to_issue(&id);
    assert_eq!(d["state"], "issued");
    assert_eq!(s.tents_available(), tents - 10);
    // Issued: staff cannot withdraw, nobody can edit or approve again.
    let err = refused(s.yitu("王参谋", &["decision", "withdraw", &id, "--reason", "x"]));
    assert!(err.contains("只有指挥长可撤销"), "{err}");
    refused(s.yitu("张指挥", &["decision", "approve", &id]));
    // An acknowledgement only from a recipient, once.
    let err = refused(s.yitu(
        "王参谋",
        &["decision", "ack", &id, "--recipient", "不相干单位"],
    ));
    assert!(err.contains("不是本决策的接收单位"), "{err}");
    ok(s.yitu(
        "王参谋",
        &["decision", "ack", &id, "--recipient", "区森林消防队"],
    ));
    let err = refused(s.yitu(
        "王参谋",
        &["decision", "ack", &id, "--recipient", "区森林消防队"],
    ));
    assert!(err.contains("已签收"), "{err}");
    let view = s.show(&id);
    assert_eq!(view["awaiting"], serde_json::json!(["钱塘镇人民政府"]));
    let actions: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "draft",
            "review_object",
            "review_agree",
            "approve",
            "issue",
            "acknowledge"
        ]
    );
    // Someone who is not a user of this device is nobody.
    let err = refused(s.yitu("陌生人", &["decision", "approve", &id]));
    assert!(err.contains("no local user"), "{err}");
}

#[test]
fn issuing_reserves_stock_and_shelter_places_and_withdrawing_gives_them_back() {
    let s = Scene::new();
    let start = s.tents_available();
    assert!(start > 150, "the demo's regional depot holds {start} tents");

    // More than the depot can promise: issue refused, nothing reserved, still approved.
    let greedy = s.draft("G", start + 1, 10, None);
    ok(s.yitu(
        "李技术",
        &["decision", "review", &greedy, "--agree", "--advice", "可行"],
    ));
    ok(s.yitu("张指挥", &["decision", "approve", &greedy]));
    let err = refused(s.yitu("张指挥", &["decision", "issue", &greedy]));
    assert!(
        err.contains("可预留仅") && err.contains(&start.to_string()),
        "{err}"
    );
    assert_eq!(s.show(&greedy)["decision"]["state"], "approved");
    assert_eq!(s.tents_available(), start);

    // Issued: 120 tents reserved with the decision's number in the ledger.
    let first = s.draft("A", 120, 300, None);
    let issued = s.carry_to_issue(&first);
    let number = issued["number"].as_str().unwrap().to_owned();
    assert_eq!(s.tents_available(), start - 120);
    let history = String::from_utf8(run(s.dir.path(), None, &["history", DEPOT]).stdout).unwrap();
    assert!(history.contains(&format!("{number} 预留")), "{history}");

    // Shelter places: the shelter's free places less 300 are all a second decision may promise.
    let free = {
        let near = ok(run(
            s.dir.path(),
            None,
            &["nearest", "shelters", "--at", "106.30,30.10", "-k", "500"],
        ));
        let sh = near["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == SHELTER)
            .cloned()
            .unwrap();
        sh["free_capacity"].as_i64().expect("free places listed")
    };
    let crowd = s.draft("C", 1, (free - 300 + 1) as u32, None);
    ok(s.yitu(
        "李技术",
        &["decision", "review", &crowd, "--agree", "--advice", "可行"],
    ));
    ok(s.yitu("张指挥", &["decision", "approve", &crowd]));
    let err = refused(s.yitu("张指挥", &["decision", "issue", &crowd]));
    assert!(
        err.contains(&format!("尚可安置 {} 人", free - 300)),
        "{err}"
    );

    // A later decision supersedes the first and draws more than is free while the first holds
    // its 120: the first's are released before the second's are reserved.
    let more = start - 60;
    assert!(more > start - 120);
    let second = s.draft("B", more, 100, Some(&first));
    s.carry_to_issue(&second);
    assert_eq!(s.show(&first)["decision"]["state"], "superseded");
    assert_eq!(s.tents_available(), start - more);

    // Withdrawn: everything back, and the history says why.
    ok(s.yitu(
        "张指挥",
        &["decision", "withdraw", &second, "--reason", "火势已控制"],
    ));
    assert_eq!(s.tents_available(), start);
    let view = s.show(&second);
    assert_eq!(view["decision"]["state"], "withdrawn");
    assert_eq!(
        view["history"].as_array().unwrap().last().unwrap()["note"],
        "火势已控制"
    );
    // The crowd decision now fits, since the superseded and withdrawn ones gave their places back.
    assert_eq!(
        ok(s.yitu("张指挥", &["decision", "issue", &crowd]))["state"],
        "issued"
    );
    // Completed: the reservation becomes an issue from the depot (available stays as it was).
    let available = s.tents_available();
    assert_eq!(
        ok(s.yitu("张指挥", &["decision", "complete", &crowd]))["state"],
        "completed"
    );
    assert_eq!(s.tents_available(), available);
    let history = String::from_utf8(run(s.dir.path(), None, &["history", DEPOT]).stdout).unwrap();
    assert!(history.contains("办结出库"), "{history}");
    ok(s.yitu("张指挥", &["verify"]));
}

/// Where `needle` occurs in `haystack`.
fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn verify_names_the_link_whose_byte_was_flipped_in_the_database_file() {
    let s = Scene::new();
    let a = s.draft("MARKA7731", 5, 5, None);
    s.carry_to_issue(&a); // event 1
    let b = s.draft("MARKB4417", 6, 6, None);
    s.carry_to_issue(&b); // event 2
    ok(s.yitu(
        "王参谋",
        &["decision", "ack", &b, "--recipient", "区森林消防队"],
    )); // event 3
    let report = ok(run(s.dir.path(), None, &["verify"]));
    assert_eq!(report["ok"], true);
    assert_eq!(report["events"], 3);
    assert!(
        !s.dir.path().join("yitu.sqlite-wal").exists()
            || std::fs::metadata(s.dir.path().join("yitu.sqlite-wal"))
                .unwrap()
                .len()
                == 0
    );

    // The device key is beside the database, readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.dir.path().join("device.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let original = std::fs::read(s.db()).unwrap();
    let shown = |dir: &Path| -> Vec<Vec<u8>> {
        [&a, &b]
            .iter()
            .map(|id| run(dir, None, &["decision", "show", id]).stdout)
            .collect()
    };
    let as_stored = shown(s.dir.path());
    // Each marker is in the stored decision and in its signed issue event (and maybe in pages
    // SQLite has freed, which hold nothing live). Flip one byte of each copy in turn.
    for (marker, decision, seq) in [("MARKA7731", &a, 1), ("MARKB4417", &b, 2)] {
        let mut live = 0;
        for at in find_all(&original, marker.as_bytes()) {
            let copy = tempfile::tempdir().unwrap();
            let mut bytes = original.clone();
            bytes[at + 4] ^= 0x01; // 'A' → '@', 'B' → 'C'
            std::fs::write(copy.path().join("yitu.sqlite"), &bytes).unwrap();
            let out = run(copy.path(), None, &["verify"]);
            if shown(copy.path()) == as_stored {
                // A freed copy (nothing a user reads changed, and nothing is reported), or the
                // act's own copy of its signed event, which the fold reads: that one is named as
                // the act that no longer matches the chain.
                if !out.status.success() {
                    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                    let reason = report["first_broken"]["reason"].as_str().unwrap_or("");
                    assert!(
                        reason.contains("the act that carried it"),
                        "{marker} at {at}: dead byte reported: {reason}"
                    );
                }
                continue;
            }
            live += 1;
            assert!(!out.status.success(), "{marker} at {at}: verify passed");
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let first = &report["first_broken"];
            assert_eq!(first["seq"], seq, "{marker} at {at}: {first}");
            assert_eq!(first["decision_id"], decision.as_str(), "{marker} at {at}");
            assert_eq!(first["incident_id"], s.incident.as_str());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(&format!("event {seq}")), "{err}");
        }
        assert!(
            live >= 2,
            "{marker}: {live} live copies (the decision and its issue event)"
        );
    }

    // The state column too: an issued decision set back to approved is found.
    let copy = tempfile::tempdir().unwrap();
    let mut bytes = original.clone();
    let issued = find_all(&bytes, b"issued");
    assert!(!issued.is_empty());
    for at in issued {
        bytes[at..at + 6].copy_from_slice(b"issuex");
    }
    std::fs::write(copy.path().join("yitu.sqlite"), &bytes).unwrap();
    let out = run(copy.path(), None, &["verify"]);
    assert!(!out.status.success());
}

#[test]
fn the_printed_order_sheet_carries_the_orders_and_is_text_not_pictures() {
    let s = Scene::new();
    let id = s.draft("P", 120, 300, None);
    let d = s.carry_to_issue(&id);
    ok(s.yitu(
        "王参谋",
        &["decision", "ack", &id, "--recipient", "区森林消防队"],
    ));
    let pdf = s.dir.path().join("指令单.pdf");
    ok(s.yitu(
        "赵观察",
        &["decision", "pdf", &id, "--out", pdf.to_str().unwrap()],
    ));
    let out = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils; scripts/setup.sh installs it)");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let hash = s.show(&id)["events"][0]["hash"]
        .as_str()
        .unwrap()
        .to_owned();
    for expected in [
        "现场指挥决策指令单",
        d["number"].as_str().unwrap(),
        "钱塘镇龙凤村山火",
        "区森林消防队：正面扑打并开设隔离带P；地点：龙凤村后山；时限：2小时内",
        "钱塘镇人民政府：疏散龙凤村5组群众",
        "救灾帐篷（1010101）120 顶",
        "转移 300 人",
        "批准：张指挥",
        "同意：隔离带宜开在山脊",
        "区森林消防队：已签收",
        "钱塘镇人民政府：未签收",
        &hash,
        "态势示意图",
        "一号警戒线",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 1_000_000, "{size} bytes: the font should be subset");

    // The incident briefing (ICS-201 style) lists the issued decision's orders with who signed.
    ok(s.yitu(
        "王参谋",
        &["incident", "log", &s.incident, "--text", "火线向东北蔓延"],
    ));
    let brief = s.dir.path().join("简报.pdf");
    ok(s.yitu(
        "赵观察",
        &[
            "incident",
            "pdf",
            &s.incident,
            "--out",
            brief.to_str().unwrap(),
        ],
    ));
    let out = Command::new("pdftotext")
        .args([brief.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "事件态势简报",
        "类别：自然灾害·森林火灾",
        "受影响 120 人",
        "区森林消防队：正面扑打并开设隔离带P（已签收）",
        "钱塘镇人民政府：疏散龙凤村5组群众（未签收）",
        "王参谋：火线向东北蔓延",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}

#[test]
fn a_template_prefills_a_draft_citing_the_plan_and_the_log_keeps_the_toll() {
    let s = Scene::new();
    let d = ok(s.yitu(
        "王参谋",
        &["decision", "draft", "--incident", &s.incident, "--template"],
    ));
    assert_eq!(d["state"], "draft");
    let orders = d["content"]["orders"].as_array().unwrap();
    // The forest fire template's three typical orders (yitu_domain::command::template).
    assert_eq!(orders.len(), 3);
    assert!(orders
        .iter()
        .any(|o| o["recipient"]["name"] == "森林消防队"));
    let clauses = d["content"]["basis"]["plan_clauses"].to_string();
    assert!(clauses.contains("三（二）11「森林火灾防治」"), "{clauses}");

    ok(s.yitu(
        "王参谋",
        &[
            "incident",
            "log",
            &s.incident,
            "--text",
            "火线向东北蔓延",
            "--injured",
            "2",
        ],
    ));
    let shown = ok(s.yitu("赵观察", &["incident", "show", &s.incident]));
    assert_eq!(shown["incident"]["toll"]["injured"], 2);
    assert_eq!(shown["incident"]["toll"]["affected"], 120);
    assert_eq!(shown["category"], "natural");
    assert_eq!(shown["log"][0]["author"], "王参谋");
    assert_eq!(shown["decisions"][0]["state"], "draft");
}

#[test]
fn a_draft_can_be_edited_until_the_technical_officer_agrees() {
    let s = Scene::new();
    let id = s.draft("E", 10, 10, None);
    let mut content = s.show(&id)["decision"]["content"].clone();
    content["materials"][0]["quantity"] = 20.into();
    content["orders"][1]["deadline"] = "30分钟内".into();
    let file = s.dir.path().join("edited.json");
    std::fs::write(&file, content.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let err = refused(s.yitu("赵观察", &["decision", "edit", &id, "--file", file]));
    assert!(err.contains("观察员无权修改草稿"), "{err}");
    let d = ok(s.yitu("王参谋", &["decision", "edit", &id, "--file", file]));
    assert_eq!(d["content"]["materials"][0]["quantity"], 20);
    assert_eq!(d["content"]["orders"][1]["deadline"], "30分钟内");
    ok(s.yitu(
        "李技术",
        &["decision", "review", &id, "--agree", "--advice", "可行"],
    ));
    let err = refused(s.yitu("王参谋", &["decision", "edit", &id, "--file", file]));
    assert!(err.contains("已审核的决策不能修改"), "{err}");
}

/// Roles are parsed through the one list: a drill controller is added by code or by label, a
/// name that is no role is refused with the roles listed, and the drill controller records the
/// incident's log but drafts no decision.
#[test]
fn a_drill_controller_is_a_local_user_who_runs_incidents_not_decisions() {
    let s = Scene::new();
    let added = ok(run(
        s.dir.path(),
        None,
        &["user", "add", "钱导调", "--role", "演练导调员"],
    ));
    assert_eq!(
        added,
        serde_json::json!({"name": "钱导调", "role": "drill_controller"})
    );
    let err = refused(run(
        s.dir.path(),
        None,
        &["user", "add", "某人", "--role", "admin"],
    ));
    assert!(
        err.contains("invalid value 'admin' for '--role <ROLE>'")
            && err.contains(
                "[possible values: commander, technical_officer, staff, observer, drill_controller]"
            ),
        "{err}"
    );
    ok(s.yitu(
        "钱导调",
        &[
            "incident",
            "log",
            &s.incident,
            "--text",
            "演练：二号点位发现被困人员",
        ],
    ));
    let err = refused(s.yitu(
        "钱导调",
        &["decision", "draft", "--incident", &s.incident, "--template"],
    ));
    assert!(err.contains("演练导调员无权起草决策"), "{err}");
}

/// Two commanders issue, at once, decisions that each take more than half of the tents the
/// regional depot can promise: one is issued, the other refused for the stock, never both, and
/// the balance is what one reservation leaves. Three rounds, each started behind one barrier
/// (see [`race`]), so both commanders' processes are in their writes at the same time. (An
/// issue's first write is the device's row, made before the decision's transaction, so that
/// is where they wait; the keepers' race below waits at the transaction's lock itself.)
#[test]
fn two_commanders_issuing_at_once_cannot_both_take_the_last_tents() {
    let s = Scene::new();
    for round in ["X", "Y", "Z"] {
        let start = s.tents_available();
        let half = start / 2 + 1;
        let ids: Vec<String> = ["1", "2"]
            .iter()
            .map(|m| {
                let id = s.draft(&format!("{round}{m}"), half, 1, None);
                ok(s.yitu(
                    "李技术",
                    &["decision", "review", &id, "--agree", "--advice", "可行"],
                ));
                ok(s.yitu("张指挥", &["decision", "approve", &id]));
                id
            })
            .collect();
        let outcomes = race(
            s.dir.path(),
            &ids.iter()
                .map(|id| vec!["--as", "张指挥", "decision", "issue", id.as_str()])
                .collect::<Vec<_>>(),
        );
        let won = outcomes.iter().filter(|o| o.status.success()).count();
        assert_eq!(won, 1, "round {round}: {outcomes:?}");
        let loser = outcomes.iter().find(|o| !o.status.success()).unwrap();
        let err = String::from_utf8_lossy(&loser.stderr);
        let left = start - half;
        assert!(
            err.contains(&format!(
                "重庆市应急物资储备库合川区域库的救灾帐篷（{TENTS}）可预留仅 {left} 顶，不能预留 {half}"
            )),
            "round {round}: lost for another reason: {err}"
        );
        assert_eq!(s.tents_available(), left, "round {round}");
        assert!(left >= 0);
    }
    ok(run(s.dir.path(), None, &["verify"]));
}

/// Two keepers issue, at once, more than half of the tents the regional depot has: one
/// movement is made, the other refused with what was left. The barrier here stands exactly
/// where the store takes its write lock (a movement's first write), so both processes are
/// inside their movements together and only the lock keeps them apart. Three rounds.
#[test]
fn two_keepers_issuing_the_last_tents_at_once_cannot_both_take_them() {
    let s = Scene::new();
    for round in 1..=3 {
        let start = s.tents_available();
        let half = start / 2 + 1;
        let quantity = half.to_string();
        let args = vec![
            "--as",
            "王参谋",
            "stock",
            "issue",
            DEPOT,
            TENTS,
            &quantity,
            "--json",
        ];
        let outcomes = race(s.dir.path(), &[args.clone(), args]);
        let won: Vec<&Output> = outcomes.iter().filter(|o| o.status.success()).collect();
        assert_eq!(won.len(), 1, "round {round}: {outcomes:?}");
        let left = start - half;
        let balance: serde_json::Value = serde_json::from_slice(&won[0].stdout).unwrap();
        assert_eq!(
            balance["on_hand"].as_i64().unwrap() - balance["reserved"].as_i64().unwrap(),
            left,
            "round {round}: {balance}"
        );
        let loser = outcomes.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&loser.stderr),
            format!("yitu: cannot issue {half}: only {left} available (on hand less reserved)\n"),
            "round {round}"
        );
        assert_eq!(s.tents_available(), left, "round {round}");
        assert!(left >= 0);
    }
}

/// Runs `yitu` once per argument list, all at once, behind one barrier: the test holds the
/// store's write lock while the processes start, waits until every one of them is waiting for
/// that lock (each has begun a write none can make yet), then releases it for all of them at
/// once. A process that finishes while the lock is held did not wait for it, and fails the
/// test.
fn race(dir: &Path, racers: &[Vec<&str>]) -> Vec<Output> {
    let lock = WriteLock::take(&dir.join("yitu.sqlite"));
    let mut children: Vec<std::process::Child> = racers
        .iter()
        .map(|args| {
            Command::new(env!("CARGO_BIN_EXE_yitu"))
                .arg("--data-dir")
                .arg(dir)
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let since = std::time::Instant::now();
    loop {
        for c in &mut children {
            if let Some(status) = c.try_wait().unwrap() {
                panic!("a racer ended ({status}) while the test held the write lock");
            }
        }
        if children.iter().all(|c| waiting_for_a_lock(c.id())) {
            break;
        }
        assert!(
            since.elapsed() < std::time::Duration::from_secs(8),
            "the racers did not all come to wait for the write lock (SQLite gives up after 10 s)"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    lock.release();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

/// Whether a process waits out SQLite's busy handler: one of its threads sleeps in nanosleep
/// (Linux's `/proc`). Nothing else in `yitu` sleeps so: its async runtime and sqlx's worker
/// wait on epoll and futexes, and SQLite sleeps only between tries for a lock.
fn waiting_for_a_lock(pid: u32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|t| {
        std::fs::read_to_string(t.path().join("wchan")).is_ok_and(|w| w.contains("nanosleep"))
    })
}

/// SQLite's write lock on a database, taken by a connection of the test's own (`BEGIN
/// IMMEDIATE`): every other writer waits until it is released.
struct WriteLock {
    runtime: tokio::runtime::Runtime,
    conn: sqlx::SqliteConnection,
}

impl WriteLock {
    fn take(db: &Path) -> Self {
        use sqlx::Connection;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let conn = runtime.block_on(async {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
            let mut c = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut c)
                .await
                .unwrap();
            c
        });
        Self { runtime, conn }
    }

    fn release(self) {
        use sqlx::Connection;
        let Self { runtime, mut conn } = self;
        runtime.block_on(async {
            sqlx::query("COMMIT").execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        });
    }
}

/// 待办 from the command line: a draft waits on the technical officer, then the commander; once
/// issued, its receipts wait on the duty desk; nothing waits on an observer.
#[test]
fn the_inbox_lists_what_waits_on_each_role() {
    let s = Scene::new();
    let id = s.draft("INBOX", 5, 5, None);
    let waiting = |user: &str| -> Vec<(String, String)> {
        ok(s.yitu(user, &["inbox"]))
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["decision"].as_str().unwrap().to_owned(),
                    i["waiting"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(waiting("李技术"), [(id.clone(), "review".to_owned())]);
    assert_eq!(waiting("张指挥"), []);
    let issued = s.carry_to_issue(&id);
    assert_eq!(issued["state"], "issued");
    assert_eq!(waiting("王参谋"), [(id.clone(), "acknowledge".to_owned())]);
    assert_eq!(waiting("张指挥"), []);
    assert_eq!(waiting("赵观察"), []);
    let refused = run(s.dir.path(), None, &["inbox"]);
    assert!(!refused.status.success(), "an inbox needs --as");
}

/// Command practice as the district works: 签发 in one act, numbered one after another on this
/// desk; 技术类 orders signed by the technical officer only; a technical objection overruled by
/// the commander with a reason, the objection staying; 紧急处置 (and a 紧急撤离 order) signed at
/// once and reviewed afterwards, 待事后审核 in the technical officer's 待办 meanwhile.
#[test]
fn signing_overruling_and_urgent_action_as_the_plan_has_them() {
    let s = Scene::new();
    let review = |id: &str, agree: bool, advice: &str| {
        let verdict = if agree { "--agree" } else { "--object" };
        ok(s.yitu(
            "李技术",
            &["decision", "review", id, verdict, "--advice", advice],
        ))
    };

    // 签发: approval and issue in one act, one signature line; two orders, two numbers.
    let first = s.draft("甲", 2, 10, None);
    review(&first, true, "同意");
    let signed = ok(s.yitu("张指挥", &["decision", "sign", &first]));
    assert_eq!(signed["state"], "issued");
    assert_eq!(
        signed["approved"], signed["issued"],
        "one act, one signature"
    );
    let second = s.draft("乙", 1, 5, None);
    review(&second, true, "同意");
    let other = ok(s.yitu("张指挥", &["decision", "sign", &second]));
    let (n1, n2) = (
        signed["number"].as_str().unwrap(),
        other["number"].as_str().unwrap(),
    );
    assert!(n1.ends_with("-1号") && n2.ends_with("-2号"), "{n1} {n2}");

    // 技术类: the technical officer signs, the commander may not.
    let file = s.dir.path().join("technical.json");
    let mut content = s.show(&first)["decision"]["content"].clone();
    content["class"] = "technical".into();
    content["materials"] = serde_json::json!([]);
    content["relocations"] = serde_json::json!([]);
    std::fs::write(&file, content.to_string()).unwrap();
    let technical = ok(s.yitu(
        "王参谋",
        &[
            "decision",
            "draft",
            "--incident",
            &s.incident,
            "--file",
            file.to_str().unwrap(),
        ],
    ))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    review(&technical, true, "同意");
    let err = refused(s.yitu("张指挥", &["decision", "sign", &technical]));
    assert!(err.contains("技术类指令由技术指挥官签发"), "{err}");
    ok(s.yitu("李技术", &["decision", "sign", &technical]));

    // Overrule: only over an objection, only with a reason; the objection stays.
    let third = s.draft("丙", 1, 5, None);
    let err = refused(s.yitu("张指挥", &["decision", "overrule", &third, "--reason", "x"]));
    assert!(err.contains("没有待否决的技术异议"), "{err}");
    review(&third, false, "下游堤段未复核");
    let err = refused(s.yitu("张指挥", &["decision", "overrule", &third, "--reason", " "]));
    assert!(err.contains("须说明理由"), "{err}");
    let err = refused(s.yitu(
        "李技术",
        &["decision", "overrule", &third, "--reason", "自己否决自己"],
    ));
    assert!(err.contains("无权"), "{err}");
    let overruled = ok(s.yitu(
        "张指挥",
        &[
            "decision",
            "overrule",
            &third,
            "--reason",
            "险情紧迫，先转移后复核",
        ],
    ));
    assert_eq!(overruled["state"], "issued");
    assert_eq!(overruled["reviews"][0]["agree"], false);
    assert_eq!(overruled["exception"]["kind"], "overrule");
    assert_eq!(overruled["exception"]["reason"], "险情紧迫，先转移后复核");

    // 紧急撤离 through 紧急处置: signed at once by the technical officer; the review follows.
    let evacuation = ok(s.yitu(
        "王参谋",
        &[
            "decision",
            "draft",
            "--incident",
            &s.incident,
            "--evacuation",
        ],
    ));
    let id = evacuation["id"].as_str().unwrap().to_owned();
    assert!(evacuation["content"]["situation"]
        .as_str()
        .unwrap()
        .starts_with("紧急撤离"));
    let err = refused(s.yitu("王参谋", &["decision", "urgent", &id, "--reason", "垮塌"]));
    assert!(err.contains("无权"), "{err}");
    let urgent = ok(s.yitu(
        "李技术",
        &[
            "decision",
            "urgent",
            &id,
            "--reason",
            "山体持续垮塌，立即撤离",
        ],
    ));
    assert_eq!(urgent["state"], "issued");
    assert_eq!(urgent["exception"]["kind"], "urgent");
    let waits = ok(s.yitu("李技术", &["inbox"]));
    assert!(
        waits
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["decision"] == id.as_str() && i["waiting"] == "review_after"),
        "{waits}"
    );
    review(&id, true, "同意，撤离路线避开滑坡体");
    let after = s.show(&id);
    assert_eq!(after["decision"]["state"], "issued");
    assert_eq!(
        after["decision"]["reviews"].as_array().map(Vec::len),
        Some(1)
    );
    let waits = ok(s.yitu("李技术", &["inbox"]));
    assert!(
        !waits
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["waiting"] == "review_after"),
        "{waits}"
    );

    // A team arrives only after its receipt.
    let err = refused(s.yitu(
        "王参谋",
        &["decision", "arrive", &first, "--recipient", "区森林消防队"],
    ));
    assert!(err.contains("尚未签收"), "{err}");
    ok(s.yitu(
        "王参谋",
        &["decision", "ack", &first, "--recipient", "区森林消防队"],
    ));
    ok(s.yitu(
        "王参谋",
        &["decision", "arrive", &first, "--recipient", "区森林消防队"],
    ));
    let shown = s.show(&first);
    assert!(
        shown["acknowledgements"][0]["arrived_at_ms"].is_i64(),
        "{shown}"
    );

    // The printed sheet says how each was signed.
    let pdf = s.dir.path().join("overruled.pdf");
    ok(s.yitu(
        "赵观察",
        &["decision", "pdf", &third, "--out", pdf.to_str().unwrap()],
    ));
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let sheet = String::from_utf8_lossy(&text.stdout);
    assert!(sheet.contains("否决技术异议"), "{sheet}");
    assert!(sheet.contains("下游堤段未复核"), "{sheet}");
    let report = ok(run(s.dir.path(), None, &["verify"]));
    assert_eq!(report["ok"], true, "{report}");
}
