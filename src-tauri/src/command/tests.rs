//! The contract end to end through Tauri's IPC layer: the app as `crate::build` makes it, on
//! tauri's mock runtime, over a real store in a temporary data folder (the demo loaded, as on a
//! first start). Every registered command is called with its `yitu_ipc::call` type and its
//! reply decoded as the type's `Reply`; bad arguments answer the `ErrorCode` the window acts on.
//! The oracle for counts is the demo dataset as the domain generates it, not the store.

use crate::startup;
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::Path;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use yitu_domain::command::act::Act;
use yitu_domain::command::incident::{IncidentKind, IncidentLevel};
use yitu_domain::command::role::Role;
use yitu_domain::command::workflow::DecisionState;
use yitu_domain::demo::{self, DemoDataset};
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::import::{sheet, ImportKind};
use yitu_domain::monitoring::{AlarmLevel, AlarmState, Element, HealthKind, Reading, Rule, Step};
use yitu_domain::registries::resource::Resource;
use yitu_domain::registries::team::Readiness;
use yitu_domain::space::crs::Crs;
use yitu_domain::stock::MoveKind;
use yitu_domain::Layer;
use yitu_ipc::{call, Command, ErrorCode, Failure};

/// Near the city centre, inside the district.
const CENTRE: [f64; 2] = [106.27, 29.99];

/// The app on the mock runtime over a fresh data folder, and the window's webview.
struct Shell {
    dir: tempfile::TempDir,
    app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    /// Commands called so far, to check every registered one was.
    called: RefCell<BTreeSet<String>>,
}

impl Shell {
    fn open() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state =
            tauri::async_runtime::block_on(startup::open_store(Some(dir.path().to_owned())));
        assert!(
            state.store.is_ok(),
            "the store opens: {:?}",
            state.store.as_ref().err()
        );
        let app = crate::build(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .expect("the app builds on the mock runtime");
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a webview");
        Self {
            dir,
            app,
            webview,
            called: RefCell::default(),
        }
    }

    /// Invokes `name` with `args` as the window's script would, answering the raw reply.
    fn invoke(&self, name: &str, args: serde_json::Value) -> Result<InvokeResponseBody, Failure> {
        self.called.borrow_mut().insert(name.to_owned());
        let request = InvokeRequest {
            cmd: name.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.into(),
        };
        get_ipc_response(&self.webview, request).map_err(|value| {
            serde_json::from_value::<Failure>(value.clone()).unwrap_or_else(|e| {
                panic!("{name}: a failure is {{code, message}}, not {value} ({e})")
            })
        })
    }

    /// Calls a command with its type, decoding the reply as its reply type.
    fn call<C: Command>(&self, args: &C) -> Result<C::Reply, Failure> {
        let reply = self.invoke(C::NAME, serde_json::to_value(args).unwrap())?;
        let decoded = match reply {
            InvokeResponseBody::Raw(bytes) => {
                assert!(C::BYTES, "{} answered bytes", C::NAME);
                serde_json::from_slice(&bytes)
            }
            InvokeResponseBody::Json(text) => {
                assert!(!C::BYTES, "{} answered a value, not bytes", C::NAME);
                serde_json::from_str(&text)
            }
        };
        Ok(decoded.unwrap_or_else(|e| panic!("{}: the reply decodes as its type: {e}", C::NAME)))
    }

    /// Calls a command that must succeed.
    fn ok<C: Command>(&self, args: &C) -> C::Reply {
        self.call(args)
            .unwrap_or_else(|f| panic!("{} with {:?}: {f}", C::NAME, serde_json::to_value(args)))
    }

    /// Calls a command that must fail with `code`; answers the message.
    fn fails<C: Command>(&self, args: &C, code: ErrorCode) -> String {
        match self.call(args) {
            Ok(_) => panic!(
                "{} with {:?} succeeded",
                C::NAME,
                serde_json::to_value(args)
            ),
            Err(f) => {
                assert_eq!(f.code, code, "{}: {}", C::NAME, f.message);
                f.message
            }
        }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }
}

fn demo_data() -> DemoDataset {
    demo::generate(demo::DEFAULT_SEED)
}

fn of_layer(data: &DemoDataset, layer: Layer) -> Vec<&Resource> {
    data.resources
        .iter()
        .filter(|r| r.layer() == layer)
        .collect()
}

/// Every registered command is a `yitu_ipc` command, and every `yitu_ipc` command registered.
#[test]
fn the_shell_registers_exactly_the_contracts_commands() {
    assert_eq!(crate::REGISTERED, call::NAMES);
}

/// Arguments that are not the command's type answer `bad_request`, for every command, before
/// anything runs (the file chooser does not open).
#[test]
fn undecodable_arguments_answer_bad_request() {
    let shell = Shell::open();
    for name in crate::REGISTERED {
        match shell.invoke(name, serde_json::Value::Null) {
            Ok(_) => panic!("{name} took null for its arguments"),
            Err(f) => assert_eq!(f.code, ErrorCode::BadRequest, "{name}: {}", f.message),
        }
    }
    // A value of the wrong kind in a field of the right name.
    let f = shell
        .invoke("resources", json!({"layer": "roads"}))
        .expect_err("an unknown layer is refused");
    assert_eq!(f.code, ErrorCode::BadRequest);
    assert!(f.message.contains("resources"), "{}", f.message);
    let f = shell
        .invoke("pick_file", json!({"kind": "floppy"}))
        .expect_err("an unknown kind of file is refused");
    assert_eq!(f.code, ErrorCode::BadRequest);
}

/// One story through every command, in the order a desk would use them.
#[test]
fn every_command_answers_its_reply_type_through_the_ipc_layer() {
    let shell = Shell::open();
    let data = demo_data();
    // Before anyone logs in: the monitoring board reads, its steps are refused.
    monitoring_unheard(&shell, &data);
    // Users first: every write after them is made as the user logged in.
    users_incidents_and_decisions(&shell);
    registries_and_analysis(&shell, &data);
    stock(&shell, &data);
    imports_and_exports(&shell, &data);
    base_maps_overlays_and_files(&shell);
    sync(&shell, &data);
    monitoring(&shell);
    // Last: readings in the store change every station's health.
    monitoring_storm(&shell);
    let called = shell.called.borrow();
    let missing: Vec<_> = crate::REGISTERED
        .iter()
        .filter(|n| !called.contains(**n))
        .collect();
    assert!(missing.is_empty(), "never called: {missing:?}");
}

/// The demo's stations, none heard yet (未知, never 正常), no readings, and a step for an alarm
/// the desk does not know refused.
fn monitoring(shell: &Shell) {
    let m = shell.ok(&call::Monitoring {});
    assert_eq!(m.stations.len(), 21);
    assert!(m
        .stations
        .iter()
        .all(|s| s.health == yitu_domain::monitoring::HealthKind::Unknown));
    assert!(m.alarms.is_empty());
    let readings = shell.ok(&call::StationReadings {
        code: "0050117001".into(),
        from_ms: 0,
        to_ms: i64::MAX,
    });
    assert!(readings.is_empty());
    let why = shell.fails(
        &call::AlarmStep {
            step: yitu_domain::monitoring::Step::Acknowledged {
                alarm: yitu_domain::EntityId::v7(1, [7; 10]),
                by: "张指挥".into(),
                at_ms: 1,
            },
        },
        ErrorCode::NotFound,
    );
    assert!(!why.is_empty());

    // A warning for two towns, written as CAP into exports/, taken in again (the same message:
    // one more warning, keyed by its identifier), then lifted.
    let issued = shell.ok(&call::IssueWarning {
        new: yitu_ipc::monitoring::NewWarning {
            level: yitu_domain::monitoring::WarningLevel::Orange,
            kind: yitu_domain::monitoring::WarningKind::Rainstorm,
            area: yitu_domain::monitoring::WarningArea::Towns {
                towns: vec!["500117101".into(), "500117120".into()],
                villages: Vec::new(),
            },
            headline: "暴雨橙色预警".into(),
            description: String::new(),
            instructions: "停止户外作业，转移危险区域人员".into(),
            hours: 6,
            sender: String::new(),
            exercise: false,
            replaces: None,
        },
    });
    assert!(issued.in_force);
    assert_eq!(issued.recipients.totals.towns, 2);
    let path = shell.ok(&call::WarningCap {
        id: issued.warning.id,
    });
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(
        xml.contains("<msgType>Alert</msgType>") && xml.contains("+08:00"),
        "{xml}"
    );
    let taken = shell.ok(&call::ImportCap { path: path.clone() });
    assert_eq!(taken.warning.headline, issued.warning.headline);
    assert_eq!(shell.ok(&call::Warnings {}).len(), 2);
    let broken = shell.path("broken.xml");
    std::fs::write(&broken, "<alert>").unwrap();
    shell.fails(
        &call::ImportCap {
            path: broken.display().to_string(),
        },
        ErrorCode::Invalid,
    );
    let lifted = shell.ok(&call::LiftWarning {
        id: issued.warning.id,
        reason: "雨势减弱".into(),
    });
    assert!(!lifted.in_force);
    assert!(shell
        .ok(&call::Warnings {})
        .iter()
        .find(|w| w.warning.id == issued.warning.id)
        .is_some_and(|w| !w.in_force));
}

fn registries_and_analysis(shell: &Shell, data: &DemoDataset) {
    let about = shell.ok(&call::AppInfo {});
    assert!(about.demo && about.store_error.is_none());
    assert_eq!(Path::new(&about.data_dir), shell.dir.path());

    let stats = shell.ok(&call::Stats {});
    for &layer in Layer::ALL {
        let expected = of_layer(data, layer).len();
        assert_eq!(
            stats.layers[layer.code()].total as usize,
            expected,
            "{layer}"
        );
        // Byte replies decode as the same type a value reply would.
        let records = shell.ok(&call::Resources { layer });
        assert_eq!(records.len(), expected, "{layer}");
        assert!(records.iter().all(|r| r.layer() == layer));
    }
    assert_eq!(stats.stock_lines as usize, data.stock_lines.len());

    let first = shell.ok(&call::MapFilter {
        filter: Filter::default(),
    });
    let again = shell.ok(&call::MapFilter {
        filter: Filter {
            standby_only: true,
            ..Filter::default()
        },
    });
    assert!(
        again > first,
        "a new drawing is a new version ({first} then {again})"
    );

    let team = of_layer(data, Layer::Teams)[0].clone();
    let id = team.id().to_string();
    assert_eq!(shell.ok(&call::Resource { id: id.clone() }), team);
    shell.fails(
        &call::Resource {
            id: "编号".into()
        },
        ErrorCode::Invalid,
    );
    let unknown = yitu_domain::EntityId::v7(1, [7; 10]).to_string();
    shell.fails(&call::Resource { id: unknown }, ErrorCode::NotFound);

    let base = shell.ok(&call::BaseMap {});
    let outline: serde_json::Value = serde_json::from_str(&base.outline).unwrap();
    assert!(outline["type"].is_string());
    assert!(base.features_url(Layer::Shelters, 3).contains("shelters"));

    let b = shell.ok(&call::Briefing {
        lon: CENTRE[0],
        lat: CENTRE[1],
        specialty: None,
        field: None,
        material: Some("1010101".into()),
        min_quantity: Some(1),
    });
    assert!(!b.teams.is_empty() && b.teams.len() <= 5);
    assert!(b
        .teams
        .iter()
        .all(|f| matches!(&f.resource, Resource::Team(t) if t.status == Readiness::Standby)));
    assert!(b.depots.iter().all(|f| f.holdings.is_some()));
    assert!(b
        .shelters
        .iter()
        .all(|f| f.free_capacity.is_some_and(|n| n > 0)));
    assert!(b
        .teams
        .windows(2)
        .all(|w| w[0].distance_m <= w[1].distance_m));
    // Beijing is not in Hechuan.
    shell.fails(
        &call::Briefing {
            lon: 116.4,
            lat: 39.9,
            specialty: None,
            field: None,
            material: None,
            min_quantity: None,
        },
        ErrorCode::Invalid,
    );
    shell.fails(
        &call::Briefing {
            lon: CENTRE[0],
            lat: CENTRE[1],
            specialty: None,
            field: None,
            material: Some("1010101".into()),
            min_quantity: Some(0),
        },
        ErrorCode::Invalid,
    );

    let hits = shell.ok(&call::Search {
        query: team.name().to_owned(),
    });
    assert!(hits.iter().any(|h| h.id == id && h.layer == Layer::Teams));

    assert_eq!(shell.ok(&call::Roads {}), None);
    let road = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"class": "县道"},
        "geometry": {"type": "LineString", "coordinates": [[106.26, 29.98], [106.28, 30.00]]},
    }]});
    let info = shell.ok(&call::LoadRoads {
        name: "测试路网.geojson".into(),
        text: road.to_string(),
        crs: Crs::Wgs84,
    });
    assert_eq!(
        (info.source.as_str(), info.summary.lines),
        ("测试路网.geojson", 1)
    );
    let roads = shell.ok(&call::Roads {}).expect("a network is loaded");
    assert_eq!(roads.lines.features.len(), 1);
    assert_eq!(
        roads.lines.features[0].geometry.coordinates,
        [[106.26, 29.98], [106.28, 30.00]]
    );
    shell.fails(
        &call::LoadRoads {
            name: "坏.geojson".into(),
            text: "不是 GeoJSON".into(),
            crs: Crs::Wgs84,
        },
        ErrorCode::Invalid,
    );

    let coverage = shell.ok(&call::Coverage {
        specialty: None,
        minutes: 30.0,
    });
    assert_eq!(coverage.towns, data.town_anchors.len());
    assert_eq!(
        coverage.uncovered,
        coverage.results.iter().filter(|t| !t.covered).count()
    );
    shell.fails(
        &call::Coverage {
            specialty: None,
            minutes: 0.0,
        },
        ErrorCode::Invalid,
    );

    // A triangle of about 0.1° around the centre.
    let (lon, lat) = (CENTRE[0], CENTRE[1]);
    let inside = shell.ok(&call::Inside {
        outline: vec![
            [lon - 0.05, lat - 0.05],
            [lon + 0.05, lat - 0.05],
            [lon, lat + 0.05],
        ],
    });
    assert_eq!(inside.hazards.count, inside.hazards.results.len());
    assert!(
        inside.area_km2 > 40.0 && inside.area_km2 < 60.0,
        "{}",
        inside.area_km2
    );
    shell.fails(
        &call::Inside {
            outline: vec![[lon, lat], [lon + 0.01, lat]],
        },
        ErrorCode::Invalid,
    );

    let form = shell.ok(&call::RecordForm { id: id.clone() });
    assert_eq!(form.kind, ImportKind::Teams);
    assert_eq!(form.headers.len(), form.cells.len());
    assert_eq!(form.cells[0], id);
    let name_column =
        form.headers[form.cells.iter().position(|c| c == team.name()).unwrap()].clone();
    let renamed = shell.ok(&call::UpdateRecord {
        id: id.clone(),
        sets: vec![(name_column.clone(), "合川区测试救援队".into())],
    });
    assert_eq!(renamed.name(), "合川区测试救援队");
    let shelter = of_layer(data, Layer::Shelters)[0].id().to_string();
    let refusal = shell.fails(
        &call::UpdateRecord {
            id: shelter.clone(),
            sets: vec![("容纳人数".into(), "很多".into())],
        },
        ErrorCode::Refused,
    );
    assert!(refusal.contains("容纳人数"), "{refusal}");
    let history = shell.ok(&call::History { id: id.clone() });
    assert!(!history.is_empty());
    // The edit names who is logged in.
    assert!(history.iter().all(|h| h.actor == "张指挥"), "{history:?}");

    // A new team from the renamed one's cells: its id left empty, named anew.
    let mut cells = form.cells.clone();
    cells[0] = String::new();
    let name_at = form.headers.iter().position(|h| *h == name_column).unwrap();
    cells[name_at] = "合川区新建救援队".into();
    let created = shell.ok(&call::CreateRecord {
        kind: ImportKind::Teams,
        cells: cells.clone(),
    });
    assert_eq!(created.name(), "合川区新建救援队");
    // The same again names a record that exists now.
    let refusal = shell.fails(
        &call::CreateRecord {
            kind: ImportKind::Teams,
            cells,
        },
        ErrorCode::Refused,
    );
    assert!(refusal.contains("已有同名记录"), "{refusal}");

    shell.fails(
        &call::RetireRecord {
            id: created.id().to_string(),
            reason: " ".into(),
        },
        ErrorCode::Invalid,
    );
    shell.ok(&call::RetireRecord {
        id: created.id().to_string(),
        reason: "测试后退役".into(),
    });
    let teams = shell.ok(&call::Resources {
        layer: Layer::Teams,
    });
    assert_eq!(teams.len(), of_layer(data, Layer::Teams).len());

    let readiness = shell.ok(&call::Readiness {});
    assert_eq!(readiness.district.standard, 5_000);
    assert_eq!(
        readiness.towns_below_standard,
        readiness
            .towns
            .iter()
            .filter(|t| !t.reserve.meets_standard)
            .count()
    );
}

fn stock(shell: &Shell, data: &DemoDataset) {
    let line = &data.stock_lines[0];
    let depot = line.depot_id.to_string();
    let code = line.code.as_str().to_owned();
    let rows = shell.ok(&call::DepotStock { id: depot.clone() });
    let before = rows
        .iter()
        .find(|r| r.code == code)
        .expect("the line")
        .balance;
    let after = shell.ok(&call::StockMove {
        depot: depot.clone(),
        code: code.clone(),
        kind: MoveKind::Receive,
        quantity: 5,
        note: "测试入库".into(),
        new_line: None,
    });
    assert_eq!(after.on_hand, before.on_hand + 5);
    // Never below zero.
    shell.fails(
        &call::StockMove {
            depot: depot.clone(),
            code: code.clone(),
            kind: MoveKind::Issue,
            quantity: after.on_hand + 1,
            note: String::new(),
            new_line: None,
        },
        ErrorCode::Invalid,
    );
    let refusal = shell.fails(
        &call::StockMove {
            depot: depot.clone(),
            code: "101".into(),
            kind: MoveKind::Receive,
            quantity: 1,
            note: String::new(),
            new_line: Some(yitu_ipc::stock::NewLine {
                name: "某物资".into(),
                unit: "件".into(),
                expiry: None,
                minimum: None,
            }),
        },
        ErrorCode::Invalid,
    );
    assert!(refusal.contains("7 位"), "{refusal}");

    // A minimum above what is on hand makes the line warn.
    shell.ok(&call::StockTerms {
        depot: depot.clone(),
        code: code.clone(),
        expiry: None,
        minimum: Some(after.on_hand + 10),
    });
    let warnings = shell.ok(&call::StockWarnings {});
    let warned = warnings
        .iter()
        .find(|w| w.depot_id == depot && w.line.code == code)
        .expect("the line warns");
    assert!(warned
        .line
        .warnings
        .contains(&yitu_domain::stock::warning::Warning::BelowMinimum {
            minimum: after.on_hand + 10,
            short: 10,
        }));
    shell.fails(
        &call::StockTerms {
            depot: depot.clone(),
            code: "不是编码".into(),
            expiry: None,
            minimum: None,
        },
        ErrorCode::Invalid,
    );

    let holding = shell.ok(&call::DepotsHolding {
        code: code.clone(),
        at_least: 1,
    });
    assert!(holding.contains(&depot));
    let none = shell.ok(&call::DepotsHolding {
        code: code.clone(),
        at_least: i64::MAX,
    });
    assert!(none.is_empty());
    shell.fails(
        &call::DepotsHolding {
            code: "abc".into(),
            at_least: 1,
        },
        ErrorCode::Invalid,
    );
}

fn users_incidents_and_decisions(shell: &Shell) {
    let users = shell.ok(&call::Users {});
    assert!(users.users.is_empty() && users.current.is_none());
    // Every write needs someone logged in: decisions, and registry edits, stock moves and
    // imports too (each names its author).
    shell.fails(
        &call::CreateIncident {
            new: new_incident(CENTRE),
        },
        ErrorCode::Login,
    );
    let any = yitu_domain::EntityId::v7(1, [9; 10]).to_string();
    shell.fails(
        &call::UpdateRecord {
            id: any.clone(),
            sets: vec![("名称".into(), "无名".into())],
        },
        ErrorCode::Login,
    );
    shell.fails(
        &call::RetireRecord {
            id: any,
            reason: "测试".into(),
        },
        ErrorCode::Login,
    );
    shell.fails(
        &call::ImportCommit {
            skip_invalid: false,
        },
        ErrorCode::Login,
    );
    shell.fails(
        &call::AddUser {
            name: "赵观察".into(),
            role: Role::Observer,
        },
        ErrorCode::Denied,
    );
    let commander = shell.ok(&call::AddUser {
        name: "张指挥".into(),
        role: Role::Commander,
    });
    assert_eq!(commander.role, Role::Commander);
    shell.fails(
        &call::Login {
            name: "无名氏".into(),
            password: String::new(),
        },
        ErrorCode::UnknownUser,
    );
    shell.ok(&call::Login {
        name: "张指挥".into(),
        password: String::new(),
    });
    shell.ok(&call::AddUser {
        name: "李技术".into(),
        role: Role::TechnicalOfficer,
    });
    let users = shell.ok(&call::Users {});
    assert_eq!(users.users.len(), 2);
    assert_eq!(
        users.current.as_ref().map(|u| u.name.as_str()),
        Some("张指挥")
    );

    shell.fails(
        &call::CreateIncident {
            new: new_incident([116.4, 39.9]),
        },
        ErrorCode::Invalid,
    );
    let incident = shell.ok(&call::CreateIncident {
        new: new_incident(CENTRE),
    });
    assert_eq!(incident.kind, IncidentKind::Flood);
    assert!(shell
        .ok(&call::Incidents {})
        .iter()
        .any(|i| i.id == incident.id));
    let id = incident.id.to_string();
    shell.fails(
        &call::AddLog {
            id: id.clone(),
            text: "  ".into(),
            toll: None,
        },
        ErrorCode::Invalid,
    );
    let entry = shell.ok(&call::AddLog {
        id: id.clone(),
        text: "水位仍在上涨".into(),
        toll: None,
    });
    let file = shell.ok(&call::Incident { id: id.clone() });
    assert_eq!(file.category, IncidentKind::Flood.category());
    assert_eq!(file.log.last().map(|l| l.id), Some(entry.id));
    shell.fails(
        &call::Incident {
            id: yitu_domain::EntityId::v7(1, [9; 10]).to_string(),
        },
        ErrorCode::NotFound,
    );
    let printout = shell.ok(&call::IncidentBriefingPdf { id: id.clone() });
    printed(&printout);

    let content = shell.ok(&call::DecisionTemplate {
        incident: id.clone(),
    });
    let template = yitu_domain::command::template::for_kind(IncidentKind::Flood);
    assert_eq!(content.orders.len(), template.orders.len());
    let draft = shell.ok(&call::DraftDecision {
        incident: id.clone(),
        content: content.clone(),
    });
    assert_eq!(draft.state, DecisionState::Draft);
    let mut edited = content;
    edited.situation.push_str("已转移群众 120 人。");
    let draft = shell.ok(&call::EditDraft {
        id: draft.id.to_string(),
        content: edited.clone(),
    });
    assert_eq!(draft.content, edited);
    let decision = draft.id.to_string();
    // The commander approves only what the technical officer agreed to.
    let refusal = shell.fails(
        &call::DecisionAct {
            id: decision.clone(),
            act: Act::Approve,
        },
        ErrorCode::Denied,
    );
    assert!(refusal.contains("审核"), "{refusal}");
    shell.ok(&call::Logout {});
    shell.fails(
        &call::DecisionAct {
            id: decision.clone(),
            act: Act::Issue,
        },
        ErrorCode::Login,
    );
    shell.ok(&call::Login {
        name: "李技术".into(),
        password: String::new(),
    });
    // The draft waits in the technical officer's 待办.
    let inbox = shell.ok(&call::Inbox {});
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0].decision.to_string(), decision);
    assert_eq!(inbox[0].waiting.zh(), "待审核");
    let view = shell.ok(&call::DecisionAct {
        id: decision.clone(),
        act: Act::Review {
            agree: true,
            advice: "同意".into(),
        },
    });
    assert_eq!(view.decision.state, DecisionState::Reviewed);
    shell.ok(&call::Login {
        name: "张指挥".into(),
        password: String::new(),
    });
    shell.ok(&call::DecisionAct {
        id: decision.clone(),
        act: Act::Approve,
    });
    let issued = shell.ok(&call::DecisionAct {
        id: decision.clone(),
        act: Act::Issue,
    });
    assert_eq!(issued.decision.state, DecisionState::Issued);
    assert!(
        !issued.events.is_empty(),
        "issuing signs an event into the chain"
    );
    let view = shell.ok(&call::DecisionView {
        id: decision.clone(),
    });
    assert_eq!(
        view.history
            .iter()
            .map(|h| h.to_state.as_str())
            .collect::<Vec<_>>(),
        ["draft", "draft", "reviewed", "approved", "issued"]
    );
    printed(&shell.ok(&call::DecisionPdf { id: decision }));
    let report = shell.ok(&call::Verify {});
    assert!(report.ok && report.first_broken.is_none());
    assert_eq!(report.decisions_checked, 1);

    // A user with a password (as the district's come from the server): the login box asks for
    // it, a wrong one is refused with the reason, the right one logs in.
    tauri::async_runtime::block_on(async {
        let store = yitu_replica::Store::open(shell.dir.path()).await.unwrap();
        store
            .add_local_user("孙技术", Role::TechnicalOfficer, Some("火线-01"), now())
            .await
            .unwrap();
        store.close().await;
    });
    let listed = shell.ok(&call::Users {});
    let sun = listed.users.iter().find(|u| u.name == "孙技术").unwrap();
    assert!(sun.has_password);
    assert!(listed
        .users
        .iter()
        .filter(|u| u.name != "孙技术")
        .all(|u| !u.has_password));
    let refusal = shell.fails(
        &call::Login {
            name: "孙技术".into(),
            password: "火线-02".into(),
        },
        ErrorCode::Password,
    );
    assert!(refusal.starts_with("密码错误"), "{refusal}");
    // Refused: who was logged in still is.
    assert_eq!(
        shell.ok(&call::Users {}).current.map(|u| u.name),
        Some("张指挥".to_owned())
    );
    shell.ok(&call::Login {
        name: "孙技术".into(),
        password: "火线-01".into(),
    });
    shell.ok(&call::Login {
        name: "张指挥".into(),
        password: String::new(),
    });
}

/// The demo's stations as the window gets them before anyone logs in: the demo's own, each
/// named （演示）; an alarm step needs someone logged in, and says so (the window shows it).
fn monitoring_unheard(shell: &Shell, data: &DemoDataset) {
    let m = shell.ok(&call::Monitoring {});
    let codes = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<BTreeSet<_>>();
    assert_eq!(
        codes(m.stations.iter().map(|s| s.station.code.as_str()).collect()),
        codes(
            demo::stations::stations(data)
                .iter()
                .map(|s| s.code.as_str())
                .collect()
        )
    );
    for s in &m.stations {
        assert!(s.station.name.ends_with("（演示）"), "{}", s.station.name);
    }
    let refused = shell.fails(
        &call::AlarmStep {
            step: Step::Acknowledged {
                alarm: yitu_domain::EntityId::v7(1, [7; 10]),
                by: "值班员".into(),
                at_ms: m.now_ms,
            },
        },
        ErrorCode::Login,
    );
    assert!(!refused.is_empty());
}

/// The demo's 沙鱼镇 gauge (0050117001).
const RAIN_GAUGE: &str = "0050117001";
const HOUR: i64 = 3_600_000;

/// A storm's readings in the store (imported as `yitu monitor import` does): an hour of 55 mm
/// at a gauge (over its 50 mm 立即转移) raises a red alarm on the board; the gauge's chart
/// reads them back; the logged-in user acknowledges it and the board in the reply says so.
fn monitoring_storm(shell: &Shell) {
    let now = now();
    let state = shell.app.state::<startup::AppState>();
    let store = state.store.as_ref().expect("the store is open");
    let actor = yitu_ipc::user::Actor {
        name: "张指挥".into(),
        role: Role::Commander,
    };
    let at = now / 60_000 * 60_000 - 10 * 60_000;
    let readings: Vec<Reading> = [(2, 5.0), (1, 50.0), (0, 55.0)]
        .into_iter()
        .map(|(hours_ago, mm)| Reading {
            station: RAIN_GAUGE.into(),
            element: Element::PeriodRain { minutes: 60 },
            observed_at_ms: at - hours_ago * HOUR,
            value: mm,
            historical: false,
        })
        .collect();
    let added = tauri::async_runtime::block_on(store.import_readings(&actor, &readings, now))
        .expect("the readings are stored");
    assert_eq!(added, 3);

    let m = shell.ok(&call::Monitoring {});
    let gauge = m
        .stations
        .iter()
        .find(|s| s.station.code == RAIN_GAUGE)
        .expect("the gauge");
    assert_eq!(gauge.health, HealthKind::Alarm);
    assert_eq!(gauge.level, Some(AlarmLevel::Red));
    assert_eq!(gauge.rain_24h_mm, Some(110.0));
    let alarm = m
        .alarms
        .iter()
        .find(|a| a.station_code == RAIN_GAUGE && a.alarm.episode.rule == Rule::Rain1h)
        .expect("the 1 h rain alarm");
    assert_eq!(alarm.alarm.state, AlarmState::Raised);
    assert_eq!(alarm.alarm.episode.level(), AlarmLevel::Red);

    let chart = shell.ok(&call::StationReadings {
        code: RAIN_GAUGE.into(),
        from_ms: now - 48 * HOUR,
        to_ms: now + 1,
    });
    assert_eq!(chart, readings, "oldest first, as stored");

    let id = alarm.alarm.episode.id;
    let after = shell.ok(&call::AlarmStep {
        step: Step::Acknowledged {
            alarm: id,
            by: actor.name.clone(),
            at_ms: now,
        },
    });
    let acked = after
        .alarms
        .iter()
        .find(|a| a.alarm.episode.id == id)
        .expect("the alarm on the board after the step");
    assert_eq!(acked.alarm.state, AlarmState::Acknowledged);
    // An empty name is refused before anything is stored.
    shell.fails(
        &call::AlarmStep {
            step: Step::Called {
                alarm: id,
                who: " ".into(),
                phone: String::new(),
                role: "群测群防员".into(),
                at_ms: now,
                answered: false,
                note: String::new(),
            },
        },
        ErrorCode::Invalid,
    );
}

fn new_incident(point: [f64; 2]) -> yitu_ipc::incident::NewIncident {
    yitu_ipc::incident::NewIncident {
        kind: IncidentKind::Flood,
        level: IncidentLevel::Major,
        title: String::new(),
        at_ms: None,
        point,
        area: None,
        toll: Default::default(),
    }
}

/// A printout is a PDF of the size reported, in the data folder.
fn printed(p: &yitu_ipc::incident::Printout) {
    let bytes = std::fs::read(&p.path).expect("the printout is written");
    assert_eq!(bytes.len(), p.bytes);
    assert!(bytes.starts_with(b"%PDF-"));
}

fn imports_and_exports(shell: &Shell, data: &DemoDataset) {
    let exported = shell.ok(&call::ExportRegister {
        kind: ImportKind::Teams,
        format: yitu_ipc::import::ExportFormat::Csv,
    });
    // The demo teams, one renamed: the one created was retired, and exports hold live records.
    assert_eq!(exported.records, of_layer(data, Layer::Teams).len());
    assert!(Path::new(&exported.path).exists());
    shell.fails(
        &call::ExportRegister {
            kind: ImportKind::Stock,
            format: yitu_ipc::import::ExportFormat::Geojson,
        },
        ErrorCode::Invalid,
    );

    // One new team in a CSV laid out as the importer's headers.
    let team = of_layer(data, Layer::Teams)[1];
    let mut cells = sheet::resource_row(team, &yitu_domain::registries::town::all());
    cells[0] = String::new();
    let name_at = cells.iter().position(|c| c == team.name()).unwrap();
    cells[name_at] = "合川区导入救援队".into();
    let csv_line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let text = format!(
        "{}\n{}\n",
        csv_line(&sheet::headers(ImportKind::Teams)),
        csv_line(&cells)
    );
    shell.fails(
        &call::ImportPreview {
            kind: ImportKind::Teams,
            crs: Crs::Wgs84,
            files: vec![("说明.doc".into(), b"x".to_vec())],
        },
        ErrorCode::Invalid,
    );
    let preview = shell.ok(&call::ImportPreview {
        kind: ImportKind::Teams,
        crs: Crs::Wgs84,
        files: vec![("队伍.csv".into(), text.into_bytes())],
    });
    assert_eq!((preview.rows, preview.valid), (1, 1));
    assert_eq!(preview.would.inserted, 1);
    let report = shell.ok(&call::ImportCommit {
        skip_invalid: false,
    });
    assert_eq!(report.inserted, 1);
    assert_eq!(shell.ok(&call::ImportProgress {}), (1, 1));
    // Nothing waits any more.
    shell.fails(
        &call::ImportCommit { skip_invalid: true },
        ErrorCode::Invalid,
    );
}

/// A 1×1 PNG, the smallest real tile.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// An MBTiles of one PNG tile at zoom 0, written through SQLite as the spec lays it out.
fn write_mbtiles(path: &Path) {
    use sqlx::{ConnectOptions, Connection};
    tauri::async_runtime::block_on(async {
        let mut db = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        for sql in [
            "CREATE TABLE metadata (name TEXT, value TEXT)",
            "INSERT INTO metadata VALUES ('name', '测试底图'), ('format', 'png'), ('minzoom', '0'), ('maxzoom', '0')",
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
        ] {
            sqlx::query(sql).execute(&mut db).await.unwrap();
        }
        sqlx::query("INSERT INTO tiles VALUES (0, 0, 0, ?)")
            .bind(PNG)
            .execute(&mut db)
            .await
            .unwrap();
        db.close().await.unwrap();
    });
}

fn base_maps_overlays_and_files(shell: &Shell) {
    assert_eq!(shell.ok(&call::Basemaps {}), Default::default());
    shell.fails(&call::BasemapAdd { path: " ".into() }, ErrorCode::Invalid);
    let missing = shell.path("不存在.mbtiles").display().to_string();
    shell.fails(&call::BasemapAdd { path: missing }, ErrorCode::NotFound);
    let broken = shell.path("损坏.mbtiles");
    std::fs::write(&broken, b"not a database").unwrap();
    let refusal = shell.fails(
        &call::BasemapAdd {
            path: broken.display().to_string(),
        },
        ErrorCode::Unreadable,
    );
    assert!(refusal.contains("损坏.mbtiles"), "{refusal}");
    let good = shell.path("测试底图.mbtiles");
    write_mbtiles(&good);
    let added = shell.ok(&call::BasemapAdd {
        path: good.display().to_string(),
    });
    assert_eq!(added.packages.len(), 1);
    let package = &added.packages[0];
    assert_eq!(
        (package.name.as_str(), package.kind, package.format),
        (
            "测试底图",
            yitu_ipc::basemap::TileKind::Raster,
            yitu_ipc::basemap::TileFormat::Png
        )
    );
    assert_eq!(added.active.as_ref().map(|a| &a.id), Some(&package.id));
    let none = shell.ok(&call::BasemapUse { id: String::new() });
    assert!(none.active.is_none());
    shell.fails(&call::BasemapUse { id: "nope".into() }, ErrorCode::NotFound);
    let removed = shell.ok(&call::BasemapRemove {
        id: package.id.clone(),
    });
    assert!(removed.packages.is_empty());
    shell.fails(
        &call::BasemapRemove { id: "nope".into() },
        ErrorCode::NotFound,
    );

    assert!(shell.ok(&call::Overlays {}).is_empty());
    let file = shell.path("测试图层.geojson");
    let point = json!({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"名称": "测试点"},
        "geometry": {"type": "Point", "coordinates": CENTRE},
    }]});
    std::fs::write(&file, point.to_string()).unwrap();
    let listed = shell.ok(&call::OverlayAdd {
        path: file.display().to_string(),
        crs: Crs::Wgs84,
        name: Some("测试图层".into()),
    });
    assert_eq!(listed.len(), 1);
    let overlay = &listed[0];
    assert_eq!(
        (overlay.name.as_str(), overlay.features, overlay.shown),
        ("测试图层", 1, true)
    );
    let broken = shell.path("损坏的图层.geojson");
    std::fs::write(&broken, "{").unwrap();
    let refusal = shell.fails(
        &call::OverlayAdd {
            path: broken.display().to_string(),
            crs: Crs::Wgs84,
            name: None,
        },
        ErrorCode::Unreadable,
    );
    assert!(refusal.contains("损坏的图层.geojson"), "{refusal}");
    let hidden = shell.ok(&call::OverlayShow {
        id: overlay.id.clone(),
        shown: false,
    });
    assert!(!hidden[0].shown);
    let features = shell.ok(&call::OverlayGeojson {
        id: overlay.id.clone(),
    });
    assert_eq!(features["features"].as_array().map(Vec::len), Some(1));
    shell.fails(
        &call::OverlayGeojson { id: "nope".into() },
        ErrorCode::NotFound,
    );
    assert!(shell
        .ok(&call::OverlayRemove {
            id: overlay.id.clone(),
        })
        .is_empty());
    shell.fails(
        &call::OverlayRemove { id: "nope".into() },
        ErrorCode::NotFound,
    );

    // The chooser itself needs a person at the screen (the end-to-end tests answer it); here,
    // only that a kind it does not know is refused before it opens.
    let f = shell
        .invoke(call::PickFile::NAME, json!({"kind": "photos"}))
        .expect_err("refused");
    assert_eq!(f.code, ErrorCode::BadRequest);
}

/// Sync against a real district server on a port of its own: enrolment, a pass, and a conflict
/// made with a second desktop (a replica of its own) and resolved from the window.
fn sync(shell: &Shell, data: &DemoDataset) {
    let status = shell.ok(&call::SyncStatus {});
    assert!(status.enrolled.is_none() && status.last_pass.is_none());
    shell.fails(&call::SyncNow {}, ErrorCode::NotEnrolled);
    shell.fails(
        &call::SyncEnrol {
            server: "ftp://example".into(),
            code: "x".into(),
            label: String::new(),
        },
        ErrorCode::Invalid,
    );
    // Nothing listens on port 9 (discard) here.
    shell.fails(
        &call::SyncEnrol {
            server: "http://127.0.0.1:9".into(),
            code: "abc".into(),
            label: String::new(),
        },
        ErrorCode::Offline,
    );

    let server_dir = tempfile::tempdir().unwrap();
    let (url, server) = tauri::async_runtime::block_on(async {
        let url = format!(
            "sqlite://{}",
            server_dir.path().join("server.sqlite").display()
        );
        let store = yitu_server::Store::open(&url).await.unwrap();
        for (name, role) in [
            ("王参谋", Role::Staff),
            ("张指挥", Role::Commander),
            ("李技术", Role::TechnicalOfficer),
        ] {
            store.add_user(name, role, now()).await.unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = store.clone();
        tauri::async_runtime::spawn(async move {
            yitu_server::serve(listener, served).await.unwrap();
        });
        (url, store)
    });
    let code = tauri::async_runtime::block_on(server.enrol_code("王参谋", now())).unwrap();
    shell.fails(
        &call::SyncEnrol {
            server: url.clone(),
            code: "不是登记码".into(),
            label: String::new(),
        },
        ErrorCode::Server,
    );
    let status = shell.ok(&call::SyncEnrol {
        server: url.clone(),
        code,
        label: "测试桌面".into(),
    });
    assert_eq!(
        status.enrolled.as_ref().map(|e| e.user.as_str()),
        Some("王参谋")
    );
    let pass = shell.ok(&call::SyncNow {});
    assert!(pass.error.is_none(), "{:?}", pass.error);

    // A second desktop with the same demo records, enrolled as the commander.
    let other_dir = tempfile::tempdir().unwrap();
    let other = tauri::async_runtime::block_on(async {
        let store = yitu_replica::Store::open(other_dir.path()).await.unwrap();
        store.seed_demo(demo::DEFAULT_SEED).await.unwrap();
        let code = server.enrol_code("张指挥", now()).await.unwrap();
        store.enrol(&url, &code, "另一台桌面").await.unwrap();
        store
    });
    let sync_other = || {
        tauri::async_runtime::block_on(async {
            let client = yitu_replica::sync::Client::for_store(&other).unwrap();
            yitu_replica::sync::sync_once(&other, &client)
                .await
                .unwrap()
        })
    };
    sync_other();
    // Both change one shelter's capacity before either hears of the other: a conflict.
    let shelter = of_layer(data, Layer::Shelters)[1].id();
    shell.ok(&call::UpdateRecord {
        id: shelter.to_string(),
        sets: vec![("capacity".into(), "1200".into())],
    });
    tauri::async_runtime::block_on(async {
        let mut ids = yitu_replica::id_source(now());
        other
            .update_record(
                shelter,
                &[("capacity".to_owned(), "1500".to_owned())],
                Crs::Wgs84,
                yitu_replica::Author {
                    actor: "王参谋",
                    at_ms: now() + 5,
                    source: "测试",
                    new_id: &mut ids,
                },
            )
            .await
            .unwrap();
    });
    sync_other();
    // The shell's own loop may have pulled the other edit first (it passes after every local
    // write): what this pass must report is the conflict both edits make.
    let pass = shell.ok(&call::SyncNow {});
    assert!(
        pass.report.as_ref().is_some_and(|r| r.conflicts == 1),
        "{:?}",
        pass.report
    );
    let conflicts = shell.ok(&call::SyncConflicts {});
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let conflict = &conflicts[0];
    assert_eq!(
        (conflict.record_id.as_str(), conflict.field.as_str()),
        (shelter.to_string().as_str(), "capacity")
    );
    let mut values: Vec<_> = conflict.versions.iter().map(|v| v.value.clone()).collect();
    values.sort_by_key(|v| v.to_string());
    assert_eq!(values, [json!(1200), json!(1500)]);
    // The two people, not "desktop" and "yitu": the window's user and the other desk's.
    let mut authors: Vec<_> = conflict
        .versions
        .iter()
        .map(|v| v.author.as_str())
        .collect();
    authors.sort();
    assert_eq!(authors, ["张指挥", "王参谋"]);
    assert_eq!(conflict.record.as_ref().map(Resource::id), Some(shelter));
    assert_eq!(shell.ok(&call::SyncStatus {}).conflicts, 1);
    shell.fails(
        &call::SyncResolve {
            record_id: "编号".into(),
            field: "capacity".into(),
            value: json!(1200),
        },
        ErrorCode::Invalid,
    );
    shell.ok(&call::SyncResolve {
        record_id: shelter.to_string(),
        field: "capacity".into(),
        value: json!(1200),
    });
    assert!(shell.ok(&call::SyncConflicts {}).is_empty());
    assert!(shell.ok(&call::SyncRefused {}).is_empty());
}

fn now() -> i64 {
    crate::command::now_ms()
}
