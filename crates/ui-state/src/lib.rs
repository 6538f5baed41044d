//! The window's state as plain values: what the side panel shows ([`Side`]), what a click on
//! the map means ([`MapTool`]), and the shape a panel asks to be drawn ([`sketch`]); and what
//! the monitoring panels show, computed from the shell's answers: a station's chart
//! ([`chart`]) and the alarm board's order and words ([`board`]). No web calls, no signals:
//! the window (`yitu-ui`) holds each in a signal and calls these transitions, and they are
//! tested here, natively.

pub mod board;
pub mod chart;
pub mod side;
pub mod sketch;
pub mod tool;

pub use side::{Ask, CoverageAsk, Shown, Side};
pub use sketch::{Purpose, Sketch};
pub use tool::MapTool;

/// A WGS-84 position as `[lon, lat]`.
pub type Point = [f64; 2];

/// What a click on the map comes to once the tool in use has had it.
#[derive(Debug, Clone, PartialEq)]
pub enum Click {
    /// No tool wanted it: it opens what it landed on (the map's picking says what that is).
    Select,
    /// The tool took it: a corner, a ruler point, a picked point, an incident's place.
    Taken,
    /// The position a form asked for.
    Located(Point),
}

/// The side panel and the map tool together, for the transitions that change both.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Window {
    pub side: Side,
    pub tool: MapTool,
}

impl Window {
    /// A click on the map at `at`.
    pub fn click(&mut self, at: Point) -> Click {
        match &mut self.tool {
            MapTool::Select => Click::Select,
            MapTool::Locate => {
                self.tool = MapTool::Select;
                Click::Located(at)
            }
            MapTool::PickPoint => {
                self.tool = MapTool::Select;
                self.side.pick(at);
                Click::Taken
            }
            MapTool::Sketch(s) if s.purpose == Purpose::IncidentPoint => {
                self.tool = MapTool::Select;
                self.side = Side::NewIncident {
                    point: at,
                    area: None,
                };
                Click::Taken
            }
            MapTool::Sketch(Sketch { points, .. })
            | MapTool::DrawArea(points)
            | MapTool::Measure(points) => {
                points.push(at);
                Click::Taken
            }
        }
    }

    /// Opens `panel` in place of whatever the side shows (a record's details and the panel
    /// beneath them alike), ending what those had asked of the map.
    pub fn open(&mut self, panel: Side) {
        while self.side != Side::Empty {
            self.close_panel();
        }
        self.side = panel;
    }

    /// The 就近资源分析 button: picking on or off; the incident desk closes.
    pub fn toggle_pick(&mut self) {
        self.side.end_incident();
        self.tool.toggle(MapTool::PickPoint);
    }

    /// The 圈选区域 button: starts drawing an area (the one drawn before goes), or finishes
    /// it: three corners or more open what lies inside; fewer cancel.
    pub fn toggle_area(&mut self) {
        match std::mem::take(&mut self.tool) {
            MapTool::DrawArea(corners) => {
                if corners.len() >= 3 {
                    self.open(Side::Area(corners));
                }
            }
            _ => {
                self.side.end_area();
                self.tool = MapTool::DrawArea(Vec::new());
            }
        }
    }

    /// The 新建事件 button: the next click places a new incident (the desk closes), or, when
    /// already placing one, stops.
    pub fn toggle_incident_point(&mut self) {
        if self.tool.sketching() == Some(Purpose::IncidentPoint) {
            self.tool = MapTool::Select;
        } else {
            self.side.end_incident();
            self.tool = MapTool::Sketch(Sketch::new(Purpose::IncidentPoint));
        }
    }

    /// The 告警 button: opens the alarm board in place of whatever the side shows, or closes
    /// it (with a station's panel opened from it) when it is open.
    pub fn toggle_alarms(&mut self) {
        if self.side.alarms() {
            self.open(Side::Empty);
        } else {
            self.open(Side::Alarms);
        }
    }

    /// The 预警 button: opens the warnings panel in place of whatever the side shows, or closes
    /// it when it is open.
    pub fn toggle_area_warnings(&mut self) {
        if self.side.area_warnings() {
            self.open(Side::Empty);
        } else {
            self.open(Side::AreaWarnings);
        }
    }

    /// A panel closes itself, and ends what it had asked of the map: a record's edit form and
    /// the new-record form a position, the incident desk a sketch, the 预警 form its area being
    /// drawn or its circle's centre. Other tools stay on.
    pub fn close_panel(&mut self) {
        match self.side {
            Side::Record { .. } | Side::Create => self.tool.end_locate(),
            Side::AreaWarnings => {
                self.tool.end_locate();
                self.tool.take_area();
            }
            Side::NewIncident { .. } | Side::Incident(_) => self.tool.end_sketch(),
            _ => {}
        }
        self.side.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yitu_domain::command::decision::DrawingKind;
    use yitu_domain::Layer;

    const A: Point = [106.22, 29.95];
    const B: Point = [106.32, 29.95];
    const C: Point = [106.33, 30.03];

    /// One thing a user does: a click on the map, or a button.
    #[derive(Debug, Clone)]
    enum Step {
        Click(Point),
        Pick,
        Area,
        IncidentPoint,
        Measure,
        Locate,
        Cordon,
        OpenRecord,
        OpenStation,
        Alarms,
        AreaWarnings,
        TakeArea,
        ClosePanel,
        Open(Side),
    }

    fn window(side: Side, tool: MapTool) -> Window {
        Window { side, tool }
    }

    fn ask(at: Point) -> Ask {
        Ask::at(at, None)
    }

    #[test]
    fn what_clicks_and_buttons_do() {
        let record = |over: Option<Side>| Side::Record {
            layer: Layer::Teams,
            id: "t".into(),
            over: over.map(Box::new),
        };
        let cordon = |points: Vec<Point>| {
            MapTool::Sketch(Sketch {
                purpose: Purpose::Drawing(DrawingKind::Cordon),
                points,
            })
        };
        // Name, state before, what the user does, state after, what the clicks came to.
        type Case = (&'static str, Window, Vec<Step>, Window, Vec<Click>);
        let cases: Vec<Case> =
            vec![
            (
                "with no tool a click selects",
                Window::default(),
                vec![Step::Click(A)],
                Window::default(),
                vec![Click::Select],
            ),
            (
                "a picked point opens its briefing over a record's details",
                window(record(None), MapTool::Select),
                vec![Step::Pick, Step::Click(A)],
                window(Side::Briefing(ask(A)), MapTool::Select),
                vec![Click::Taken],
            ),
            (
                "picking closes the incident open",
                window(Side::Incident("i".into()), MapTool::Select),
                vec![Step::Pick],
                window(Side::Empty, MapTool::PickPoint),
                vec![],
            ),
            (
                "one pick, one point: the next click selects again",
                Window::default(),
                vec![Step::Pick, Step::Click(A), Step::Click(B)],
                window(Side::Briefing(ask(A)), MapTool::Select),
                vec![Click::Taken, Click::Select],
            ),
            (
                "three corners and the button again open the area's panel",
                Window::default(),
                vec![
                    Step::Area,
                    Step::Click(A),
                    Step::Click(B),
                    Step::Click(C),
                    Step::Area,
                ],
                window(Side::Area(vec![A, B, C]), MapTool::Select),
                vec![Click::Taken, Click::Taken, Click::Taken],
            ),
            (
                "two corners cancel, and the briefing stays",
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![Step::Area, Step::Click(A), Step::Click(B), Step::Area],
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![Click::Taken, Click::Taken],
            ),
            (
                "a new area drawn closes the last one",
                window(Side::Area(vec![A, B, C]), MapTool::Select),
                vec![Step::Area],
                window(Side::Empty, MapTool::DrawArea(Vec::new())),
                vec![],
            ),
            (
                "picking while drawing ends the drawing: one tool at a time",
                Window::default(),
                vec![Step::Area, Step::Click(A), Step::Pick],
                window(Side::Empty, MapTool::PickPoint),
                vec![Click::Taken],
            ),
            (
                "the ruler takes every click, records are not opened",
                Window::default(),
                vec![Step::Measure, Step::Click(A), Step::Click(B), Step::Click(C)],
                window(Side::Empty, MapTool::Measure(vec![A, B, C])),
                vec![Click::Taken, Click::Taken, Click::Taken],
            ),
            (
                "a position asked for is answered by one click",
                window(record(None), MapTool::Select),
                vec![Step::Locate, Step::Click(A), Step::Click(B)],
                window(record(None), MapTool::Select),
                vec![Click::Located(A), Click::Select],
            ),
            (
                "an incident placed opens its form, closing the record shown",
                window(record(None), MapTool::Select),
                vec![Step::IncidentPoint, Step::Click(A)],
                window(
                    Side::NewIncident {
                        point: A,
                        area: None,
                    },
                    MapTool::Select,
                ),
                vec![Click::Taken],
            ),
            (
                "the incident button again stops placing",
                Window::default(),
                vec![Step::IncidentPoint, Step::IncidentPoint, Step::Click(A)],
                Window::default(),
                vec![Click::Select],
            ),
            (
                "placing an incident closes the one open",
                window(Side::Incident("i".into()), MapTool::Select),
                vec![Step::IncidentPoint],
                window(
                    Side::Empty,
                    MapTool::Sketch(Sketch::new(Purpose::IncidentPoint)),
                ),
                vec![],
            ),
            (
                "a cordon's corners go to the sketch, the incident stays open",
                window(Side::Incident("i".into()), MapTool::Select),
                vec![Step::Cordon, Step::Click(A), Step::Click(B)],
                window(Side::Incident("i".into()), cordon(vec![A, B])),
                vec![Click::Taken, Click::Taken],
            ),
            (
                "a record opened while sketching leaves the sketch going",
                window(Side::Incident("i".into()), cordon(vec![A])),
                vec![Step::OpenRecord, Step::Click(B)],
                window(record(Some(Side::Incident("i".into()))), cordon(vec![A, B])),
                vec![Click::Taken],
            ),
            (
                "closing the record's details keeps the incident's sketch going",
                window(Side::Incident("i".into()), cordon(vec![A])),
                vec![Step::OpenRecord, Step::ClosePanel, Step::Click(B)],
                window(Side::Incident("i".into()), cordon(vec![A, B])),
                vec![Click::Taken],
            ),
            (
                "closing the incident ends its sketch",
                window(Side::Incident("i".into()), cordon(vec![A])),
                vec![Step::ClosePanel],
                Window::default(),
                vec![],
            ),
            (
                "closing a record's details ends its position request and gives the briefing back",
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![Step::OpenRecord, Step::Locate, Step::ClosePanel],
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![],
            ),
            (
                "a panel opened replaces a record and the briefing beneath it",
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![Step::OpenRecord, Step::Open(Side::Readiness)],
                window(Side::Readiness, MapTool::Select),
                vec![],
            ),
            (
                "a panel opened ends the position request of the record it replaces",
                window(record(None), MapTool::Locate),
                vec![Step::Open(Side::Warnings), Step::Click(A)],
                window(Side::Warnings, MapTool::Select),
                vec![Click::Select],
            ),
            (
                "another incident opened ends the sketch of the one before",
                window(Side::Incident("i".into()), cordon(vec![A])),
                vec![Step::Open(Side::Incident("j".into()))],
                window(Side::Incident("j".into()), MapTool::Select),
                vec![],
            ),
            (
                "a panel opened leaves picking on",
                window(Side::Empty, MapTool::PickPoint),
                vec![Step::Open(Side::Import)],
                window(Side::Import, MapTool::PickPoint),
                vec![],
            ),
            (
                "the alarm button opens the board in place of a record, ending its position request",
                window(record(None), MapTool::Locate),
                vec![Step::Alarms, Step::Click(A)],
                window(Side::Alarms, MapTool::Select),
                vec![Click::Select],
            ),
            (
                "the alarm button again closes the board",
                window(Side::Alarms, MapTool::Select),
                vec![Step::Alarms],
                Window::default(),
                vec![],
            ),
            (
                "and closes it with the station opened from it",
                window(Side::Alarms, MapTool::Select),
                vec![Step::OpenStation, Step::Alarms],
                Window::default(),
                vec![],
            ),
            (
                "a station's panel over an incident keeps the incident's sketch going",
                window(Side::Incident("i".into()), cordon(vec![A])),
                vec![Step::OpenStation, Step::Click(B), Step::ClosePanel],
                window(Side::Incident("i".into()), cordon(vec![A, B])),
                vec![Click::Taken],
            ),
            (
                "the alarm button over a station opened from a briefing opens the board",
                window(Side::Briefing(ask(C)), MapTool::Select),
                vec![Step::OpenStation, Step::Alarms],
                window(Side::Alarms, MapTool::Select),
                vec![],
            ),
            (
                "the 预警 button opens its panel in place of the alarm board, and again closes it",
                window(Side::Alarms, MapTool::Select),
                vec![Step::AreaWarnings],
                window(Side::AreaWarnings, MapTool::Select),
                vec![],
            ),
            (
                "the 预警 form draws its area with the 圈选 tool and takes it without opening 圈选区域",
                window(Side::AreaWarnings, MapTool::Select),
                vec![Step::Area, Step::Click(A), Step::Click(B), Step::Click(C), Step::TakeArea],
                window(Side::AreaWarnings, MapTool::Select),
                vec![Click::Taken, Click::Taken, Click::Taken],
            ),
            (
                "the 预警 button again ends its area being drawn and its centre asked for",
                window(Side::AreaWarnings, MapTool::DrawArea(vec![A])),
                vec![Step::AreaWarnings],
                Window::default(),
                vec![],
            ),
            (
                "a record opened over the 预警 panel keeps it beneath, and the button closes both",
                window(Side::AreaWarnings, MapTool::Select),
                vec![Step::OpenRecord, Step::AreaWarnings],
                Window::default(),
                vec![],
            ),
            (
                "closing a panel leaves the ruler on",
                window(Side::Readiness, MapTool::Measure(vec![A])),
                vec![Step::ClosePanel],
                window(Side::Empty, MapTool::Measure(vec![A])),
                vec![],
            ),
        ];
        for (name, start, steps, expected, clicks) in cases {
            let mut w = start;
            let mut answered = Vec::new();
            for step in steps.iter().cloned() {
                match step {
                    Step::Click(at) => answered.push(w.click(at)),
                    Step::Pick => w.toggle_pick(),
                    Step::Area => w.toggle_area(),
                    Step::IncidentPoint => w.toggle_incident_point(),
                    Step::Measure => w.tool.toggle(MapTool::Measure(Vec::new())),
                    Step::Locate => w.tool.toggle(MapTool::Locate),
                    Step::Cordon => w.tool.toggle(MapTool::Sketch(Sketch::new(Purpose::Drawing(
                        DrawingKind::Cordon,
                    )))),
                    Step::OpenRecord => w.side.open_record(Layer::Teams, "t"),
                    Step::OpenStation => w.side.open_station("0050117001"),
                    Step::Alarms => w.toggle_alarms(),
                    Step::AreaWarnings => w.toggle_area_warnings(),
                    Step::TakeArea => {
                        w.tool.take_area();
                    }
                    Step::ClosePanel => w.close_panel(),
                    Step::Open(panel) => w.open(panel),
                }
            }
            assert_eq!(w, expected, "{name} ({steps:?})");
            assert_eq!(answered, clicks, "{name}: what the clicks came to");
        }
    }
}
