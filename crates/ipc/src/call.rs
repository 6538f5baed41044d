//! Every command the window calls, one type each: its fields are the command's arguments (in
//! camelCase on the wire, as Tauri names a command's parameters), `NAME` the shell function it
//! reaches, `Reply` what it answers with. Ids cross as text; the shell parses them (`invalid`
//! when malformed, `not_found` when unknown). Grouped as the shell's `command` modules are.

use crate::{
    app, basemap, decision, dispatch, import, incident, monitoring, overlay, registry, stock, sync,
};
use crate::{user, Command};
use serde::{Deserialize, Serialize};
use yitu_domain::command::decision::{Content, Decision};
use yitu_domain::command::incident::{LogEntry, Toll};
use yitu_domain::command::role::Role;
use yitu_domain::dispatch::filter::Filter;
use yitu_domain::import::ImportKind;
use yitu_domain::registries::expert::ExpertField;
use yitu_domain::registries::resource::Resource as Record;
use yitu_domain::registries::team::Specialty;
use yitu_domain::space::crs::Crs;
use yitu_domain::stock::{Balance, MoveKind};
use yitu_domain::Layer;

/// The commands' names, in the order the shell registers them (its tests call each).
pub const NAMES: &[&str] = &[
    AppInfo::NAME,
    Stats::NAME,
    Resources::NAME,
    MapFilter::NAME,
    Resource::NAME,
    DepotStock::NAME,
    BaseMap::NAME,
    Briefing::NAME,
    Search::NAME,
    Roads::NAME,
    LoadRoads::NAME,
    Coverage::NAME,
    Inside::NAME,
    RecordForm::NAME,
    UpdateRecord::NAME,
    RetireRecord::NAME,
    History::NAME,
    StockMove::NAME,
    StockTerms::NAME,
    StockWarnings::NAME,
    CreateRecord::NAME,
    DepotsHolding::NAME,
    Readiness::NAME,
    Users::NAME,
    Login::NAME,
    Logout::NAME,
    AddUser::NAME,
    Incidents::NAME,
    CreateIncident::NAME,
    Incident::NAME,
    AddLog::NAME,
    IncidentBriefingPdf::NAME,
    DecisionTemplate::NAME,
    DraftDecision::NAME,
    EditDraft::NAME,
    DecisionAct::NAME,
    DecisionView::NAME,
    DecisionPdf::NAME,
    Verify::NAME,
    Inbox::NAME,
    ImportPreview::NAME,
    ImportCommit::NAME,
    ImportProgress::NAME,
    ExportRegister::NAME,
    SyncStatus::NAME,
    SyncEnrol::NAME,
    SyncNow::NAME,
    SyncConflicts::NAME,
    SyncResolve::NAME,
    SyncRefused::NAME,
    Basemaps::NAME,
    BasemapAdd::NAME,
    BasemapUse::NAME,
    BasemapRemove::NAME,
    PickFile::NAME,
    Overlays::NAME,
    OverlayAdd::NAME,
    OverlayRemove::NAME,
    OverlayShow::NAME,
    OverlayGeojson::NAME,
    Monitoring::NAME,
    StationReadings::NAME,
    AlarmStep::NAME,
    Warnings::NAME,
    IssueWarning::NAME,
    LiftWarning::NAME,
    WarningCap::NAME,
    ImportCap::NAME,
];

// --- The app, the registries and analysis (`command`) -------------------------------------

/// What the shell says about itself and its store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppInfo {}
impl Command for AppInfo {
    const NAME: &'static str = "app_info";
    type Reply = app::About;
}

/// Counts per layer and kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {}
impl Command for Stats {
    const NAME: &'static str = "stats";
    type Reply = registry::Stats;
}

/// Every live record of a layer (the window filters, lists and searches them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    pub layer: Layer,
}
impl Command for Resources {
    const NAME: &'static str = "resources";
    type Reply = Vec<Record>;
    const BYTES: bool = true;
}

/// The map is to draw what these filters keep of the store as it is now; answers the version
/// the window's tile URLs are to name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MapFilter {
    pub filter: Filter,
}
impl Command for MapFilter {
    const NAME: &'static str = "map_filter";
    type Reply = u64;
}

/// One record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: String,
}
impl Command for Resource {
    const NAME: &'static str = "resource";
    type Reply = Record;
}

/// A depot's stock lines with their balances and today's warnings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepotStock {
    pub id: String,
}
impl Command for DepotStock {
    const NAME: &'static str = "depot_stock";
    type Reply = Vec<stock::StockRow>;
}

/// The shipped base-map layers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BaseMap {}
impl Command for BaseMap {
    const NAME: &'static str = "base_map";
    type Reply = app::BaseMap;
}

/// The dispatch briefing for a point picked on the map: teams of a specialty, experts of a
/// field, depots with at least `min_quantity` (1 when not given) of a material code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Briefing {
    pub lon: f64,
    pub lat: f64,
    pub specialty: Option<Specialty>,
    pub field: Option<ExpertField>,
    /// A GB/T 38565 code at any level, as typed; empty is none.
    pub material: Option<String>,
    pub min_quantity: Option<i64>,
}
impl Command for Briefing {
    const NAME: &'static str = "briefing";
    type Reply = dispatch::Briefing;
}

/// Records of any layer matching what the user typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Search {
    pub query: String,
}
impl Command for Search {
    const NAME: &'static str = "search";
    type Reply = Vec<registry::Hit>;
}

/// The loaded road network, or none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Roads {}
impl Command for Roads {
    const NAME: &'static str = "roads";
    type Reply = Option<dispatch::Roads>;
}

/// Loads a road network from GeoJSON text the user chose; a bad file is refused whole, with
/// every problem listed, and the loaded network stays as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadRoads {
    /// The file's name, kept as the network's source.
    pub name: String,
    pub text: String,
    pub crs: Crs,
}
impl Command for LoadRoads {
    const NAME: &'static str = "load_roads";
    type Reply = dispatch::RoadInfo;
}

/// Towns a standby team (of a specialty) does not reach within `minutes` (1–600).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub specialty: Option<Specialty>,
    pub minutes: f64,
}
impl Command for Coverage {
    const NAME: &'static str = "coverage";
    type Reply = dispatch::Coverage;
}

/// Hazards and shelters with free places inside an area drawn on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inside {
    /// The corners, `[lon, lat]`.
    pub outline: Vec<[f64; 2]>,
}
impl Command for Inside {
    const NAME: &'static str = "inside";
    type Reply = dispatch::Inside;
}

/// A record laid out as its import row, for the edit form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordForm {
    pub id: String,
}
impl Command for RecordForm {
    const NAME: &'static str = "record_form";
    type Reply = registry::RecordForm;
}

/// Saves the fields the form changed (header, value), validated as an import row is; a refusal
/// lists every reason and writes nothing. Answers the record as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRecord {
    pub id: String,
    pub sets: Vec<(String, String)>,
}
impl Command for UpdateRecord {
    const NAME: &'static str = "update_record";
    type Reply = Record;
}

/// Retires a record, with the reason the user gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetireRecord {
    pub id: String,
    pub reason: String,
}
impl Command for RetireRecord {
    const NAME: &'static str = "retire_record";
    type Reply = ();
}

/// A record's changes, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub id: String,
}
impl Command for History {
    const NAME: &'static str = "history";
    type Reply = Vec<registry::Change>;
}

/// A stock movement on a line of a depot, checked against the balance in its transaction (it
/// never takes stock below zero). A receipt with `new_line` opens a line for a material the
/// depot did not hold (a full 7-digit code). Answers the line's balance after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockMove {
    pub depot: String,
    /// The material's GB/T 38565 code, as typed or chosen.
    pub code: String,
    pub kind: MoveKind,
    pub quantity: i64,
    pub note: String,
    pub new_line: Option<stock::NewLine>,
}
impl Command for StockMove {
    const NAME: &'static str = "stock_move";
    type Reply = Balance;
}

/// Sets a stock line's expiry and minimum (either may be cleared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockTerms {
    pub depot: String,
    pub code: String,
    pub expiry: Option<String>,
    pub minimum: Option<i64>,
}
impl Command for StockTerms {
    const NAME: &'static str = "stock_terms";
    type Reply = ();
}

/// Every stock line that warns today, depot by depot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StockWarnings {}
impl Command for StockWarnings {
    const NAME: &'static str = "stock_warnings";
    type Reply = Vec<stock::LineWarning>;
}

/// Creates a record of `kind` from the cells of its form (the kind's import headers, the id
/// left empty), validated as an import row; refused with every reason, nothing written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateRecord {
    pub kind: ImportKind,
    pub cells: Vec<String>,
}
impl Command for CreateRecord {
    const NAME: &'static str = "create_record";
    type Reply = Record;
}

/// The ids of the depots that can still promise at least `at_least` of a material code (any
/// level), for the depot filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepotsHolding {
    pub code: String,
    pub at_least: i64,
}
impl Command for DepotsHolding {
    const NAME: &'static str = "depots_holding";
    type Reply = Vec<String>;
}

/// People the district's and each town's relocation reserve can support, against the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Readiness {}
impl Command for Readiness {
    const NAME: &'static str = "readiness";
    type Reply = yitu_domain::dispatch::readiness::Readiness;
}

// --- Local users (`command::user`) ----------------------------------------------------------

/// The device's users and who is logged in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Users {}
impl Command for Users {
    const NAME: &'static str = "users";
    type Reply = user::Users;
}

/// Logs a user in on this window, checking the password offline against the user's hash (a
/// user without one logs in with any, as before passwords); a wrong one is refused
/// (`ErrorCode::Password`) and counted, five in a row lock the login for five minutes
/// (`ErrorCode::LockedOut`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    pub name: String,
    #[serde(default)]
    pub password: String,
}
impl Command for Login {
    const NAME: &'static str = "login";
    type Reply = user::Actor;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Logout {}
impl Command for Logout {
    const NAME: &'static str = "logout";
    type Reply = ();
}

/// Adds a local user (the first must be a commander; after that only a commander adds users).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddUser {
    pub name: String,
    pub role: Role,
}
impl Command for AddUser {
    const NAME: &'static str = "add_user";
    type Reply = user::Actor;
}

// --- Incidents (`command::incident`) --------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Incidents {}
impl Command for Incidents {
    const NAME: &'static str = "incidents";
    type Reply = Vec<yitu_domain::command::incident::Incident>;
}

/// Records an incident as the logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIncident {
    pub new: incident::NewIncident,
}
impl Command for CreateIncident {
    const NAME: &'static str = "create_incident";
    type Reply = yitu_domain::command::incident::Incident;
}

/// An incident with its category, log and decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incident {
    pub id: String,
}
impl Command for Incident {
    const NAME: &'static str = "incident";
    type Reply = incident::IncidentFile;
}

/// A 续报: what became known, optionally with the toll as now reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddLog {
    pub id: String,
    pub text: String,
    pub toll: Option<Toll>,
}
impl Command for AddLog {
    const NAME: &'static str = "add_log";
    type Reply = LogEntry;
}

/// The incident briefing (事件态势简报) as a PDF in the data folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IncidentBriefingPdf {
    pub id: String,
}
impl Command for IncidentBriefingPdf {
    const NAME: &'static str = "incident_briefing_pdf";
    type Reply = incident::Printout;
}

// --- Decisions (`command::decision`) --------------------------------------------------------

/// The draft the incident kind's template gives for an incident (the template itself, its
/// orders' specialties and its note, is `yitu_domain::command::template::for_kind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionTemplate {
    pub incident: String,
}
impl Command for DecisionTemplate {
    const NAME: &'static str = "decision_template";
    type Reply = Content;
}

/// Stores a new draft for an incident as the logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftDecision {
    pub incident: String,
    pub content: Content,
}
impl Command for DraftDecision {
    const NAME: &'static str = "draft_decision";
    type Reply = Decision;
}

/// Replaces a draft's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditDraft {
    pub id: String,
    pub content: Content,
}
impl Command for EditDraft {
    const NAME: &'static str = "edit_draft";
    type Reply = Decision;
}

/// Takes an action on a decision as the logged-in user; answers the decision as it now stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionAct {
    pub id: String,
    pub act: yitu_domain::command::act::Act,
}
impl Command for DecisionAct {
    const NAME: &'static str = "decision_act";
    type Reply = decision::DecisionView;
}

/// A decision with its acknowledgements, history and chain events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionView {
    pub id: String,
}
impl Command for DecisionView {
    const NAME: &'static str = "decision_view";
    type Reply = decision::DecisionView;
}

/// The order sheet (指令单) as a PDF in the data folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionPdf {
    pub id: String,
}
impl Command for DecisionPdf {
    const NAME: &'static str = "decision_pdf";
    type Reply = incident::Printout;
}

/// Every incident's chain and every signed decision, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Verify {}
impl Command for Verify {
    const NAME: &'static str = "verify";
    type Reply = decision::VerifyReport;
}

/// 待办: the decisions waiting for the logged-in user's step (none when nobody is logged in).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inbox {}
impl Command for Inbox {
    const NAME: &'static str = "inbox";
    type Reply = Vec<decision::InboxItem>;
}

// --- Imports and exports (`command::import`) ------------------------------------------------

/// Reads and checks a file (its parts: name and bytes; a shapefile's .shp, .dbf, .shx, .prj)
/// as records of `kind` and shows what it would do. Nothing is written to the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub kind: ImportKind,
    pub crs: Crs,
    pub files: Vec<(String, Vec<u8>)>,
}
impl Command for ImportPreview {
    const NAME: &'static str = "import_preview";
    type Reply = import::Preview;
}

/// Writes the previewed import in one transaction: all rows, or with `skip_invalid` the valid
/// ones. Refused, nothing written, when a row is bad and `skip_invalid` is not set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportCommit {
    pub skip_invalid: bool,
}
impl Command for ImportCommit {
    const NAME: &'static str = "import_commit";
    type Reply = import::ImportReport;
}

/// Rows written so far of the import running: (done, total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportProgress {}
impl Command for ImportProgress {
    const NAME: &'static str = "import_progress";
    type Reply = (usize, usize);
}

/// Writes a registry (or the stock) to a file in the data folder's `exports/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportRegister {
    pub kind: ImportKind,
    pub format: import::ExportFormat,
}
impl Command for ExportRegister {
    const NAME: &'static str = "export_register";
    type Reply = import::Exported;
}

// --- Sync (`command::sync`) -----------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {}
impl Command for SyncStatus {
    const NAME: &'static str = "sync_status";
    type Reply = sync::SyncStatus;
}

/// Exchanges a one-time code for this desktop's credential, then starts syncing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncEnrol {
    /// `http://host:port` or `https://…`.
    pub server: String,
    pub code: String,
    /// What the server lists this desktop as.
    pub label: String,
}
impl Command for SyncEnrol {
    const NAME: &'static str = "sync_enrol";
    type Reply = sync::SyncStatus;
}

/// A pass now; its outcome (an unreachable server is an outcome, not a failure).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncNow {}
impl Command for SyncNow {
    const NAME: &'static str = "sync_now";
    type Reply = sync::Pass;
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncConflicts {}
impl Command for SyncConflicts {
    const NAME: &'static str = "sync_conflicts";
    type Reply = Vec<sync::ConflictView>;
}

/// Ends a conflict with the value picked (one of the versions, or one typed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncResolve {
    pub record_id: String,
    pub field: String,
    pub value: serde_json::Value,
}
impl Command for SyncResolve {
    const NAME: &'static str = "sync_resolve";
    type Reply = ();
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncRefused {}
impl Command for SyncRefused {
    const NAME: &'static str = "sync_refused";
    type Reply = Vec<sync::Refused>;
}

// --- Offline base maps (`command::basemap`) -------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Basemaps {}
impl Command for Basemaps {
    const NAME: &'static str = "basemaps";
    type Reply = basemap::Basemaps;
}

/// Adds the MBTiles or PMTiles file at `path` and shows it; a file that is missing, broken,
/// empty or not tiles is refused with the reason and the map stays as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasemapAdd {
    pub path: String,
}
impl Command for BasemapAdd {
    const NAME: &'static str = "basemap_add";
    type Reply = basemap::Basemaps;
}

/// Shows the package `id`, or none (`id` empty): the district's own layers only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasemapUse {
    pub id: String,
}
impl Command for BasemapUse {
    const NAME: &'static str = "basemap_use";
    type Reply = basemap::Basemaps;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BasemapRemove {
    pub id: String,
}
impl Command for BasemapRemove {
    const NAME: &'static str = "basemap_remove";
    type Reply = basemap::Basemaps;
}

// --- The file chooser (`command::file`) -----------------------------------------------------

/// Asks the user for a file of a kind; none when the chooser is cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickFile {
    pub kind: app::FileKind,
}
impl Command for PickFile {
    const NAME: &'static str = "pick_file";
    type Reply = Option<String>;
}

// --- Vector overlays (`command::overlay`) ---------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overlays {}
impl Command for Overlays {
    const NAME: &'static str = "overlays";
    type Reply = Vec<overlay::Overlay>;
}

/// Adds the file at `path`, its positions in `crs`, named `name` or after the file, and shows
/// it; a refused file changes nothing and the reason is returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayAdd {
    pub path: String,
    pub crs: Crs,
    pub name: Option<String>,
}
impl Command for OverlayAdd {
    const NAME: &'static str = "overlay_add";
    type Reply = Vec<overlay::Overlay>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayRemove {
    pub id: String,
}
impl Command for OverlayRemove {
    const NAME: &'static str = "overlay_remove";
    type Reply = Vec<overlay::Overlay>;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayShow {
    pub id: String,
    pub shown: bool,
}
impl Command for OverlayShow {
    const NAME: &'static str = "overlay_show";
    type Reply = Vec<overlay::Overlay>;
}

/// An overlay's features in WGS-84: a GeoJSON FeatureCollection of whatever the file held,
/// handed to the map as it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayGeojson {
    pub id: String,
}
impl Command for OverlayGeojson {
    const NAME: &'static str = "overlay_geojson";
    type Reply = serde_json::Value;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_named_once() {
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMES.len(), "a name listed twice");
        assert_eq!(NAMES.len(), 68);
    }

    #[test]
    fn arguments_cross_in_camel_case() {
        let args = serde_json::to_value(DepotsHolding {
            code: "101".into(),
            at_least: 5,
        })
        .unwrap();
        assert_eq!(args, serde_json::json!({"code": "101", "atLeast": 5}));
        let args = serde_json::to_value(Resources {
            layer: Layer::Shelters,
        })
        .unwrap();
        assert_eq!(args, serde_json::json!({"layer": "shelters"}));
        let none: AppInfo = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(none, AppInfo {});
    }
}

// --- Monitoring (`command::monitoring`) ------------------------------------------------------

/// The desk's monitoring now: stations with their health, the alarm board, what is overdue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {}
impl Command for Monitoring {
    const NAME: &'static str = "monitoring";
    type Reply = monitoring::Monitoring;
}

/// A station's readings observed in `[fromMs, toMs)`, oldest first: its chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StationReadings {
    pub code: String,
    pub from_ms: i64,
    pub to_ms: i64,
}
impl Command for StationReadings {
    const NAME: &'static str = "station_readings";
    type Reply = Vec<yitu_domain::monitoring::Reading>;
}

/// What the logged-in user did about an alarm (确认, 叫应, 升级, 人工解除).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmStep {
    pub step: monitoring::AlarmStep,
}
impl Command for AlarmStep {
    const NAME: &'static str = "alarm_step";
    type Reply = monitoring::Monitoring;
}

/// The warnings held, newest first, with whether each is in force and whom it reaches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Warnings {}
impl Command for Warnings {
    const NAME: &'static str = "warnings";
    type Reply = Vec<monitoring::WarningState>;
}

/// Issues (or, naming `replaces`, updates) a warning as the logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueWarning {
    pub new: monitoring::NewWarning,
}
impl Command for IssueWarning {
    const NAME: &'static str = "issue_warning";
    type Reply = monitoring::WarningState;
}

/// Lifts (解除) a warning in force, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftWarning {
    pub id: yitu_domain::EntityId,
    pub reason: String,
}
impl Command for LiftWarning {
    const NAME: &'static str = "lift_warning";
    type Reply = monitoring::WarningState;
}

/// Writes a warning as a CAP 1.2 message into the data folder's `exports/`; answers the path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WarningCap {
    pub id: yitu_domain::EntityId,
}
impl Command for WarningCap {
    const NAME: &'static str = "warning_cap";
    type Reply = String;
}

/// Takes in the CAP 1.2 file at `path` (another unit's warning) as the logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportCap {
    pub path: String,
}
impl Command for ImportCap {
    const NAME: &'static str = "import_cap";
    type Reply = monitoring::WarningState;
}
