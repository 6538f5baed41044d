//! How the resource layers look: their drawing order, the data-driven disc colours (also the
//! legend's), and the names of the style layers that draw each resource layer.

use serde_json::{json, Value};
use yitu_domain::Layer;

/// The resource layers in drawing order: hazards at the bottom, teams on top.
pub const DRAW_ORDER: [Layer; 5] = [
    Layer::Hazards,
    Layer::Shelters,
    Layer::Depots,
    Layer::Experts,
    Layer::Teams,
];

/// The disc colour of a feature: teams by readiness, hazards by level, the rest one colour each.
pub fn colour_expression(layer: Layer) -> Value {
    match layer {
        Layer::Teams => json!([
            "match",
            ["get", "status"],
            "standby",
            "#2e7d32",
            "deployed",
            "#c62828",
            "on_duty",
            "#1565c0",
            "resting",
            "#f9a825",
            "unavailable",
            "#757575",
            "#2e7d32"
        ]),
        Layer::Hazards => json!([
            "match",
            ["get", "level"],
            "1",
            "#b71c1c",
            "2",
            "#e65100",
            "3",
            "#f9a825",
            "4",
            "#1e88e5",
            "#e65100"
        ]),
        // How full: teal with room to spare, amber half full, red nearly full; grey when closed.
        Layer::Shelters => json!([
            "case",
            ["==", ["get", "status"], "closed"],
            SHELTER_CLOSED,
            [
                "interpolate",
                ["linear"],
                ["/", ["get", "occupancy"], ["max", ["get", "capacity"], 1]],
                0,
                SHELTER_FILL[0],
                0.5,
                SHELTER_FILL[1],
                0.9,
                SHELTER_FILL[2]
            ]
        ]),
        Layer::Depots => json!([
            "match",
            ["get", "level"],
            "city",
            DEPOT_LEVELS[0].1,
            "district",
            DEPOT_LEVELS[1].1,
            "town",
            DEPOT_LEVELS[2].1,
            "village",
            DEPOT_LEVELS[3].1,
            base_colour(layer)
        ]),
        Layer::Experts => json!(base_colour(layer)),
    }
}

/// Shelter colours at 0, 50 % and 90 % of capacity taken, for the map and the legend.
pub const SHELTER_FILL: [&str; 3] = ["#00838f", "#f9a825", "#c62828"];

pub const SHELTER_CLOSED: &str = "#9e9e9e";

/// Depot colours by level, darkest for the largest reserve.
pub const DEPOT_LEVELS: [(yitu_domain::registries::depot::DepotLevel, &str); 4] = [
    (yitu_domain::registries::depot::DepotLevel::City, "#5d4037"),
    (
        yitu_domain::registries::depot::DepotLevel::District,
        "#d84315",
    ),
    (yitu_domain::registries::depot::DepotLevel::Town, "#ef6c00"),
    (
        yitu_domain::registries::depot::DepotLevel::Village,
        "#ffa726",
    ),
];

/// The colour a layer is known by (legend, panel).
pub fn base_colour(layer: Layer) -> &'static str {
    match layer {
        Layer::Teams => "#2e7d32",
        Layer::Experts => "#6a1b9a",
        Layer::Depots => "#ef6c00",
        Layer::Shelters => "#00838f",
        Layer::Hazards => "#e65100",
    }
}

/// Below this zoom the shell merges a layer's nearby symbols into discs with their count.
pub use yitu_domain::map::cluster::CLUSTER_BELOW_ZOOM;

/// Names are written under the symbols from this zoom on (a few streets across).
pub const LABEL_FROM_ZOOM: f64 = 12.5;

/// The one font stack labels ask for; the shell draws it from installed fonts.
pub(super) const LABEL_FONT: &str = "Yitu Sans";

/// The map layers that draw a resource layer: its record discs, their pictograms, names, and
/// the cluster discs with their counts.
pub fn style_layers(layer: Layer) -> [String; 5] {
    let code = layer.code();
    [
        format!("{code}-disc"),
        format!("{code}-icon"),
        format!("{code}-label"),
        format!("{code}-cluster"),
        format!("{code}-count"),
    ]
}

/// A cluster's colour: the layer's, except hazards, whose cluster takes its gravest member's
/// level colour (a red cluster holds a level-1 point).
pub(super) fn cluster_colour(layer: Layer) -> Value {
    match layer {
        Layer::Hazards => json!([
            "match",
            ["get", "gravest"],
            1,
            "#b71c1c",
            2,
            "#e65100",
            3,
            "#f9a825",
            4,
            "#1e88e5",
            "#e65100"
        ]),
        _ => json!(base_colour(layer)),
    }
}
