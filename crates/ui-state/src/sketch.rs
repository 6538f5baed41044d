//! Shapes a panel asks the user to draw on the map: the incident's point, its affected area, a
//! decision's cordon, staging area or route. A panel starts a sketch (`MapTool::Sketch`); map
//! clicks add points; the panel takes the finished shape. One sketch at a time, as one tool.

use crate::Point;
use yitu_domain::command::decision::DrawingKind;

/// What the shape is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Purpose {
    /// One click: where an incident happened.
    IncidentPoint,
    /// The incident's affected area (a polygon).
    IncidentArea,
    /// A decision's drawing: polygons for areas, a line for a route.
    Drawing(DrawingKind),
}

impl Purpose {
    /// A route is a line; every other drawing an area.
    pub fn is_line(self) -> bool {
        matches!(self, Purpose::Drawing(DrawingKind::Route))
    }

    /// Points needed before the shape can be finished.
    pub fn needs(self) -> usize {
        match self {
            Purpose::IncidentPoint => 1,
            p if p.is_line() => 2,
            _ => 3,
        }
    }
}

/// A shape being drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    pub purpose: Purpose,
    pub points: Vec<Point>,
}

impl Sketch {
    pub fn new(purpose: Purpose) -> Self {
        Self {
            purpose,
            points: Vec::new(),
        }
    }

    pub fn complete(&self) -> bool {
        self.points.len() >= self.purpose.needs()
    }
}

/// A drawn shape as a GeoJSON geometry: Point, LineString or Polygon (closed ring).
pub fn geometry(purpose: Purpose, points: &[Point]) -> serde_json::Value {
    match purpose {
        Purpose::IncidentPoint => {
            serde_json::json!({ "type": "Point", "coordinates": points.first() })
        }
        p if p.is_line() => serde_json::json!({ "type": "LineString", "coordinates": points }),
        _ => {
            let mut ring = points.to_vec();
            if let Some(first) = points.first() {
                ring.push(*first);
            }
            serde_json::json!({ "type": "Polygon", "coordinates": [ring] })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_needed_before_a_shape_can_be_finished() {
        let cases = [
            ("an incident is one click", Purpose::IncidentPoint, 1),
            (
                "an affected area is a triangle at least",
                Purpose::IncidentArea,
                3,
            ),
            (
                "a route is a line of two points",
                Purpose::Drawing(DrawingKind::Route),
                2,
            ),
            (
                "a cordon is an area",
                Purpose::Drawing(DrawingKind::Cordon),
                3,
            ),
        ];
        for (name, purpose, needs) in cases {
            let mut s = Sketch::new(purpose);
            for i in 0..needs {
                assert!(!s.complete(), "{name}: complete with {i} points");
                s.points.push([106.0, 30.0]);
            }
            assert!(s.complete(), "{name}: not complete with {needs} points");
        }
    }

    #[test]
    fn an_area_is_a_closed_ring_and_a_route_is_open() {
        let pts = [[106.0, 30.0], [106.1, 30.0], [106.1, 30.1]];
        assert_eq!(
            geometry(Purpose::IncidentArea, &pts),
            serde_json::json!({ "type": "Polygon", "coordinates": [[[106.0, 30.0], [106.1, 30.0], [106.1, 30.1], [106.0, 30.0]]] })
        );
        assert_eq!(
            geometry(Purpose::Drawing(DrawingKind::Route), &pts[..2]),
            serde_json::json!({ "type": "LineString", "coordinates": [[106.0, 30.0], [106.1, 30.0]] })
        );
        assert_eq!(
            geometry(Purpose::IncidentPoint, &pts[..1]),
            serde_json::json!({ "type": "Point", "coordinates": [106.0, 30.0] })
        );
    }
}
