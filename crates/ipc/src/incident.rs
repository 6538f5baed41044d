//! Incidents as the window records and reads them, and the printouts it asks for.

use serde::{Deserialize, Serialize};
use yitu_domain::command::decision::Decision;
use yitu_domain::command::incident::{
    Incident, IncidentCategory, IncidentKind, IncidentLevel, LogEntry, Toll,
};

/// What the incident form sends (`create_incident`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewIncident {
    pub kind: IncidentKind,
    pub level: IncidentLevel,
    /// Empty: the kind's default title.
    #[serde(default)]
    pub title: String,
    /// When it happened (Unix ms); now when not given.
    #[serde(default)]
    pub at_ms: Option<i64>,
    /// `[lon, lat]` where it happened.
    pub point: [f64; 2],
    /// The affected area's corners as drawn, when drawn.
    #[serde(default)]
    pub area: Option<Vec<[f64; 2]>>,
    #[serde(default)]
    pub toll: Toll,
}

/// An incident with its category, log and decisions, as its panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentFile {
    pub incident: Incident,
    pub category: IncidentCategory,
    pub log: Vec<LogEntry>,
    pub decisions: Vec<Decision>,
}

/// Where a printout was written in the data folder, and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printout {
    pub path: String,
    pub bytes: usize,
}
