//! What a click on the map means: one tool at a time, so a click can never be claimed by two.

use crate::sketch::{Purpose, Sketch};
use crate::Point;

/// The map tool in use.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum MapTool {
    /// A click opens what it lands on: a record, a cluster (zooms in), an overlay feature.
    #[default]
    Select,
    /// The next click answers a form's request for a position (the edit and new-record forms).
    Locate,
    /// The next click asks for a dispatch briefing at that point.
    PickPoint,
    /// Clicks add corners of an area to analyse.
    DrawArea(Vec<Point>),
    /// Clicks add points to the ruler.
    Measure(Vec<Point>),
    /// Clicks add points to a shape a panel asked for.
    Sketch(Sketch),
}

impl MapTool {
    /// Turns `tool` on, ending whatever tool was on; or, when a tool of its kind is already
    /// on, turns that off.
    pub fn toggle(&mut self, tool: MapTool) {
        *self = if std::mem::discriminant(self) == std::mem::discriminant(&tool) {
            MapTool::Select
        } else {
            tool
        };
    }

    /// Ends a position request (a form closing or saving); any other tool stays on.
    pub fn end_locate(&mut self) {
        if *self == MapTool::Locate {
            *self = MapTool::Select;
        }
    }

    /// Ends the sketch in progress, if one is; any other tool stays on.
    pub fn end_sketch(&mut self) {
        self.take_sketch();
    }

    /// Ends the sketch in progress and gives its shape to the panel that asked for it.
    pub fn take_sketch(&mut self) -> Option<Sketch> {
        match std::mem::take(self) {
            MapTool::Sketch(s) => Some(s),
            other => {
                *self = other;
                None
            }
        }
    }

    /// Ends the area being drawn (圈画, `DrawArea`) and gives its corners to the panel that
    /// asked for them (the 预警 form), without opening what lies inside as 圈选区域 does.
    pub fn take_area(&mut self) -> Option<Vec<Point>> {
        match std::mem::take(self) {
            MapTool::DrawArea(corners) => Some(corners),
            other => {
                *self = other;
                None
            }
        }
    }

    pub fn locating(&self) -> bool {
        *self == MapTool::Locate
    }

    pub fn picking(&self) -> bool {
        *self == MapTool::PickPoint
    }

    /// The corners of the area being drawn.
    pub fn drawing(&self) -> Option<&[Point]> {
        match self {
            MapTool::DrawArea(v) => Some(v),
            _ => None,
        }
    }

    /// The ruler's points.
    pub fn measuring(&self) -> Option<&[Point]> {
        match self {
            MapTool::Measure(v) => Some(v),
            _ => None,
        }
    }

    /// The sketch in progress.
    pub fn sketch(&self) -> Option<&Sketch> {
        match self {
            MapTool::Sketch(s) => Some(s),
            _ => None,
        }
    }

    /// The purpose of the sketch in progress.
    pub fn sketching(&self) -> Option<Purpose> {
        self.sketch().map(|s| s.purpose)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yitu_domain::command::decision::DrawingKind;

    fn cordon() -> MapTool {
        MapTool::Sketch(Sketch::new(Purpose::Drawing(DrawingKind::Cordon)))
    }

    #[test]
    fn tool_transitions() {
        let p = [106.3, 30.1];
        // Name, tool before, what the user does, tool after.
        type Case = (&'static str, MapTool, fn(&mut MapTool), MapTool);
        let cases: Vec<Case> = vec![
            (
                "picking turns on",
                MapTool::Select,
                |t| t.toggle(MapTool::PickPoint),
                MapTool::PickPoint,
            ),
            (
                "picking again turns it off",
                MapTool::PickPoint,
                |t| t.toggle(MapTool::PickPoint),
                MapTool::Select,
            ),
            (
                "measuring ends picking",
                MapTool::PickPoint,
                |t| t.toggle(MapTool::Measure(Vec::new())),
                MapTool::Measure(Vec::new()),
            ),
            (
                "the ruler's button again stops measuring, whatever was measured",
                MapTool::Measure(vec![p, p]),
                |t| t.toggle(MapTool::Measure(Vec::new())),
                MapTool::Select,
            ),
            (
                "drawing an area ends measuring",
                MapTool::Measure(vec![p]),
                |t| t.toggle(MapTool::DrawArea(Vec::new())),
                MapTool::DrawArea(Vec::new()),
            ),
            (
                "a position asked for ends a sketch in progress",
                cordon(),
                |t| t.toggle(MapTool::Locate),
                MapTool::Locate,
            ),
            (
                "a form closing ends its position request",
                MapTool::Locate,
                MapTool::end_locate,
                MapTool::Select,
            ),
            (
                "but not another tool",
                MapTool::Measure(vec![p]),
                MapTool::end_locate,
                MapTool::Measure(vec![p]),
            ),
            (
                "a panel closing ends its sketch",
                cordon(),
                MapTool::end_sketch,
                MapTool::Select,
            ),
            (
                "but not picking",
                MapTool::PickPoint,
                MapTool::end_sketch,
                MapTool::PickPoint,
            ),
        ];
        for (name, start, step, expected) in cases {
            let mut tool = start;
            step(&mut tool);
            assert_eq!(tool, expected, "{name}");
        }
    }

    #[test]
    fn a_finished_sketch_goes_to_its_panel() {
        let mut tool = cordon();
        if let MapTool::Sketch(s) = &mut tool {
            s.points
                .extend([[106.0, 30.0], [106.1, 30.0], [106.1, 30.1]]);
        }
        let taken = tool.take_sketch().expect("the sketch");
        assert_eq!(taken.points.len(), 3);
        assert!(taken.complete());
        assert_eq!(tool, MapTool::Select);
        let mut tool = MapTool::PickPoint;
        assert_eq!(tool.take_sketch(), None, "no sketch to take");
        assert_eq!(tool, MapTool::PickPoint, "picking is left on");
    }
}
