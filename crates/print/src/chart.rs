//! A station's readings drawn on a printed page (the briefing's 雨水情 section): hourly bars
//! for rain or a line for a level or a displacement over a time window, with the station's
//! limits as coloured lines named at their left end. Values and limits come worked out; this
//! only draws.

use crate::pdf::{Fonts, Page};
use yitu_domain::beijing_time::BeijingTime;

/// One station's chart as the briefing prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct StationChart {
    /// The station and its state, e.g. "沙鱼镇雨量站（演示）　超阈值（红色）".
    pub title: String,
    /// What is drawn and its unit, e.g. "小时雨量 (mm)".
    pub axis: String,
    /// Bars (one per point, each the amount of its hour) rather than a line.
    pub bars: bool,
    /// (Unix ms, value), oldest first.
    pub points: Vec<(i64, f64)>,
    /// (name, value, colour) of each limit drawn across.
    pub limits: Vec<(String, f64, (f64, f64, f64))>,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// The height a chart takes with its title.
pub(crate) const HEIGHT: f64 = 130.0;

/// Draws `c` with its top-left corner at (x, top), `w` wide.
pub(crate) fn draw(
    page: &mut Page,
    fonts: &mut Fonts<'_>,
    c: &StationChart,
    x: f64,
    top: f64,
    w: f64,
) {
    page.fill_color(0.0, 0.0, 0.0);
    page.text(fonts, x, top - 10.0, 10.0, &c.title);
    page.fill_color(0.3, 0.3, 0.3);
    let after = x + fonts.width(&c.title, 10.0) + 12.0;
    page.text(fonts, after, top - 10.0, 8.0, &c.axis);
    // The plot, leaving room for the value labels on the left and the times below.
    let (px, py, pw, ph) = (x + 36.0, top - HEIGHT + 18.0, w - 40.0, HEIGHT - 38.0);
    let values = c
        .points
        .iter()
        .map(|p| p.1)
        .chain(c.limits.iter().map(|l| l.1));
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if c.bars || !lo.is_finite() {
        lo = 0.0;
    }
    if !hi.is_finite() || hi <= lo {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    let (lo, hi) = (if c.bars { lo } else { lo - pad }, hi + pad);
    let span = (c.to_ms - c.from_ms).max(1) as f64;
    let sx = |t: i64| px + (t - c.from_ms) as f64 / span * pw;
    let sy = |v: f64| py + (v - lo) / (hi - lo) * ph;
    page.stroke_color(0.6, 0.6, 0.6);
    page.line_width(0.5);
    page.rect(px, py, pw, ph, false);
    // Four value ticks.
    page.fill_color(0.3, 0.3, 0.3);
    for k in 0..=4 {
        let v = lo + (hi - lo) * f64::from(k) / 4.0;
        page.text(fonts, x, sy(v) - 3.0, 7.0, &format!("{v:.1}"));
    }
    // Time ticks every 12 hours of Beijing time, on the hour.
    let hour = 3_600_000;
    let mut t =
        (c.from_ms + yitu_domain::beijing_time::OFFSET_MS).div_euclid(12 * hour) * 12 * hour
            - yitu_domain::beijing_time::OFFSET_MS;
    while t <= c.to_ms {
        if t >= c.from_ms {
            let b = BeijingTime::from_unix_ms(t);
            let label = if b.hour == 0 {
                format!("{}日", b.day)
            } else {
                format!("{:02}:00", b.hour)
            };
            page.text(fonts, sx(t) - 10.0, py - 10.0, 7.0, &label);
            page.stroke_color(0.85, 0.85, 0.85);
            page.polyline(&[(sx(t), py), (sx(t), py + ph)], false);
        }
        t += 12 * hour;
    }
    page.save_clip(px, py, pw, ph);
    if c.bars {
        page.fill_color(0.16, 0.45, 0.85);
        let bar = (pw * hour as f64 / span * 0.8).max(0.6);
        for &(t, v) in &c.points {
            if v > 0.0 {
                page.rect(sx(t) - bar, py, bar, sy(v) - py, true);
            }
        }
    } else {
        page.stroke_color(0.05, 0.35, 0.55);
        page.line_width(1.2);
        let line: Vec<(f64, f64)> = c.points.iter().map(|&(t, v)| (sx(t), sy(v))).collect();
        page.polyline(&line, false);
    }
    for (name, v, (r, g, b)) in &c.limits {
        page.stroke_color(*r, *g, *b);
        page.line_width(0.9);
        page.polyline(&[(px, sy(*v)), (px + pw, sy(*v))], false);
        page.fill_color(*r, *g, *b);
        page.text(fonts, px + 3.0, sy(*v) + 2.0, 7.0, &format!("{name} {v}"));
    }
    page.restore();
    page.line_width(0.5);
    page.fill_color(0.0, 0.0, 0.0);
}
