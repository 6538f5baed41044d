//! A station's chart drawn as inline SVG from its plain values (`yitu_ui_state::chart`): the
//! plot, its axes and ticks (time in Beijing time), rain bars coloured by the 1 h limit they
//! reach, the line (running 24 h total, level or displacement), the limits as dashed lines,
//! and where now is. No chart library: the shapes are few and the window draws them itself.

use crate::i18n::Lang;
use crate::map;
use crate::monitoring::value;
use leptos::prelude::*;
use yitu_domain::monitoring::AlarmLevel;
use yitu_ui_state::chart::{Chart, ChartKind};

/// The drawing's size in SVG units (it scales to the panel's width).
const W: f64 = 392.0;
const H: f64 = 230.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 28.0;
const LEFT: f64 = 42.0;

/// The colour of the line: the running total dark, a level blue-green, a displacement purple
/// (none of them an alarm colour).
fn line_colour(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Rain => "#37474f",
        ChartKind::Level => "#00796b",
        ChartKind::Displacement => "#6a1b9a",
    }
}

/// A bar's colour: the limit it reaches, else a plain rain blue-grey.
fn bar_colour(c: &Chart, mm: f64) -> &'static str {
    c.limits
        .iter()
        .filter(|l| mm >= l.value)
        .map(|l| l.level)
        .max()
        .map_or("#7aa6c9", map::alarm_colour)
}

/// What the chart's marks are, under it.
#[component]
pub fn ChartKey(kind: ChartKind, lang: Lang) -> impl IntoView {
    let line = match kind {
        ChartKind::Rain => lang.t("24 小时累计（右轴）", "24-hour total (right axis)"),
        ChartKind::Level => lang.t("水位", "level"),
        ChartKind::Displacement => lang.t("位移", "displacement"),
    };
    let limits = match kind {
        ChartKind::Rain => Some(lang.t("1 小时雨量阈值", "1-hour rain limits")),
        ChartKind::Level => Some(lang.t("警戒 / 保证水位", "warning / guarantee levels")),
        ChartKind::Displacement => None,
    };
    view! {
        <p class="chart-key">
            {(kind == ChartKind::Rain).then(|| view! {
                <span><i class="key-bar"></i>{lang.t("小时雨量", "hourly rain")}</span>
            })}
            <span><i class="key-line" style=format!("border-color:{}", line_colour(kind))></i>{line}</span>
            {limits.map(|t| view! { <span><i class="key-dash"></i>{t}</span> })}
            <span><i class="key-now"></i>{lang.t("现在", "now")}</span>
        </p>
    }
}

#[component]
pub fn ChartSvg(chart: Chart, now_ms: i64, lang: Lang) -> impl IntoView {
    let c = chart;
    let right_margin = if c.right.is_some() { 40.0 } else { 14.0 };
    let (pw, ph) = (W - LEFT - right_margin, H - TOP - BOTTOM);
    let x = |t: i64| LEFT + c.x(t).clamp(0.0, 1.0) * pw;
    let y = |v: f64| TOP + (1.0 - c.left.at(v).clamp(0.0, 1.0)) * ph;
    let frame = view! {
        <rect x=LEFT y=TOP width=pw height=ph fill="#fafbfc" stroke="#c9d1d9"/>
    };
    let grid = c
        .left
        .ticks
        .iter()
        .map(|&v| {
            let yy = y(v);
            view! {
                <line x1=LEFT x2=LEFT + pw y1=yy y2=yy stroke="#e3e8ed"/>
                <text x=LEFT - 4.0 y=yy + 4.0 text-anchor="end" class="tick">{value(v)}</text>
            }
        })
        .collect_view();
    let right_axis = c.right.as_ref().map(|r| {
        r.ticks
            .iter()
            .map(|&v| {
                let yy = TOP + (1.0 - r.at(v).clamp(0.0, 1.0)) * ph;
                view! {
                    <text x=LEFT + pw + 4.0 y=yy + 4.0 text-anchor="start" class="tick right">{value(v)}</text>
                }
            })
            .collect_view()
    });
    let x_ticks = c
        .x_ticks
        .iter()
        .map(|t| {
            let xx = x(t.at_ms);
            let label = if lang == Lang::Zh {
                t.zh.clone()
            } else {
                t.en.clone()
            };
            view! {
                <line x1=xx x2=xx y1=TOP + ph y2=TOP + ph + 4.0 stroke="#8a96a3"/>
                <line x1=xx x2=xx y1=TOP y2=TOP + ph stroke="#eef1f4"/>
                <text x=xx y=TOP + ph + 17.0 text-anchor="middle" class="tick">{label}</text>
            }
        })
        .collect_view();
    let bars = c
        .bars
        .iter()
        .filter(|b| b.mm > 0.0)
        .map(|b| {
            let (x0, x1) = (x(b.start_ms), x(b.end_ms));
            let y0 = y(b.mm);
            view! {
                <rect class="bar" x=x0 + 0.5 y=y0 width=(x1 - x0 - 1.0).max(1.0)
                    height=(TOP + ph - y0).max(0.0) fill=bar_colour(&c, b.mm)>
                    <title>{format!("{} mm", value(b.mm))}</title>
                </rect>
            }
        })
        .collect_view();
    // The line on its own axis: the running total on the right, the rest on the left.
    let ly = |v: f64| match &c.right {
        Some(r) => TOP + (1.0 - r.at(v).clamp(0.0, 1.0)) * ph,
        None => y(v),
    };
    let points: String = c
        .line
        .iter()
        .map(|&(t, v)| format!("{:.1},{:.1}", x(t), ly(v)))
        .collect::<Vec<_>>()
        .join(" ");
    let dots = (c.kind != ChartKind::Rain && c.line.len() <= 60).then(|| {
        c.line
            .iter()
            .map(|&(t, v)| view! { <circle cx=x(t) cy=ly(v) r="2.2" fill=line_colour(c.kind)/> })
            .collect_view()
    });
    let limits = c
        .limits
        .iter()
        .map(|l| {
            let yy = y(l.value);
            let colour = map::alarm_colour(l.level);
            let text_colour = if l.level == AlarmLevel::Yellow {
                "#8a6d00"
            } else {
                colour
            };
            let name = if lang == Lang::Zh { l.zh } else { l.en };
            view! {
                <line class="limit" data-level=l.level.code() x1=LEFT x2=LEFT + pw y1=yy y2=yy
                    stroke=colour stroke-width="1.6" stroke-dasharray="6 4"/>
                <text x=LEFT + 4.0 y=yy - 3.0 class="limit-label" fill=text_colour>
                    {format!("{name} {}", value(l.value))}
                </text>
            }
        })
        .collect_view();
    // Where now is: a dotted line (the legend under the chart says so; a word at the top
    // would sit on the right axis's title).
    let now_line = (now_ms > c.from_ms && now_ms <= c.to_ms).then(|| {
        let xx = x(now_ms);
        view! { <line class="now" x1=xx x2=xx y1=TOP y2=TOP + ph stroke="#5f6b7a" stroke-dasharray="2 3"/> }
    });
    let (left_zh, left_en) = (c.left.zh.clone(), c.left.en.clone());
    let right_label = c.right.as_ref().map(|r| {
        if lang == Lang::Zh {
            r.zh.clone()
        } else {
            r.en.clone()
        }
    });
    let aria = if lang == Lang::Zh {
        left_zh.clone()
    } else {
        left_en.clone()
    };
    let kind = match c.kind {
        ChartKind::Rain => "rain",
        ChartKind::Level => "level",
        ChartKind::Displacement => "displacement",
    };
    let wet_bars = c.bars.iter().filter(|b| b.mm > 0.0).count();
    view! {
        <svg class="chart" id="station-chart" viewBox=format!("0 0 {W} {H}")
            data-kind=kind data-bars=wet_bars data-points=c.line.len() data-limits=c.limits.len()
            role="img" aria-label=aria>
            {frame}
            {grid}
            {x_ticks}
            {bars}
            {limits}
            <polyline points=points fill="none" stroke=line_colour(c.kind) stroke-width="2"
                stroke-linejoin="round"/>
            {dots}
            {now_line}
            {right_axis}
            <text x=LEFT y=TOP - 8.0 class="axis-label">{if lang == Lang::Zh { left_zh } else { left_en }}</text>
            {right_label.map(|t| view! {
                <text x=LEFT + pw y=TOP - 8.0 text-anchor="end" class="axis-label right">{t}</text>
            })}
        </svg>
    }
}
