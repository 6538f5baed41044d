//! Shapes a panel asks the user to draw on the map: the incident's point, its affected area, a
//! decision's cordon, staging area or route. A panel starts a sketch; map clicks add points;
//! the panel takes the finished shape. One sketch at a time, apart from the analysis tools.

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
    pub points: Vec<[f64; 2]>,
    /// Finished: still shown on the map while its panel holds it, but takes no more points.
    pub done: bool,
}

impl Sketch {
    pub fn new(purpose: Purpose) -> Self {
        Self {
            purpose,
            points: Vec::new(),
            done: false,
        }
    }

    pub fn complete(&self) -> bool {
        self.points.len() >= self.purpose.needs()
    }
}

/// A drawn shape as a GeoJSON geometry: Point, LineString or Polygon (closed ring).
pub fn geometry(purpose: Purpose, points: &[[f64; 2]]) -> serde_json::Value {
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
