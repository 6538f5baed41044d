//! What the right-hand side panel shows: one value, so two panels can never both claim it. A
//! record's details, and a monitoring station's panel, cover the panel they were opened from
//! (the alarm board, a briefing), which comes back when they close.

use crate::Point;
use yitu_domain::registries::expert::ExpertField;
use yitu_domain::registries::team::Specialty;
use yitu_domain::Layer;

/// A request for a briefing: the point, and the team specialty, expert field and material
/// (GB/T 38565 code, least quantity) asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub lon: f64,
    pub lat: f64,
    pub specialty: Option<Specialty>,
    pub field: Option<ExpertField>,
    pub material: Option<(String, i64)>,
}

impl Ask {
    /// A briefing at `at` asking what `last` asked: a new point keeps the question.
    pub fn at(at: Point, last: Option<&Ask>) -> Ask {
        Ask {
            lon: at[0],
            lat: at[1],
            specialty: last.and_then(|a| a.specialty),
            field: last.and_then(|a| a.field),
            material: last.and_then(|a| a.material.clone()),
        }
    }
}

/// What a coverage question asks: which teams, within how many minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageAsk {
    pub specialty: Option<Specialty>,
    pub minutes: f64,
}

/// What the side panel shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Side {
    #[default]
    Empty,
    /// A record's details, over the panel they were opened from (never another record's).
    Record {
        layer: Layer,
        id: String,
        over: Option<Box<Side>>,
    },
    /// A new incident at this point, being described; its affected area once drawn.
    NewIncident {
        point: Point,
        area: Option<Vec<Point>>,
    },
    /// An incident, by id.
    Incident(String),
    /// The dispatch briefing for a picked point.
    Briefing(Ask),
    /// What lies inside an area drawn on the map (its corners).
    Area(Vec<Point>),
    /// Which towns teams reach in time.
    Coverage(CoverageAsk),
    /// 储备保障能力.
    Readiness,
    /// Import and export of registers.
    Import,
    /// The new-record form.
    Create,
    /// The stock warnings.
    Warnings,
    /// A monitoring station (by 测站编码): its state, values, thresholds and chart, over the
    /// panel it was opened from (never a record's details or another station's).
    Station {
        code: String,
        over: Option<Box<Side>>,
    },
    /// 告警: the alarm board.
    Alarms,
    /// 预警: the district's warnings to an area (发布, 叫应, 解除, CAP), not the stock's.
    AreaWarnings,
}

/// Which panel is shown, leaving out what it holds that changes while it stays open (a
/// briefing's question, a new incident's area): the window builds a panel anew only when this
/// changes, so a form keeps what was typed into it.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Empty,
    Record(Layer, String),
    NewIncident(Point),
    Incident(String),
    Briefing,
    Area,
    Coverage,
    Readiness,
    Import,
    Create,
    Warnings,
    Station(String),
    Alarms,
    AreaWarnings,
}

impl Side {
    /// Opens a record's details over what is shown (the panel beneath stays for when they
    /// close; a record already shown gives way, its panel stays beneath).
    pub fn open_record(&mut self, layer: Layer, id: impl Into<String>) {
        let over = self.take_beneath();
        *self = Side::Record {
            layer,
            id: id.into(),
            over,
        };
    }

    /// Opens a monitoring station's panel over what is shown, as a record's details are (a
    /// station clicked on the map while the alarm board is open leaves the board beneath).
    pub fn open_station(&mut self, code: impl Into<String>) {
        let over = self.take_beneath();
        *self = Side::Station {
            code: code.into(),
            over,
        };
    }

    /// What a record's or a station's panel opened now covers: the panel shown, or the one
    /// beneath the details shown (details never stack on details).
    fn take_beneath(&mut self) -> Option<Box<Side>> {
        match std::mem::take(self) {
            Side::Empty => None,
            Side::Record { over, .. } | Side::Station { over, .. } => over,
            panel => Some(Box::new(panel)),
        }
    }

    /// Closes what is shown: a record's details and a station's panel give back the panel
    /// beneath them; any other panel leaves the side empty.
    pub fn close(&mut self) {
        *self = match std::mem::take(self) {
            Side::Record { over, .. } | Side::Station { over, .. } => {
                over.map_or(Side::Empty, |p| *p)
            }
            _ => Side::Empty,
        };
    }

    /// A point picked on the map: its briefing, asking what the last briefing asked.
    pub fn pick(&mut self, at: Point) {
        let ask = Ask::at(at, self.briefing());
        *self = Side::Briefing(ask);
    }

    /// Closes a drawn area's panel, shown or beneath a record (a new one is being drawn).
    pub fn end_area(&mut self) {
        self.drop_panel(|p| matches!(p, Side::Area(_)));
    }

    /// Closes the incident desk (an incident, or a new one's form), shown or beneath a record.
    pub fn end_incident(&mut self) {
        self.drop_panel(|p| matches!(p, Side::Incident(_) | Side::NewIncident { .. }));
    }

    fn drop_panel(&mut self, which: impl Fn(&Side) -> bool) {
        match self {
            Side::Record { over, .. } | Side::Station { over, .. }
                if over.as_deref().is_some_and(&which) =>
            {
                *over = None
            }
            Side::Record { .. } | Side::Station { .. } => {}
            panel if which(panel) => *panel = Side::Empty,
            _ => {}
        }
    }

    /// Sets the affected area of the new incident shown (`None`: none drawn).
    pub fn set_incident_area(&mut self, outline: Option<Vec<Point>>) {
        if let Side::NewIncident { area, .. } = self {
            *area = outline;
        }
    }

    /// Which panel is shown.
    pub fn shown(&self) -> Shown {
        match self {
            Side::Empty => Shown::Empty,
            Side::Record { layer, id, .. } => Shown::Record(*layer, id.clone()),
            Side::NewIncident { point, .. } => Shown::NewIncident(*point),
            Side::Incident(id) => Shown::Incident(id.clone()),
            Side::Briefing(_) => Shown::Briefing,
            Side::Area(_) => Shown::Area,
            Side::Coverage(_) => Shown::Coverage,
            Side::Readiness => Shown::Readiness,
            Side::Import => Shown::Import,
            Side::Create => Shown::Create,
            Side::Warnings => Shown::Warnings,
            Side::Station { code, .. } => Shown::Station(code.clone()),
            Side::Alarms => Shown::Alarms,
            Side::AreaWarnings => Shown::AreaWarnings,
        }
    }

    /// The panel in force: the one shown, or the one beneath a record's details. What the map
    /// draws for a panel (a briefing's ringed teams, an area, an open incident) stays drawn
    /// while a record opened from it is read.
    fn beneath(&self) -> &Side {
        match self {
            Side::Record { over: Some(p), .. } | Side::Station { over: Some(p), .. } => p,
            s => s,
        }
    }

    /// The record whose details are shown.
    pub fn record(&self) -> Option<(Layer, &str)> {
        match self {
            Side::Record { layer, id, .. } => Some((*layer, id.as_str())),
            _ => None,
        }
    }

    /// The station whose panel is shown, by 测站编码: ringed on the map.
    pub fn station(&self) -> Option<&str> {
        match self {
            Side::Station { code, .. } => Some(code.as_str()),
            _ => None,
        }
    }

    /// Whether the alarm board is open, shown or beneath a station's panel or a record.
    pub fn alarms(&self) -> bool {
        matches!(self.beneath(), Side::Alarms)
    }

    /// Whether the 预警 panel is open, shown or beneath a record's details.
    pub fn area_warnings(&self) -> bool {
        matches!(self.beneath(), Side::AreaWarnings)
    }

    /// The briefing in force (shown or beneath a record).
    pub fn briefing(&self) -> Option<&Ask> {
        match self.beneath() {
            Side::Briefing(a) => Some(a),
            _ => None,
        }
    }

    /// The briefing shown, to change what it asks.
    pub fn briefing_mut(&mut self) -> Option<&mut Ask> {
        match self {
            Side::Briefing(a) => Some(a),
            _ => None,
        }
    }

    /// The drawn area in force.
    pub fn area(&self) -> Option<&[Point]> {
        match self.beneath() {
            Side::Area(v) => Some(v),
            _ => None,
        }
    }

    /// The coverage question in force.
    pub fn coverage(&self) -> Option<CoverageAsk> {
        match self.beneath() {
            Side::Coverage(c) => Some(*c),
            _ => None,
        }
    }

    /// The incident open in force, by id.
    pub fn incident(&self) -> Option<&str> {
        match self.beneath() {
            Side::Incident(id) => Some(id),
            _ => None,
        }
    }

    /// The affected area drawn for the new incident in force.
    pub fn incident_area(&self) -> Option<&[Point]> {
        match self.beneath() {
            Side::NewIncident { area, .. } => area.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Point = [106.3, 30.1];

    fn briefing() -> Side {
        Side::Briefing(Ask {
            lon: 106.2,
            lat: 30.0,
            specialty: Some(Specialty::Water),
            field: Some(ExpertField::Geology),
            material: Some(("1010301".into(), 5)),
        })
    }

    fn record(id: &str, over: Option<Side>) -> Side {
        Side::Record {
            layer: Layer::Shelters,
            id: id.into(),
            over: over.map(Box::new),
        }
    }

    fn area() -> Side {
        Side::Area(vec![[106.0, 30.0], [106.1, 30.0], [106.1, 30.1]])
    }

    /// One step a user takes, as the panels and buttons call it.
    #[derive(Debug, Clone)]
    enum Step {
        OpenRecord(&'static str),
        OpenStation(&'static str),
        Close,
        Pick(Point),
        EndArea,
        EndIncident,
        IncidentArea(Option<Vec<Point>>),
    }

    fn take(side: &mut Side, step: Step) {
        match step {
            Step::OpenRecord(id) => side.open_record(Layer::Shelters, id),
            Step::OpenStation(code) => side.open_station(code),
            Step::Close => side.close(),
            Step::Pick(at) => side.pick(at),
            Step::EndArea => side.end_area(),
            Step::EndIncident => side.end_incident(),
            Step::IncidentArea(a) => side.set_incident_area(a),
        }
    }

    #[test]
    fn side_transitions() {
        let kept = Side::Briefing(Ask {
            lon: AT[0],
            lat: AT[1],
            specialty: Some(Specialty::Water),
            field: Some(ExpertField::Geology),
            material: Some(("1010301".into(), 5)),
        });
        let fresh = Side::Briefing(Ask {
            lon: AT[0],
            lat: AT[1],
            specialty: None,
            field: None,
            material: None,
        });
        let new_incident = |area: Option<Vec<Point>>| Side::NewIncident { point: AT, area };
        let station = |code: &str, over: Option<Side>| Side::Station {
            code: code.into(),
            over: over.map(Box::new),
        };
        // Name, side before, what the user does, side after.
        type Case = (&'static str, Side, Vec<Step>, Side);
        let cases: Vec<Case> = vec![
            (
                "a record opened on an empty side has nothing beneath",
                Side::Empty,
                vec![Step::OpenRecord("a")],
                record("a", None),
            ),
            (
                "a record opened from a briefing covers it",
                briefing(),
                vec![Step::OpenRecord("a")],
                record("a", Some(briefing())),
            ),
            (
                "closing the record gives the briefing back",
                briefing(),
                vec![Step::OpenRecord("a"), Step::Close],
                briefing(),
            ),
            (
                "a second record replaces the first, the briefing stays beneath",
                briefing(),
                vec![Step::OpenRecord("a"), Step::OpenRecord("b")],
                record("b", Some(briefing())),
            ),
            (
                "one close after two records returns to the briefing, not to the first record",
                briefing(),
                vec![Step::OpenRecord("a"), Step::OpenRecord("b"), Step::Close],
                briefing(),
            ),
            (
                "closing a panel leaves the side empty",
                Side::Readiness,
                vec![Step::Close],
                Side::Empty,
            ),
            (
                "closing a record opened from the warnings shows the warnings again",
                Side::Warnings,
                vec![Step::OpenRecord("depot"), Step::Close],
                Side::Warnings,
            ),
            (
                "a new point keeps the briefing's question",
                briefing(),
                vec![Step::Pick(AT)],
                kept.clone(),
            ),
            (
                "a point picked while a record covers the briefing keeps its question too",
                briefing(),
                vec![Step::OpenRecord("a"), Step::Pick(AT)],
                kept,
            ),
            (
                "a point picked after the briefing closed asks afresh",
                briefing(),
                vec![Step::Close, Step::Pick(AT)],
                fresh.clone(),
            ),
            (
                "a picked point replaces a drawn area",
                area(),
                vec![Step::Pick(AT)],
                fresh,
            ),
            (
                "drawing a new area closes the drawn one",
                area(),
                vec![Step::EndArea],
                Side::Empty,
            ),
            (
                "and the one beneath a record, which stays",
                area(),
                vec![Step::OpenRecord("a"), Step::EndArea],
                record("a", None),
            ),
            (
                "ending an area leaves other panels alone",
                Side::Import,
                vec![Step::EndArea],
                Side::Import,
            ),
            (
                "picking ends the incident desk",
                Side::Incident("i".into()),
                vec![Step::EndIncident],
                Side::Empty,
            ),
            (
                "and a new incident's form beneath a record",
                new_incident(None),
                vec![Step::OpenRecord("a"), Step::EndIncident],
                record("a", None),
            ),
            (
                "a new incident's affected area is kept by its form",
                new_incident(None),
                vec![Step::IncidentArea(Some(vec![AT, AT, AT]))],
                new_incident(Some(vec![AT, AT, AT])),
            ),
            (
                "a station clicked on an empty side has nothing beneath",
                Side::Empty,
                vec![Step::OpenStation("0050117001")],
                station("0050117001", None),
            ),
            (
                "a station opened from the alarm board covers it, and closing gives it back",
                Side::Alarms,
                vec![Step::OpenStation("0050117001"), Step::Close],
                Side::Alarms,
            ),
            (
                "a second station replaces the first, the board stays beneath",
                Side::Alarms,
                vec![
                    Step::OpenStation("0050117001"),
                    Step::OpenStation("0050117101"),
                ],
                station("0050117101", Some(Side::Alarms)),
            ),
            (
                "a record opened from a station's panel replaces it: details never stack",
                Side::Alarms,
                vec![Step::OpenStation("0050117001"), Step::OpenRecord("a")],
                record("a", Some(Side::Alarms)),
            ),
            (
                "a station opened over a record's details takes the record's place",
                briefing(),
                vec![Step::OpenRecord("a"), Step::OpenStation("HC-GH-001")],
                station("HC-GH-001", Some(briefing())),
            ),
            (
                "one close after a record and a station returns to the briefing",
                briefing(),
                vec![
                    Step::OpenRecord("a"),
                    Step::OpenStation("HC-GH-001"),
                    Step::Close,
                ],
                briefing(),
            ),
            (
                "drawing a new area closes the one beneath a station, which stays",
                area(),
                vec![Step::OpenStation("0050117001"), Step::EndArea],
                station("0050117001", None),
            ),
            (
                "an affected area needs a new incident to belong to",
                Side::Empty,
                vec![Step::IncidentArea(Some(vec![AT, AT, AT]))],
                Side::Empty,
            ),
        ];
        for (name, start, steps, expected) in cases {
            let mut side = start;
            for step in steps.iter().cloned() {
                take(&mut side, step);
            }
            assert_eq!(side, expected, "{name} ({steps:?})");
        }
    }

    #[test]
    fn what_stays_in_force_beneath_a_record() {
        let a = || vec![[106.0, 30.0], [106.1, 30.0], [106.1, 30.1]];
        let mut side = area();
        side.open_record(Layer::Hazards, "h");
        assert_eq!(side.record(), Some((Layer::Hazards, "h")));
        assert_eq!(side.area(), Some(a().as_slice()), "the area stays drawn");
        assert_eq!(side.shown(), Shown::Record(Layer::Hazards, "h".into()));
        assert!(side.briefing().is_none() && side.incident().is_none());

        let mut side = Side::Incident("i".into());
        side.open_record(Layer::Teams, "t");
        assert_eq!(side.incident(), Some("i"), "the incident stays marked open");

        let mut side = briefing();
        side.open_record(Layer::Teams, "t");
        assert!(side.briefing().is_some(), "its teams stay ringed");
        assert!(
            side.briefing_mut().is_none(),
            "but its question is changed only while it is shown"
        );
    }

    #[test]
    fn what_stays_in_force_beneath_a_station() {
        let mut side = Side::Alarms;
        side.open_station("0050117001");
        assert_eq!(side.station(), Some("0050117001"));
        assert!(side.alarms(), "the board stays open beneath");
        assert_eq!(side.shown(), Shown::Station("0050117001".into()));
        assert!(side.record().is_none());
        side.close();
        assert_eq!(side.shown(), Shown::Alarms);
        assert!(side.station().is_none() && side.alarms());

        let mut side = Side::Incident("i".into());
        side.open_station("0050117101");
        assert_eq!(side.incident(), Some("i"), "the incident stays marked open");
        assert!(!side.alarms());
    }

    #[test]
    fn the_shown_panel_leaves_out_what_changes_while_it_is_open() {
        let mut side = briefing();
        let before = side.shown();
        if let Some(a) = side.briefing_mut() {
            a.specialty = Some(Specialty::Geological);
        }
        assert_eq!(side.shown(), before, "a changed question keeps the panel");
        let mut side = Side::NewIncident {
            point: AT,
            area: None,
        };
        side.set_incident_area(Some(vec![AT, AT, AT]));
        assert_eq!(
            side.shown(),
            Shown::NewIncident(AT),
            "a drawn area keeps the form"
        );
    }
}
