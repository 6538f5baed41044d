//! 预警: the warnings the district issues to an area, in the window — the top bar's button
//! (how many are in force), their areas on the map, and the panel: the list newest first, one
//! warning's 叫应 list (towns, hazard points with their 群测群防员, shelters, totals), 解除,
//! 更新, 导出 CAP, 导入 CAP (a path typed or chosen), and the form that issues one (按镇街,
//! 在地图上圈画 with the 圈选 tool, or 圆形 round a point picked on the map). Each act goes to
//! the shell as the logged-in user; a refusal shows the shell's words. (库存预警, the stock's,
//! is `warnings.rs`.)

use crate::context::{shared, Shared};
use crate::i18n::Lang;
use crate::map;
use crate::monitoring::short_time;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use yitu_domain::monitoring::warning::Recipients;
use yitu_domain::monitoring::{WarningArea, WarningKind, WarningLevel, WarningStatus};
use yitu_domain::registries::town;
use yitu_domain::{EntityId, LonLat};
use yitu_ipc::app::FileKind;
use yitu_ipc::call;
use yitu_ipc::monitoring::{NewWarning, WarningState};
use yitu_ui_state::{MapTool, Side, Window};

/// Reads the warnings again (with the stations: `monitoring::refresh` calls this).
pub fn refresh(shared: Shared) {
    spawn_local(async move {
        if let Ok(w) = invoke(&call::Warnings {}).await {
            shared.warnings.set(Some(w));
        }
    });
}

/// Keeps the warnings in force drawn.
pub fn follow() {
    let shared = shared();
    Effect::new(move |_| {
        let fc = shared.warnings.with(|w| w.as_ref().map(|w| features(w)));
        if !shared.ready() {
            return;
        }
        if let Some(fc) = fc {
            shared.with_map(|m| map::set_warnings(m, &fc));
        }
    });
}

/// The in-force warnings' areas as map features: a drawn area's polygon, or for a towns area
/// a ring at each hazard point it reaches (yitu holds no town outlines).
fn features(all: &[WarningState]) -> Value {
    let mut features = Vec::new();
    for w in all.iter().filter(|w| w.in_force) {
        let level = w.warning.level;
        let properties = json!({
            "id": w.warning.id.to_string(),
            "level": level.code(),
            "colour": map::warning_colour(level),
            "rank": level as i32,
        });
        match map::area_geometry(&w.warning.area) {
            Some(geometry) => features.push(json!({
                "type": "Feature", "properties": properties, "geometry": geometry,
            })),
            None => features.extend(w.recipients.hazards.iter().map(|h| {
                json!({
                    "type": "Feature", "properties": properties,
                    "geometry": { "type": "Point",
                                  "coordinates": [h.location.lon, h.location.lat] },
                })
            })),
        }
    }
    json!({ "type": "FeatureCollection", "features": features })
}

/// How many warnings are in force.
pub fn in_force(shared: Shared) -> usize {
    shared
        .warnings
        .with(|w| w.iter().flatten().filter(|w| w.in_force).count())
}

/// The top bar's 预警 button.
#[component]
pub fn WarningButton() -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let count = Memo::new(move |_| in_force(shared));
    view! {
        <button id="area-warnings-open" class="alarms-button warnings-button"
            class:some=move || { count.get() > 0 }
            class:active=move || shared.side.with(Side::area_warnings)
            data-count=move || count.get().to_string()
            title=move || lang.get().t("预警发布与叫应", "Warnings: issue and call")
            on:click=move |_| shared.act(Window::toggle_area_warnings)>
            {move || format!("{} {}", lang.get().t("预警", "Warnings"), count.get())}
        </button>
    }
}

/// A warning level's colour chip.
#[component]
pub fn WarningChip(level: WarningLevel) -> impl IntoView {
    let lang = crate::context::lang();
    let ink = if level == WarningLevel::Yellow {
        "#1c2430"
    } else {
        "#ffffff"
    };
    view! {
        <span class="alarm-chip" data-level=level.code()
            style=format!("background:{};color:{ink}", map::warning_colour(level))>
            {move || lang.get().t(level.zh(), level.en())}
        </span>
    }
}

/// Where a warning stands, as the list says it: a lift or an update is a record of its own
/// naming the one it replaces, so a replaced warning is 已解除 or 已更新 by what replaced it.
fn standing(w: &WarningState, all: &[WarningState], l: Lang) -> (&'static str, &'static str) {
    let by = w
        .superseded_by
        .and_then(|id| all.iter().find(|x| x.warning.id == id))
        .map(|x| x.warning.status);
    match (w.in_force, w.warning.status, by) {
        (true, ..) => ("in-force", l.t("生效中", "In force")),
        (false, WarningStatus::Lifted, _) | (false, _, Some(WarningStatus::Lifted)) => {
            ("lifted", l.t("已解除", "Lifted"))
        }
        (false, _, Some(_)) => ("updated", l.t("已更新", "Updated")),
        (false, _, None) => ("ended", l.t("已失效", "Expired")),
    }
}

/// How the area is drawn in the form.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Towns,
    Drawn,
    Circle,
}

/// What the issue form holds.
#[derive(Clone, Copy)]
struct Form {
    level: RwSignal<WarningLevel>,
    kind: RwSignal<WarningKind>,
    shape: RwSignal<Shape>,
    towns: RwSignal<Vec<String>>,
    ring: RwSignal<Vec<LonLat>>,
    centre: RwSignal<Option<LonLat>>,
    radius_km: RwSignal<String>,
    headline: RwSignal<String>,
    /// Typed by hand: the headline no longer follows the kind and level.
    headline_typed: RwSignal<bool>,
    description: RwSignal<String>,
    instructions: RwSignal<String>,
    hours: RwSignal<String>,
    exercise: RwSignal<bool>,
    replaces: RwSignal<Option<EntityId>>,
}

/// The headline a warning gets unless one is typed: 合川区暴雨红色预警.
fn headline(kind: WarningKind, level: WarningLevel) -> String {
    format!("合川区{}{}预警", kind.zh(), level.zh())
}

impl Form {
    fn new() -> Self {
        let (kind, level) = (WarningKind::Rainstorm, WarningLevel::Blue);
        Form {
            level: RwSignal::new(level),
            kind: RwSignal::new(kind),
            shape: RwSignal::new(Shape::Towns),
            towns: RwSignal::new(Vec::new()),
            ring: RwSignal::new(Vec::new()),
            centre: RwSignal::new(None),
            radius_km: RwSignal::new("5".into()),
            headline: RwSignal::new(headline(kind, level)),
            headline_typed: RwSignal::new(false),
            description: RwSignal::new(String::new()),
            instructions: RwSignal::new(String::new()),
            hours: RwSignal::new("24".into()),
            exercise: RwSignal::new(false),
            replaces: RwSignal::new(None),
        }
    }

    /// Empties the form for a new warning.
    fn reset(&self) {
        let (kind, level) = (WarningKind::Rainstorm, WarningLevel::Blue);
        self.level.set(level);
        self.kind.set(kind);
        self.shape.set(Shape::Towns);
        self.towns.set(Vec::new());
        self.ring.set(Vec::new());
        self.centre.set(None);
        self.radius_km.set("5".into());
        self.headline.set(headline(kind, level));
        self.headline_typed.set(false);
        self.description.set(String::new());
        self.instructions.set(String::new());
        self.hours.set("24".into());
        self.exercise.set(false);
        self.replaces.set(None);
    }

    /// Fills the form from a warning to update it (更新): what it says, for as long again as
    /// it had left, and `replaces` naming it.
    fn fill(&self, w: &WarningState, now_ms: i64) {
        let w0 = &w.warning;
        self.level.set(w0.level);
        self.kind.set(w0.kind);
        match &w0.area {
            WarningArea::Towns { towns, .. } => {
                self.shape.set(Shape::Towns);
                self.towns.set(towns.clone());
            }
            WarningArea::Polygon { ring } => {
                self.shape.set(Shape::Drawn);
                self.ring.set(ring.clone());
            }
            WarningArea::Circle { centre, radius_m } => {
                self.shape.set(Shape::Circle);
                self.centre.set(Some(*centre));
                self.radius_km
                    .set(crate::monitoring::value(radius_m / 1000.0));
            }
        }
        self.headline.set(w0.headline.clone());
        self.headline_typed.set(true);
        self.description.set(w0.description.clone());
        self.instructions.set(w0.instructions.clone());
        let left = ((w0.expires_ms - now_ms) as f64 / 3_600_000.0)
            .ceil()
            .max(1.0);
        self.hours.set(format!("{left}"));
        self.exercise.set(w0.exercise);
        self.replaces.set(Some(w0.id));
    }

    /// The warning as the shell is asked to issue it, or what is missing (the shell checks
    /// the rest and answers its own words).
    fn build(&self, l: Lang) -> Result<NewWarning, String> {
        let area = match self.shape.get_untracked() {
            Shape::Towns => WarningArea::Towns {
                towns: self.towns.get_untracked(),
                villages: Vec::new(),
            },
            Shape::Drawn => WarningArea::drawn(&self.ring.get_untracked()),
            Shape::Circle => {
                let Some(centre) = self.centre.get_untracked() else {
                    return Err(l
                        .t("请在地图上点选圆心", "Pick the centre on the map")
                        .into());
                };
                let km: f64 =
                    self.radius_km.get_untracked().trim().parse().map_err(|_| {
                        l.t("半径须为数字（公里）", "The radius must be a number (km)")
                    })?;
                WarningArea::Circle {
                    centre,
                    radius_m: km * 1000.0,
                }
            }
        };
        let hours: i64 = self.hours.get_untracked().trim().parse().map_err(|_| {
            l.t(
                "有效时长须为整数小时",
                "Hours in force must be a whole number",
            )
        })?;
        Ok(NewWarning {
            level: self.level.get_untracked(),
            kind: self.kind.get_untracked(),
            area,
            headline: self.headline.get_untracked().trim().to_owned(),
            description: self.description.get_untracked().trim().to_owned(),
            instructions: self.instructions.get_untracked().trim().to_owned(),
            hours,
            sender: String::new(),
            exercise: self.exercise.get_untracked(),
            replaces: self.replaces.get_untracked(),
        })
    }
}

/// What the panel shows under its buttons.
#[derive(Debug, Clone, Copy, PartialEq)]
enum View {
    List,
    Form,
    One(EntityId),
}

#[component]
pub fn AreaWarningsPanel(on_close: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let (error, set_error) = signal(None::<String>);
    let (cap, set_cap) = signal(None::<String>);
    let shown = RwSignal::new(View::List);
    let lifting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let form = Form::new();
    // Read afresh when the panel opens.
    refresh(shared);
    // The headline follows the kind and level until one is typed.
    Effect::new(move |_| {
        let (k, lv) = (form.kind.get(), form.level.get());
        if !form.headline_typed.get_untracked() {
            form.headline.set(headline(k, lv));
        }
    });
    // The circle's centre, once clicked on the map (`MapTool::Locate`).
    Effect::new(move |_| {
        let Some((lon, lat)) = shared.located.get() else {
            return;
        };
        if shown.get_untracked() == View::Form && form.shape.get_untracked() == Shape::Circle {
            shared.located.set(None);
            form.centre.set(Some(LonLat { lon, lat }));
        }
    });
    let now = || js_sys::Date::now() as i64;
    // A warning's reply: the list read again, the warning's 叫应 list shown.
    let answered = move |w: WarningState| {
        set_error.set(None);
        shown.set(View::One(w.warning.id));
        shared.warnings.update(|all| {
            let all = all.get_or_insert_with(Vec::new);
            all.retain(|x| x.warning.id != w.warning.id);
            all.insert(0, w);
        });
        refresh(shared);
    };
    let submit = move || {
        let new = match form.build(lang.get_untracked()) {
            Ok(n) => n,
            Err(e) => return set_error.set(Some(e)),
        };
        spawn_local(async move {
            match invoke(&call::IssueWarning { new }).await {
                Ok(w) => answered(w),
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let lift = move |id: EntityId| {
        let reason = reason.get_untracked().trim().to_owned();
        spawn_local(async move {
            match invoke(&call::LiftWarning { id, reason }).await {
                Ok(w) => {
                    lifting.set(false);
                    answered(w);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let export = move |id: EntityId| {
        spawn_local(async move {
            match invoke(&call::WarningCap { id }).await {
                Ok(p) => {
                    set_error.set(None);
                    set_cap.set(Some(p));
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    // 导入 CAP: a path typed or chosen (浏览…), as overlays are added, so a path pasted from
    // the bureau's mail works as well as the chooser.
    let importing = RwSignal::new(false);
    let cap_path = RwSignal::new(String::new());
    let browse = move |_| {
        spawn_local(async move {
            match invoke(&call::PickFile {
                kind: FileKind::Cap,
            })
            .await
            {
                Ok(Some(p)) => cap_path.set(p),
                Ok(None) => {}
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let import = move || {
        let path = cap_path.get_untracked().trim().to_owned();
        if path.is_empty() {
            return set_error.set(Some(
                lang.get_untracked()
                    .t("请填写或选择 CAP 文件", "Type or choose a CAP file")
                    .to_owned(),
            ));
        }
        spawn_local(async move {
            match invoke(&call::ImportCap { path }).await {
                Ok(w) => {
                    importing.set(false);
                    cap_path.set(String::new());
                    answered(w);
                }
                Err(e) => set_error.set(Some(e.message)),
            }
        });
    };
    let open_form = move |from: Option<WarningState>| {
        match from {
            Some(w) => form.fill(&w, now()),
            None => form.reset(),
        }
        set_error.set(None);
        set_cap.set(None);
        shown.set(View::Form);
    };
    let leave_form = move || {
        // Whatever the form asked of the map ends with it.
        shared.act(|w| {
            w.tool.take_area();
            w.tool.end_locate();
        });
    };

    let list = move |l: Lang| {
        shared.warnings.with(|all| match all {
            None => view! { <p class="muted">{l.t("加载中…", "Loading…")}</p> }.into_any(),
            Some(all) if all.is_empty() => view! {
                <p class="muted" id="area-warnings-none">{l.t("尚未发布预警", "No warnings issued")}</p>
            }.into_any(),
            Some(all) => {
                let items = all.iter().map(|w| {
                    let id = w.warning.id;
                    let (state, state_words) = standing(w, all, l);
                    let w0 = w.warning.clone();
                    view! {
                        <li class="warning" class:ended=!w.in_force data-warning=id.to_string()
                            data-state=state data-level=w0.level.code()
                            on:click=move |_| { set_cap.set(None); lifting.set(false); shown.set(View::One(id)) }>
                            <div class="alarm-head">
                                <WarningChip level=w0.level/>
                                <strong class="rule">{l.t(w0.kind.zh(), w0.kind.en())}</strong>
                                {w0.exercise.then(|| view! { <span class="drill">"【演练】"</span> })}
                                <span class="alarm-state" data-state=state>{state_words}</span>
                            </div>
                            <div class="alarm-station">{w0.headline.clone()}</div>
                            <div class="alarm-facts">{format!("{} {} · {} {}",
                                l.t("发布", "issued"), short_time(w0.issued_at_ms),
                                l.t("有效至", "until"), short_time(w0.expires_ms))}</div>
                        </li>
                    }
                }).collect_view();
                view! { <ul class="alarm-list warning-list" id="warning-list">{items}</ul> }.into_any()
            }
        })
    };

    let one = move |id: EntityId, l: Lang| {
        let Some((w, (state, state_words))) = shared.warnings.with(|all| {
            let all = all.as_deref().unwrap_or_default();
            let w = all.iter().find(|w| w.warning.id == id)?;
            Some((w.clone(), standing(w, all, l)))
        }) else {
            return view! { <p class="muted">{l.t("加载中…", "Loading…")}</p> }.into_any();
        };
        let w0 = w.warning.clone();
        let in_force = w.in_force;
        let again = w.clone();
        let area_words = match &w0.area {
            WarningArea::Towns { .. } => l.t("按镇街", "By town").to_owned(),
            WarningArea::Polygon { ring } => format!(
                "{}（{} {}）",
                l.t("圈画区域", "Drawn area"),
                ring.len(),
                l.t("个顶点", "corners")
            ),
            WarningArea::Circle { radius_m, .. } => format!(
                "{} {} km",
                l.t("圆形 半径", "Circle, radius"),
                crate::monitoring::value(radius_m / 1000.0)
            ),
        };
        view! {
            <div class="warning-one" id="warning-one" data-warning=id.to_string() data-state=state>
                <button class="back" on:click=move |_| shown.set(View::List)>{l.t("← 预警列表", "← All warnings")}</button>
                <div class="alarm-head">
                    <WarningChip level=w0.level/>
                    <strong class="rule">{w0.headline.clone()}</strong>
                    {w0.exercise.then(|| view! { <span class="drill">"【演练】"</span> })}
                    <span class="alarm-state" data-state=state>{state_words}</span>
                </div>
                <div class="alarm-facts">{format!("{} · {} · {} {} · {} {}",
                    l.t(w0.kind.zh(), w0.kind.en()), area_words,
                    l.t("发布", "issued"), short_time(w0.issued_at_ms),
                    l.t("有效至", "until"), short_time(w0.expires_ms))}</div>
                <div class="alarm-facts">{format!("{} {}{}", l.t("发布单位", "Sender"), w0.sender,
                    if w0.issuer.is_empty() { String::new() } else { format!(" · {} {}", l.t("签发人", "signed"), w0.issuer) })}</div>
                {(!w0.description.is_empty()).then(|| view! { <p class="warning-text">{w0.description.clone()}</p> })}
                {(!w0.instructions.is_empty()).then(|| view! {
                    <p class="warning-text"><b>{l.t("防御指南：", "What to do: ")}</b>{w0.instructions.clone()}</p>
                })}
                <div class="alarm-actions">
                    {in_force.then(|| view! {
                        <button class="lift" on:click=move |_| { reason.set(String::new()); lifting.set(true) }>{l.t("解除", "Lift")}</button>
                        <button class="update" on:click=move |_| open_form(Some(again.clone()))>{l.t("更新", "Update")}</button>
                    })}
                    <button class="cap" on:click=move |_| export(id)>{l.t("导出 CAP", "Export CAP")}</button>
                </div>
                {move || cap.get().map(|p| view! {
                    <p class="cap-path" id="cap-path">{format!("{}{p}", lang.get().t("已导出：", "Written: "))}</p>
                })}
                {move || lifting.get().then(|| view! {
                    <form class="alarm-form lift-form" on:submit=move |ev| { ev.prevent_default(); lift(id) }>
                        <label class="wide">{lang.get().t("解除原因", "Why it is lifted")}
                            <input name="reason" prop:value=move || reason.get()
                                on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                        <div class="buttons">
                            <button type="submit" class="primary">{lang.get().t("解除预警", "Lift the warning")}</button>
                            <button type="button" on:click=move |_| lifting.set(false)>{lang.get().t("取消", "Cancel")}</button>
                        </div>
                    </form>
                })}
                <CallList recipients=w.recipients.clone()/>
            </div>
        }.into_any()
    };

    view! {
        <aside class="details alarms area-warnings" id="area-warnings" role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| { leave_form(); on_close() }>"×"</button>
            <h2>{move || lang.get().t("预警", "Warnings")}</h2>
            <div class="alarm-actions top">
                <button class="primary" id="warning-new" on:click=move |_| open_form(None)>{move || lang.get().t("发布预警", "Issue a warning")}</button>
                <button id="warning-import" class:active=move || importing.get()
                    on:click=move |_| importing.update(|o| *o = !*o)>{move || lang.get().t("导入 CAP", "Import CAP")}</button>
            </div>
            {move || importing.get().then(|| view! {
                <form class="alarm-form cap-import" id="cap-import" on:submit=move |ev| { ev.prevent_default(); import() }>
                    <label class="wide">{move || lang.get().t("CAP 1.2 文件（气象台等发布的预警）", "CAP 1.2 file (from the weather bureau, say)")}
                        <input id="cap-import-path" placeholder=move || lang.get().t("文件路径", "File path")
                            prop:value=move || cap_path.get() on:input=move |ev| cap_path.set(event_target_value(&ev))/></label>
                    <div class="buttons">
                        <button type="button" id="cap-browse" on:click=browse>{move || lang.get().t("浏览…", "Browse…")}</button>
                        <button type="submit" class="primary" id="cap-import-go">{move || lang.get().t("导入", "Import")}</button>
                    </div>
                </form>
            })}
            {move || error.get().map(|e| view! { <p class="error" id="warning-error">{e}</p> })}
            {move || {
                let l = lang.get();
                match shown.get() {
                    View::List => list(l),
                    View::One(id) => one(id, l),
                    View::Form => view! {
                        <IssueForm form=form on_submit=submit
                            on_cancel=move || { leave_form(); shown.set(View::List) }/>
                    }.into_any(),
                }
            }}
        </aside>
    }
}

/// The issue (or update) form.
#[component]
fn IssueForm(
    form: Form,
    on_submit: impl Fn() + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shared = shared();
    let lang = shared.lang;
    let towns = town::all();
    let drawing = move || shared.tool.with(|t| t.drawing().map(<[_]>::len));
    let locating = move || shared.tool.with(MapTool::locating);
    let shape_button = move |s: Shape, id: &'static str, zh: &'static str, en: &'static str| {
        view! {
            <button type="button" id=id class:active=move || form.shape.get() == s
                on:click=move |_| form.shape.set(s)>{move || lang.get().t(zh, en)}</button>
        }
    };
    view! {
        <form class="alarm-form warning-form" id="warning-form" on:submit=move |ev| {
            ev.prevent_default();
            on_submit();
        }>
            {move || form.replaces.get().map(|_| view! {
                <p class="wide muted">{lang.get().t("更新：发布后替代原预警", "Update: replaces the warning it was opened from")}</p>
            })}
            <label>{move || lang.get().t("预警级别", "Level")}
                <select name="level" on:change=move |ev| {
                    if let Ok(l) = WarningLevel::from_code(&event_target_value(&ev)) { form.level.set(l) }
                }>
                    {WarningLevel::ALL.iter().map(|l| {
                        let l = *l;
                        view! { <option value=l.code() selected=move || form.level.get() == l>{move || lang.get().t(l.zh(), l.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{move || lang.get().t("预警类别", "Kind")}
                <select name="kind" on:change=move |ev| {
                    if let Ok(k) = WarningKind::from_code(&event_target_value(&ev)) { form.kind.set(k) }
                }>
                    {WarningKind::ALL.iter().map(|k| {
                        let k = *k;
                        view! { <option value=k.code() selected=move || form.kind.get() == k>{move || lang.get().t(k.zh(), k.en())}</option> }
                    }).collect_view()}
                </select>
            </label>
            <div class="wide shape-switch lang-switch" role="group">
                {shape_button(Shape::Towns, "shape-towns", "按镇街", "By town")}
                {shape_button(Shape::Drawn, "shape-drawn", "在地图上圈画", "Draw on the map")}
                {shape_button(Shape::Circle, "shape-circle", "圆形", "Circle")}
            </div>
            {move || match form.shape.get() {
                Shape::Towns => view! {
                    <div class="wide town-pick" id="town-pick">
                        {towns.iter().map(|t| {
                            let code = t.code.clone();
                            let c2 = code.clone();
                            view! {
                                <label class="check"><input type="checkbox" data-town=code.clone()
                                    prop:checked=move || form.towns.with(|v| v.contains(&code))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.towns.update(|v| {
                                            v.retain(|x| x != &c2);
                                            if on { v.push(c2.clone()) }
                                        });
                                    }/>{t.name.clone()}</label>
                            }
                        }).collect_view()}
                    </div>
                }.into_any(),
                Shape::Drawn => view! {
                    <div class="wide draw-row">
                        {move || match drawing() {
                            Some(n) => view! {
                                <span>{format!("{} {n}", lang.get().t("已点击顶点", "corners clicked"))}</span>
                                <button type="button" id="draw-finish" on:click=move |_| {
                                    let corners = shared.act(|w| w.tool.take_area()).unwrap_or_default();
                                    form.ring.set(corners.iter().map(|p| LonLat { lon: p[0], lat: p[1] }).collect());
                                }>{lang.get().t("完成圈画", "Finish")}</button>
                            }.into_any(),
                            None => view! {
                                <span>{move || match form.ring.with(Vec::len) {
                                    0 => lang.get().t("尚未圈画", "Nothing drawn yet").to_owned(),
                                    n => format!("{} {n} {}", lang.get().t("已圈画", "Drawn:"), lang.get().t("个顶点", "corners")),
                                }}</span>
                                <button type="button" id="draw-start" on:click=move |_| {
                                    shared.act(|w| w.tool = MapTool::DrawArea(Vec::new()));
                                }>{lang.get().t("在地图上点击各顶点", "Click the corners on the map")}</button>
                            }.into_any(),
                        }}
                    </div>
                }.into_any(),
                Shape::Circle => view! {
                    <div class="wide draw-row">
                        <span>{move || match (locating(), form.centre.get()) {
                            (true, _) => lang.get().t("请在地图上点击圆心", "Click the centre on the map").to_owned(),
                            (false, Some(c)) => format!("{} {:.4}, {:.4}", lang.get().t("圆心", "Centre"), c.lon, c.lat),
                            (false, None) => lang.get().t("尚未选圆心", "No centre yet").to_owned(),
                        }}</span>
                        <button type="button" id="centre-pick" on:click=move |_| {
                            shared.act(|w| w.tool = MapTool::Locate);
                        }>{move || lang.get().t("在地图上点选圆心", "Pick the centre")}</button>
                    </div>
                    <label>{move || lang.get().t("半径（公里）", "Radius (km)")}
                        <input name="radius" inputmode="decimal" prop:value=move || form.radius_km.get()
                            on:input=move |ev| form.radius_km.set(event_target_value(&ev))/></label>
                }.into_any(),
            }}
            <label class="wide">{move || lang.get().t("标题", "Headline")}
                <input name="headline" prop:value=move || form.headline.get()
                    on:input=move |ev| { form.headline_typed.set(true); form.headline.set(event_target_value(&ev)) }/></label>
            <label class="wide">{move || lang.get().t("预警内容", "What is expected")}
                <textarea name="description" rows="2" prop:value=move || form.description.get()
                    on:input=move |ev| form.description.set(event_target_value(&ev))></textarea></label>
            <label class="wide">{move || lang.get().t("防御指南", "What to do")}
                <textarea name="instructions" rows="3" prop:value=move || form.instructions.get()
                    on:input=move |ev| form.instructions.set(event_target_value(&ev))></textarea></label>
            <label>{move || lang.get().t("有效时长（小时）", "Hours in force")}
                <input name="hours" inputmode="numeric" prop:value=move || form.hours.get()
                    on:input=move |ev| form.hours.set(event_target_value(&ev))/></label>
            <label class="check"><input type="checkbox" name="exercise"
                prop:checked=move || form.exercise.get()
                on:change=move |ev| form.exercise.set(event_target_checked(&ev))/>
                {move || lang.get().t("演练", "Drill")}</label>
            <div class="buttons">
                <button type="submit" class="primary" id="warning-submit">{move || if form.replaces.get().is_some() {
                    lang.get().t("发布更新", "Issue the update")
                } else {
                    lang.get().t("发布预警", "Issue")
                }}</button>
                <button type="button" on:click=move |_| on_cancel()>{move || lang.get().t("取消", "Cancel")}</button>
            </div>
        </form>
    }
}

/// Whom a warning reaches (叫应): towns, hazard points with their monitors, shelters, totals.
#[component]
fn CallList(recipients: Recipients) -> impl IntoView {
    let lang = crate::context::lang();
    let r = recipients;
    move || {
        let l = lang.get();
        let t = &r.totals;
        let totals = format!(
            "{} {} · {} {} · {} {} {} {} {} · {} {}（{} {}）",
            l.t("镇街", "towns"),
            t.towns,
            l.t("隐患点", "hazards"),
            t.hazards,
            l.t("受威胁", "threatened"),
            t.threatened_people,
            l.t("人", "people"),
            t.threatened_households,
            l.t("户", "households"),
            l.t("避难场所", "shelters"),
            t.shelters,
            l.t("可容纳", "capacity"),
            t.shelter_capacity,
        );
        let towns = r
            .towns
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join("、");
        view! {
            <section class="call-list" id="call-list">
                <h3>{l.t("叫应名单", "Whom to call")}</h3>
                <p class="summary" id="call-totals">{totals}</p>
                <p><b>{l.t("镇街：", "Towns: ")}</b>{if towns.is_empty() { l.t("无", "none").to_owned() } else { towns }}</p>
                <h4>{format!("{}（{}）", l.t("隐患点 · 群测群防员", "Hazard points · monitors"), r.hazards.len())}</h4>
                <table class="call-table" id="call-hazards">
                    <thead><tr><th>{l.t("隐患点", "Hazard")}</th><th>{l.t("群测群防员", "Monitor")}</th>
                        <th>{l.t("电话", "Phone")}</th><th>{l.t("人/户", "People/hh")}</th></tr></thead>
                    <tbody>{r.hazards.iter().map(|h| view! {
                        <tr><td>{h.name.clone()}</td><td>{h.monitor.clone()}</td>
                            <td class="phone">{h.monitor_phone.clone()}</td>
                            <td class="num">{format!("{}/{}", h.threatened_people, h.threatened_households)}</td></tr>
                    }).collect_view()}</tbody>
                </table>
                <h4>{format!("{}（{}）", l.t("避难场所", "Shelters"), r.shelters.len())}</h4>
                <table class="call-table" id="call-shelters">
                    <thead><tr><th>{l.t("场所", "Shelter")}</th><th>{l.t("容量/空余", "Capacity/free")}</th>
                        <th>{l.t("负责人", "Manager")}</th><th>{l.t("电话", "Phone")}</th></tr></thead>
                    <tbody>{r.shelters.iter().map(|s| view! {
                        <tr><td>{s.name.clone()}</td><td class="num">{format!("{}/{}", s.capacity, s.free_capacity)}</td>
                            <td>{s.manager.clone()}</td><td class="phone">{s.phone.clone()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
        }
    }
}
