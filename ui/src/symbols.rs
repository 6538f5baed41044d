//! The map's symbols: a white pictogram per layer, drawn on a canvas at start (no image files,
//! no glyphs), set on a coloured disc whose colour says the state (see `map::layer_style`).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};
use yitu_domain::Layer;

/// Side of the drawn pictogram in device pixels; shown at half size (pixelRatio 2) for sharpness.
pub const SIZE: u32 = 40;

/// Draws the pictogram of a layer: shield (teams), person (experts), crate (depots),
/// house (shelters), warning triangle (hazards).
pub fn pictogram(layer: Layer) -> Option<ImageData> {
    let canvas: HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(SIZE);
    canvas.set_height(SIZE);
    let cx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    cx.set_fill_style_str("#ffffff");
    cx.set_stroke_style_str("#ffffff");
    cx.set_line_width(3.0);
    let s = f64::from(SIZE);
    let poly = |pts: &[(f64, f64)]| {
        cx.begin_path();
        for (i, (x, y)) in pts.iter().enumerate() {
            if i == 0 {
                cx.move_to(x * s, y * s)
            } else {
                cx.line_to(x * s, y * s)
            }
        }
        cx.close_path();
    };
    match layer {
        Layer::Teams => {
            poly(&[
                (0.5, 0.14),
                (0.8, 0.26),
                (0.76, 0.58),
                (0.5, 0.86),
                (0.24, 0.58),
                (0.2, 0.26),
            ]);
            cx.fill();
        }
        Layer::Experts => {
            cx.begin_path();
            let _ = cx.arc(0.5 * s, 0.32 * s, 0.14 * s, 0.0, std::f64::consts::TAU);
            cx.fill();
            cx.begin_path();
            let _ = cx.arc(
                0.5 * s,
                0.86 * s,
                0.3 * s,
                std::f64::consts::PI,
                std::f64::consts::TAU,
            );
            cx.fill();
        }
        Layer::Depots => {
            cx.fill_rect(0.22 * s, 0.3 * s, 0.56 * s, 0.46 * s);
            cx.set_fill_style_str("rgba(0,0,0,0.35)");
            cx.fill_rect(0.22 * s, 0.44 * s, 0.56 * s, 0.05 * s);
        }
        Layer::Shelters => {
            poly(&[
                (0.5, 0.16),
                (0.84, 0.48),
                (0.74, 0.48),
                (0.74, 0.82),
                (0.26, 0.82),
                (0.26, 0.48),
                (0.16, 0.48),
            ]);
            cx.fill();
        }
        Layer::Hazards => {
            poly(&[(0.5, 0.14), (0.86, 0.8), (0.14, 0.8)]);
            cx.fill();
            cx.set_fill_style_str("rgba(0,0,0,0.55)");
            cx.fill_rect(0.46 * s, 0.36 * s, 0.08 * s, 0.24 * s);
            cx.fill_rect(0.46 * s, 0.65 * s, 0.08 * s, 0.08 * s);
        }
    }
    cx.get_image_data(0.0, 0.0, s, s).ok()
}

/// The pictogram as a data URL, for the legend and the layer panel.
pub fn data_url(layer: Layer, background: &str) -> String {
    let draw = || -> Option<String> {
        let doc = web_sys::window()?.document()?;
        let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        canvas.set_width(SIZE);
        canvas.set_height(SIZE);
        let cx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let s = f64::from(SIZE);
        cx.set_fill_style_str(background);
        cx.begin_path();
        let _ = cx.arc(s / 2.0, s / 2.0, s / 2.0 - 1.0, 0.0, std::f64::consts::TAU);
        cx.fill();
        let image = pictogram(layer)?;
        // Composite the white pictogram over the disc through a second canvas.
        let overlay: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        overlay.set_width(SIZE);
        overlay.set_height(SIZE);
        let ox: CanvasRenderingContext2d = overlay.get_context("2d").ok()??.dyn_into().ok()?;
        ox.put_image_data(&image, 0.0, 0.0).ok()?;
        cx.draw_image_with_html_canvas_element(&overlay, 0.0, 0.0)
            .ok()?;
        canvas.to_data_url().ok()
    };
    draw().unwrap_or_default()
}
