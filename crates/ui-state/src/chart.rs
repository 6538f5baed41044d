//! A monitoring station's chart as plain values: what its last 48 hours of readings draw
//! (hourly rain bars with the running 24 h total, a water level, a displacement), the limit
//! lines that apply, and the axes' ticks, the time axis in Beijing time. The window draws them
//! as SVG; the rain is the domain's own `Rainfall`, so a bar over a limit line is the alarm's
//! own figure, never a second reckoning of it.

use yitu_domain::beijing_time::{BeijingTime, OFFSET_MS};
use yitu_domain::monitoring::series::{clean, DAY_MS, HOUR_MS};
use yitu_domain::monitoring::{AlarmLevel, Axis, Element, Rainfall, Reading, Station, StationKind};

/// How much of the past a chart shows.
pub const SPAN_MS: i64 = 48 * HOUR_MS;

/// What a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Hourly rain (bars, left axis) and the running 24 h total (a line, right axis).
    Rain,
    /// A water level (a line) with 警戒水位 and 保证水位.
    Level,
    /// A geohazard point's displacement or crack width (a line).
    Displacement,
}

/// One axis: its range, its ticks (values inside the range), what it measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
    pub zh: String,
    pub en: String,
}

impl Scale {
    /// Where `v` falls, 0 at `min` to 1 at `max` (the window turns it upside down).
    pub fn at(&self, v: f64) -> f64 {
        (v - self.min) / (self.max - self.min)
    }
}

/// Rain in one clock hour, `(start, end]`, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub start_ms: i64,
    pub end_ms: i64,
    pub mm: f64,
}

/// A limit drawn as a dashed line across the chart, on the left axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub value: f64,
    pub level: AlarmLevel,
    pub zh: &'static str,
    pub en: &'static str,
}

/// A tick of the time axis: where, and its text (a Beijing clock hour, or the date at
/// midnight).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at_ms: i64,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    /// The time shown, `[from, to]`: 48 whole Beijing hours ending with the hour now is in.
    pub from_ms: i64,
    pub to_ms: i64,
    pub left: Scale,
    /// The running 24 h total's axis (rain only).
    pub right: Option<Scale>,
    pub bars: Vec<Bar>,
    /// The level, the displacement, or (rain) the running 24 h total: (instant, value).
    pub line: Vec<(i64, f64)>,
    /// What the line is, where it is one element (level, displacement).
    pub element: Option<Element>,
    pub limits: Vec<Limit>,
    pub x_ticks: Vec<Tick>,
    /// No reading of what the chart draws was found in its span.
    pub empty: bool,
}

impl Chart {
    /// Where an instant falls on the time axis, 0 at `from` to 1 at `to`.
    pub fn x(&self, at_ms: i64) -> f64 {
        (at_ms - self.from_ms) as f64 / (self.to_ms - self.from_ms) as f64
    }
}

/// The readings a station's chart asks the store for, `[from, to)` at `now_ms`: the chart's
/// span, and for rain the day before it too, so the running 24 h total is whole from the
/// first bar on (48 hours alone would show it rising from nothing for a day).
pub fn asked(kind: StationKind, now_ms: i64) -> (i64, i64) {
    let (from, to) = span(now_ms);
    match kind {
        StationKind::Rain | StationKind::Weather => (from - DAY_MS, to + 1),
        _ => (from, to + 1),
    }
}

/// The chart's span at `now_ms`: the 48 whole hours that end with the hour now is in.
fn span(now_ms: i64) -> (i64, i64) {
    let to = (now_ms + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS;
    (to - SPAN_MS, to)
}

/// The chart of `station` from its readings (any order, repeats and other stations' left
/// out), at `now_ms`; `None` for a kind that has none (a fire camera).
pub fn chart(station: &Station, readings: &[Reading], now_ms: i64) -> Option<Chart> {
    let (from, to) = span(now_ms);
    let clean = clean(&station.code, readings);
    let x_ticks = ticks(from, to);
    match station.kind {
        StationKind::Rain | StationKind::Weather => Some(rain(station, &clean, now_ms, x_ticks)),
        StationKind::WaterLevel => {
            let element = [Element::RiverLevel, Element::ReservoirLevel]
                .into_iter()
                .find(|e| clean.iter().any(|r| r.element == *e))
                .unwrap_or(Element::RiverLevel);
            let w = &station.thresholds.water;
            let limits = [
                (w.warning_m, AlarmLevel::Orange, "警戒水位", "Warning level"),
                (
                    w.guarantee_m,
                    AlarmLevel::Red,
                    "保证水位",
                    "Guarantee level",
                ),
            ]
            .into_iter()
            .filter_map(|(v, level, zh, en)| {
                Some(Limit {
                    value: v?,
                    level,
                    zh,
                    en,
                })
            })
            .collect();
            Some(line_chart(
                ChartKind::Level,
                element,
                &clean,
                (from, to),
                limits,
                ("水位 (m)", "Level (m)"),
                x_ticks,
            ))
        }
        StationKind::Geohazard => {
            // The resultant where the device sends it, else its X axis, else a crack meter.
            let element = [
                Element::GnssDisplacement(Axis::Total),
                Element::GnssDisplacement(Axis::X),
                Element::CrackWidth,
            ]
            .into_iter()
            .find(|e| clean.iter().any(|r| r.element == *e))
            .unwrap_or(Element::GnssDisplacement(Axis::Total));
            let label = if element == Element::CrackWidth {
                ("裂缝宽度 (mm)", "Crack width (mm)")
            } else {
                ("位移 (mm)", "Displacement (mm)")
            };
            Some(line_chart(
                ChartKind::Displacement,
                element,
                &clean,
                (from, to),
                Vec::new(),
                label,
                x_ticks,
            ))
        }
        StationKind::FireVideo => None,
    }
}

fn rain(station: &Station, clean: &[Reading], now_ms: i64, x_ticks: Vec<Tick>) -> Chart {
    let (from, to) = span(now_ms);
    let rain = Rainfall::new(clean);
    let bars: Vec<Bar> = (1..=SPAN_MS / HOUR_MS)
        .map(|k| {
            let end_ms = from + k * HOUR_MS;
            Bar {
                start_ms: end_ms - HOUR_MS,
                end_ms,
                mm: rain.within(HOUR_MS, end_ms),
            }
        })
        .collect();
    // The running total at each hour's end, and at now for the hour now is in.
    let line: Vec<(i64, f64)> = bars
        .iter()
        .map(|b| {
            let at = b.end_ms.min(now_ms);
            (at, rain.within(DAY_MS, at))
        })
        .collect();
    let limits: Vec<Limit> = station
        .thresholds
        .rain
        .h1
        .map(|l| {
            vec![
                Limit {
                    value: l.prepare_mm,
                    level: AlarmLevel::Orange,
                    zh: "准备转移",
                    en: "Prepare to move",
                },
                Limit {
                    value: l.evacuate_mm,
                    level: AlarmLevel::Red,
                    zh: "立即转移",
                    en: "Move now",
                },
            ]
        })
        .unwrap_or_default();
    let top = bars
        .iter()
        .map(|b| b.mm)
        .chain(limits.iter().map(|l| l.value))
        .fold(1.0, f64::max);
    let (min, max, ticks) = nice(0.0, top * 1.08);
    let total_top = line.iter().map(|p| p.1).fold(5.0, f64::max);
    let (rmin, rmax, rticks) = nice(0.0, total_top * 1.08);
    let empty = !clean.iter().any(|r| {
        matches!(
            r.element,
            Element::PeriodRain { .. } | Element::AccumulatedRain
        ) && r.observed_at_ms > from
            && r.observed_at_ms <= to
    });
    Chart {
        kind: ChartKind::Rain,
        from_ms: from,
        to_ms: to,
        left: Scale {
            min,
            max,
            ticks,
            zh: "小时雨量 (mm)".into(),
            en: "Hourly rain (mm)".into(),
        },
        right: Some(Scale {
            min: rmin,
            max: rmax,
            ticks: rticks,
            zh: "24 小时累计 (mm)".into(),
            en: "24-hour total (mm)".into(),
        }),
        bars,
        line,
        element: None,
        limits,
        x_ticks,
        empty,
    }
}

fn line_chart(
    kind: ChartKind,
    element: Element,
    clean: &[Reading],
    (from, to): (i64, i64),
    limits: Vec<Limit>,
    (zh, en): (&str, &str),
    x_ticks: Vec<Tick>,
) -> Chart {
    let line: Vec<(i64, f64)> = clean
        .iter()
        .filter(|r| r.element == element && r.observed_at_ms >= from && r.observed_at_ms <= to)
        .map(|r| (r.observed_at_ms, r.value))
        .collect();
    // The range holds the values and the limits: a level far under 警戒水位 is drawn with
    // the line above it, so how far it has to rise is seen.
    let values = line
        .iter()
        .map(|p| p.1)
        .chain(limits.iter().map(|l| l.value));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.08).max(0.1);
    // A displacement from zero is drawn from zero, not from a padding below it.
    let floor = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    let (min, max, ticks) = nice(floor, hi + pad);
    Chart {
        kind,
        from_ms: from,
        to_ms: to,
        left: Scale {
            min,
            max,
            ticks,
            zh: zh.into(),
            en: en.into(),
        },
        right: None,
        empty: line.is_empty(),
        bars: Vec::new(),
        line,
        element: Some(element),
        limits,
        x_ticks,
    }
}

/// Time ticks every six hours on the Beijing clock (00:00, 06:00, 12:00, 18:00) in
/// `[from, to]`; midnight is written as its date.
fn ticks(from: i64, to: i64) -> Vec<Tick> {
    let step = 6 * HOUR_MS;
    let first = (from + OFFSET_MS + step - 1).div_euclid(step) * step - OFFSET_MS;
    (0..)
        .map(|k| first + k * step)
        .take_while(|&t| t <= to)
        .map(|at_ms| {
            let b = BeijingTime::from_unix_ms(at_ms);
            let (zh, en) = if b.hour == 0 {
                (
                    format!("{}月{}日", b.month, b.day),
                    format!("{:02}-{:02}", b.month, b.day),
                )
            } else {
                let t = format!("{:02}:00", b.hour);
                (t.clone(), t)
            };
            Tick { at_ms, zh, en }
        })
        .collect()
}

/// A range that holds `[lo, hi]` with round ends, and its ticks: steps of 1, 2 or 5 times a
/// power of ten, about five of them.
pub fn nice(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = match raw / mag {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    } * mag;
    // A hair of slack, so 0.3 / 0.1 = 2.9999999999999996 is not taken for more than 3 steps.
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    // Whole multiples of the step, rounded to its own decimals: no 0.30000000000000004.
    let decimals = (-step.log10().floor()).max(0.0) as i32;
    let round = |v: f64| {
        let f = 10f64.powi(decimals);
        (v * f).round() / f
    };
    let ticks: Vec<f64> = (first..=last).map(|k| round(k as f64 * step)).collect();
    (ticks[0], ticks[ticks.len() - 1], ticks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yitu_domain::monitoring::Thresholds;
    use yitu_domain::{EntityId, LonLat};

    const M: i64 = 60_000;
    /// 2026-12-04 14:20 Beijing (06:20 UTC).
    fn now() -> i64 {
        BeijingTime::civil((2026, 12, 4), (14, 20, 0))
            .unwrap()
            .to_unix_ms()
    }
    fn at(day: u32, hour: u32, minute: u32) -> i64 {
        BeijingTime::civil((2026, 12, day), (hour, minute, 0))
            .unwrap()
            .to_unix_ms()
    }

    fn station(kind: StationKind) -> Station {
        let mut thresholds = Thresholds::for_kind(kind);
        thresholds.water.warning_m = Some(200.0);
        thresholds.water.guarantee_m = Some(206.0);
        Station {
            id: EntityId::derived(&[b"chart-test"]),
            code: "0050117001".into(),
            name: "测试站".into(),
            kind,
            sensors: kind.usual_sensors(),
            owner: "区水利局".into(),
            location: LonLat {
                lon: 106.28,
                lat: 30.01,
            },
            town_code: "500117001".into(),
            watches: vec![],
            river: None,
            thresholds,
            reports_every_min: 60,
        }
    }

    fn r(element: Element, at_ms: i64, value: f64) -> Reading {
        Reading {
            station: "0050117001".into(),
            element,
            observed_at_ms: at_ms,
            value,
            historical: false,
        }
    }

    const H1: Element = Element::PeriodRain { minutes: 60 };

    #[test]
    fn the_span_is_48_whole_hours_ending_with_the_hour_now_is_in() {
        let c = chart(&station(StationKind::Rain), &[], now()).unwrap();
        assert_eq!(c.to_ms, at(4, 15, 0));
        assert_eq!(c.from_ms, at(2, 15, 0));
        assert_eq!(c.bars.len(), 48);
        assert_eq!(c.bars[0].start_ms, c.from_ms);
        assert_eq!(c.bars[47].end_ms, c.to_ms);
        assert!(
            c.empty,
            "no readings: the window says so instead of a flat chart"
        );
        // On the hour, the hour just ended is the last.
        assert_eq!(span(at(4, 14, 0)).1, at(4, 14, 0));
        // Rain asks a day more for the running total; a level only the span (and now).
        assert_eq!(
            asked(StationKind::Rain, now()),
            (at(1, 15, 0), at(4, 15, 0) + 1)
        );
        assert_eq!(
            asked(StationKind::WaterLevel, now()),
            (at(2, 15, 0), at(4, 15, 0) + 1)
        );
    }

    #[test]
    fn hourly_bars_and_the_running_total_are_the_alarms_own_rain() {
        // A storm: 10 mm/h from 04:00 to 12:00 on the 4th, then 55 mm in the hour to 13:00;
        // and 20 mm on the 2nd in the hour to 20:00, which leaves the 24 h window at 20:00 on
        // the 3rd.
        let mut rs: Vec<Reading> = (5..=12).map(|h| r(H1, at(4, h, 0), 10.0)).collect();
        rs.push(r(H1, at(4, 13, 0), 55.0));
        rs.push(r(H1, at(2, 20, 0), 20.0));
        // The same hour sent twice (a retried frame) and another station's rain: no change.
        rs.push(r(H1, at(4, 13, 0), 55.0));
        let mut other = r(H1, at(4, 13, 0), 99.0);
        other.station = "somebody else".into();
        rs.push(other);
        let c = chart(&station(StationKind::Rain), &rs, now()).unwrap();
        let bar = |end: i64| c.bars.iter().find(|b| b.end_ms == end).unwrap().mm;
        assert_eq!(bar(at(4, 13, 0)), 55.0);
        assert_eq!(bar(at(4, 12, 0)), 10.0);
        assert_eq!(bar(at(4, 4, 0)), 0.0);
        assert_eq!(bar(at(2, 20, 0)), 20.0);
        let total = |t: i64| c.line.iter().find(|p| p.0 == t).unwrap().1;
        assert_eq!(total(at(4, 13, 0)), 80.0 + 55.0);
        assert_eq!(total(at(3, 19, 0)), 20.0);
        assert_eq!(total(at(3, 20, 0)), 0.0, "out of the window a day later");
        // The hour now is in is totalled at now, not at its end.
        assert_eq!(c.line.last().unwrap().0, now());
        // The 1 h limits, and an axis that shows the bar over 立即转移.
        let limits: Vec<_> = c.limits.iter().map(|l| (l.zh, l.value, l.level)).collect();
        assert_eq!(
            limits,
            vec![
                ("准备转移", 30.0, AlarmLevel::Orange),
                ("立即转移", 50.0, AlarmLevel::Red)
            ]
        );
        assert!(c.left.max >= 55.0 && c.left.min == 0.0, "{:?}", c.left);
        assert!(c.right.as_ref().unwrap().max >= 135.0);
        assert!(!c.empty);
    }

    #[test]
    fn five_minute_reports_sum_into_their_hour_and_an_hourly_copy_is_not_counted_twice() {
        // Twelve 5-minute periods of 2 mm in the hour to 13:00, and that hour's 定时报 of
        // 24 mm as well: one hour of 24 mm, not 48.
        let mut rs: Vec<Reading> = (1..=12)
            .map(|k| {
                r(
                    Element::PeriodRain { minutes: 5 },
                    at(4, 12, 0) + k * 5 * M,
                    2.0,
                )
            })
            .collect();
        rs.push(r(H1, at(4, 13, 0), 24.0));
        let c = chart(&station(StationKind::Rain), &rs, now()).unwrap();
        let bar = c.bars.iter().find(|b| b.end_ms == at(4, 13, 0)).unwrap();
        assert_eq!(bar.mm, 24.0);
    }

    #[test]
    fn a_level_is_drawn_with_its_warning_and_guarantee_lines_in_view() {
        let rs = vec![
            r(Element::RiverLevel, at(4, 12, 0), 198.2),
            r(Element::RiverLevel, at(4, 13, 0), 200.6),
            r(Element::RiverLevel, at(4, 14, 0), 201.1),
            // Before the span: left out.
            r(Element::RiverLevel, at(1, 14, 0), 150.0),
        ];
        let c = chart(&station(StationKind::WaterLevel), &rs, now()).unwrap();
        assert_eq!(c.kind, ChartKind::Level);
        assert_eq!(c.element, Some(Element::RiverLevel));
        assert_eq!(c.line.len(), 3);
        let limits: Vec<_> = c.limits.iter().map(|l| (l.zh, l.value)).collect();
        assert_eq!(limits, vec![("警戒水位", 200.0), ("保证水位", 206.0)]);
        assert!(c.left.min <= 198.2 && c.left.max >= 206.0, "{:?}", c.left);
        assert!(
            c.left.min > 150.0,
            "the old reading does not stretch the axis"
        );
        assert!(c.bars.is_empty() && c.right.is_none());
        for v in [198.2, 200.0, 206.0] {
            let f = c.left.at(v);
            assert!((0.0..=1.0).contains(&f), "{v} at {f}");
        }
    }

    #[test]
    fn a_geohazard_point_draws_its_gnss_resultant_or_else_its_x_axis() {
        let x = Element::GnssDisplacement(Axis::X);
        let total = Element::GnssDisplacement(Axis::Total);
        let point = station(StationKind::Geohazard);
        let only_x = vec![r(x, at(4, 10, 0), 3.0), r(x, at(4, 11, 0), 3.4)];
        let c = chart(&point, &only_x, now()).unwrap();
        assert_eq!((c.kind, c.element), (ChartKind::Displacement, Some(x)));
        let mut both = only_x.clone();
        both.push(r(total, at(4, 11, 0), 4.2));
        let c = chart(&point, &both, now()).unwrap();
        assert_eq!(c.element, Some(total));
        assert_eq!(c.line, vec![(at(4, 11, 0), 4.2)]);
        assert!(
            c.limits.is_empty(),
            "its limits are rates, not displacements"
        );
        assert!(chart(&station(StationKind::FireVideo), &both, now()).is_none());
    }

    #[test]
    fn time_ticks_are_every_six_beijing_hours_and_midnight_is_a_date() {
        let c = chart(&station(StationKind::Rain), &[], now()).unwrap();
        let labels: Vec<&str> = c.x_ticks.iter().map(|t| t.zh.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "18:00",
                "12月3日",
                "06:00",
                "12:00",
                "18:00",
                "12月4日",
                "06:00",
                "12:00"
            ]
        );
        assert_eq!(c.x_ticks[1].at_ms, at(3, 0, 0));
        assert_eq!(c.x_ticks[1].en, "12-03");
        for t in &c.x_ticks {
            let f = c.x(t.at_ms);
            assert!((0.0..=1.0).contains(&f));
        }
    }

    #[test]
    fn nice_ranges_have_round_ends_and_steps() {
        // (lo, hi) → (min, max, step)
        let cases = [
            ((0.0, 52.0), (0.0, 60.0, 20.0)),
            ((0.0, 54.0 * 1.08), (0.0, 60.0, 20.0)),
            ((197.7, 206.5), (196.0, 208.0, 2.0)),
            ((0.0, 1.0), (0.0, 1.0, 0.2)),
            ((3.0, 3.0), (2.4, 3.6, 0.2)),
            ((0.0, 0.3), (0.0, 0.3, 0.1)),
        ];
        for ((lo, hi), (min, max, step)) in cases {
            let (a, b, ticks) = nice(lo, hi);
            assert_eq!((a, b), (min, max), "{lo}..{hi}: {ticks:?}");
            assert!(
                (ticks[1] - ticks[0] - step).abs() < 1e-9,
                "{lo}..{hi}: {ticks:?}"
            );
            assert!(a <= lo && b >= hi);
        }
        let (_, _, ticks) = nice(0.0, 0.3);
        assert_eq!(ticks, vec![0.0, 0.1, 0.2, 0.3]);
    }
}
