//! The values a rule compares, derived from one station's readings: rolling-window rainfall
//! from period increments or a gauge's running total, a water level and its rate of rise,
//! deformation rates and the improved tangent angle. Each is a series of [`Point`]s, one per
//! reading instant, computed only from readings at or before it.

use super::reading::{Axis, Element, Reading};
use super::threshold::Rule;
use super::threshold::Thresholds;
use std::collections::BTreeMap;

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// A rule's value at a reading's instant. `historical` when every reading that made the
/// instant was historical: such a point feeds later windows but never moves an alarm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at_ms: i64,
    pub value: f64,
    pub historical: bool,
}

/// One station's readings, deduplicated by (element, instant) and sorted: the form every
/// series is computed from. Two copies of one key keep the live one (someone heard it in time,
/// so it was news), then the lower value, so the choice never depends on arrival order.
pub fn clean(station: &str, readings: &[Reading]) -> Vec<Reading> {
    let mut by_key: BTreeMap<(Element, i64), Reading> = BTreeMap::new();
    for r in readings.iter().filter(|r| r.station == station) {
        if !r.value.is_finite() {
            continue;
        }
        by_key
            .entry((r.element, r.observed_at_ms))
            .and_modify(|kept| {
                let order = r
                    .historical
                    .cmp(&kept.historical)
                    .then(r.value.total_cmp(&kept.value));
                if order == std::cmp::Ordering::Less {
                    *kept = r.clone();
                }
            })
            .or_insert_with(|| r.clone());
    }
    let mut out: Vec<Reading> = by_key.into_values().collect();
    out.sort_by(|a, b| {
        a.observed_at_ms
            .cmp(&b.observed_at_ms)
            .then(a.element.cmp(&b.element))
    });
    out
}

/// Rain that fell over `(start, end]`, mm.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Increment {
    start: i64,
    end: i64,
    mm: f64,
}

/// A station's rain, as each of its sources tells it. A station may send 5-minute 加报 and
/// hourly 定时报 periods and its running total all at once; summing them would count the same
/// rain two or three times, so each source is kept apart and a window takes the largest
/// amount any one source gives. Each source alone can only miss rain (a lost frame), never
/// invent it, so the largest is the best lower bound.
#[derive(Debug, Clone, Default)]
pub struct Rainfall {
    /// Each source's increments, sorted by start (and so by end: a source's increments do not
    /// nest).
    sources: Vec<Vec<Increment>>,
    /// The instants rain was reported at, live when any reading there was live.
    instants: BTreeMap<i64, bool>,
}

impl Rainfall {
    /// From readings already [`clean`]ed.
    pub fn new(readings: &[Reading]) -> Self {
        let mut periods: BTreeMap<u16, Vec<Increment>> = BTreeMap::new();
        let mut total: Vec<Increment> = Vec::new();
        let mut last_total: Option<(i64, f64)> = None;
        let mut instants = BTreeMap::new();
        for r in readings {
            let t = r.observed_at_ms;
            match r.element {
                Element::PeriodRain { minutes } => {
                    periods.entry(minutes).or_default().push(Increment {
                        start: t - i64::from(minutes) * MINUTE_MS,
                        end: t,
                        // A negative period is a decoding fault, not rain taken back.
                        mm: r.value.max(0.0),
                    });
                }
                Element::AccumulatedRain => {
                    if let Some((prev_t, prev)) = last_total {
                        // A running total that falls was reset (a replaced logger, a cleared
                        // memory): the interval counts nothing and the count restarts from
                        // the new total, never negative rain, never the whole new total.
                        let mm = if r.value >= prev { r.value - prev } else { 0.0 };
                        total.push(Increment {
                            start: prev_t,
                            end: t,
                            mm,
                        });
                    }
                    last_total = Some((t, r.value));
                }
                _ => continue,
            }
            let live = instants.entry(t).or_insert(false);
            *live |= !r.historical;
        }
        let mut sources: Vec<Vec<Increment>> = periods.into_values().collect();
        sources.push(total);
        sources.retain(|s| !s.is_empty());
        Self { sources, instants }
    }

    /// Rain over `(at − window, at]`, mm: whole increments inside the window only, so an hourly
    /// period is never spread over a 10-minute-old window, and a running total's gap of two days
    /// never lands in the last hour.
    pub fn within(&self, window_ms: i64, at_ms: i64) -> f64 {
        let from = at_ms - window_ms;
        self.sources
            .iter()
            .map(|s| {
                let lo = s.partition_point(|i| i.start < from);
                let hi = s.partition_point(|i| i.end <= at_ms);
                s[lo..hi.max(lo)].iter().map(|i| i.mm).sum::<f64>()
            })
            .fold(0.0, f64::max)
    }

    /// The window's rain at every instant rain was reported.
    pub fn points(&self, window_ms: i64) -> Vec<Point> {
        self.instants
            .iter()
            .map(|(&at_ms, &live)| Point {
                at_ms,
                value: self.within(window_ms, at_ms),
                historical: !live,
            })
            .collect()
    }
}

/// The element a station's water level comes in: its river level, or its reservoir level when
/// it sends only that. Decided from the readings so a misfiled register entry still alarms.
fn level_element(readings: &[Reading]) -> Element {
    let has = |e| readings.iter().any(|r| r.element == e);
    if !has(Element::RiverLevel) && has(Element::ReservoirLevel) {
        Element::ReservoirLevel
    } else {
        Element::RiverLevel
    }
}

fn samples(readings: &[Reading], element: Element) -> Vec<Point> {
    readings
        .iter()
        .filter(|r| r.element == element)
        .map(|r| Point {
            at_ms: r.observed_at_ms,
            value: r.value,
            historical: r.historical,
        })
        .collect()
}

/// The least-squares slope of `samples` over `[at − window, at]` at each sample, per `per_ms`:
/// a fit, not two readings' difference, because gauges and GNSS carry millimetres of noise
/// that a difference over a short span turns into a false rate. A slope needs two samples
/// spanning at least half the window.
pub fn slopes(samples: &[Point], window_ms: i64, per_ms: i64) -> Vec<Point> {
    let mut out = Vec::new();
    for (i, p) in samples.iter().enumerate() {
        let lo = samples.partition_point(|q| q.at_ms < p.at_ms - window_ms);
        let span = &samples[lo..=i];
        if span.len() < 2 || p.at_ms - span[0].at_ms < window_ms / 2 {
            continue;
        }
        // Times relative to this sample, in the rate's unit, keep the sums well conditioned.
        let xs: Vec<f64> = span
            .iter()
            .map(|q| (q.at_ms - p.at_ms) as f64 / per_ms as f64)
            .collect();
        let n = xs.len() as f64;
        let mx = xs.iter().sum::<f64>() / n;
        let my = span.iter().map(|q| q.value).sum::<f64>() / n;
        let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let sxy: f64 = xs
            .iter()
            .zip(span)
            .map(|(x, q)| (x - mx) * (q.value - my))
            .sum();
        out.push(Point {
            at_ms: p.at_ms,
            value: sxy / sxx,
            historical: p.historical,
        });
    }
    out
}

/// The improved tangent angle, degrees, of a displacement rate against the steady-stage rate:
/// `atan(v / v_steady)`, 45° at steady creep (see [`super::threshold::TangentAngle`]).
pub fn tangent_angle_deg(rate_mm_per_day: f64, steady_mm_per_day: f64) -> f64 {
    (rate_mm_per_day / steady_mm_per_day).atan().to_degrees()
}

/// What `rule` compares at each instant, from readings already [`clean`]ed.
pub fn series(rule: Rule, readings: &[Reading], thresholds: &Thresholds) -> Vec<Point> {
    let deformation_window = i64::from(thresholds.deformation.rate_window_h) * HOUR_MS;
    let displacement = || {
        slopes(
            &samples(readings, Element::GnssDisplacement(Axis::Total)),
            deformation_window,
            DAY_MS,
        )
    };
    match rule {
        Rule::Rain1h => Rainfall::new(readings).points(HOUR_MS),
        Rule::Rain3h => Rainfall::new(readings).points(3 * HOUR_MS),
        Rule::Rain24h => Rainfall::new(readings).points(DAY_MS),
        Rule::Level => samples(readings, level_element(readings)),
        Rule::LevelRise => slopes(
            &samples(readings, level_element(readings)),
            HOUR_MS,
            HOUR_MS,
        ),
        Rule::DisplacementRate => displacement(),
        Rule::CrackRate => slopes(
            &samples(readings, Element::CrackWidth),
            deformation_window,
            DAY_MS,
        ),
        Rule::TangentAngle => match thresholds.deformation.tangent.steady_mm_per_day {
            Some(steady) => displacement()
                .into_iter()
                .map(|p| Point {
                    value: tangent_angle_deg(p.value, steady),
                    ..p
                })
                .collect(),
            None => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(element: Element, at: i64, value: f64) -> Reading {
        Reading {
            station: "S".into(),
            element,
            observed_at_ms: at,
            value,
            historical: false,
        }
    }

    #[test]
    fn periods_sum_over_the_window_each_counted_once() {
        let p10 = Element::PeriodRain { minutes: 10 };
        let mut readings: Vec<Reading> = (1..=6)
            .map(|i| r(p10, i * 10 * MINUTE_MS, f64::from(i as u8)))
            .collect();
        // A resent frame: the same period again.
        readings.push(r(p10, 30 * MINUTE_MS, 3.0));
        let rain = Rainfall::new(&clean("S", &readings));
        // 1+2+…+6 = 21 over the hour to 60 min; the half hour to 60 min holds 4+5+6 = 15.
        assert_eq!(rain.within(HOUR_MS, 60 * MINUTE_MS), 21.0);
        assert_eq!(rain.within(30 * MINUTE_MS, 60 * MINUTE_MS), 15.0);
        // At 65 min the period ending at 10 min (it began at 0) has left the hour.
        assert_eq!(rain.within(HOUR_MS, 65 * MINUTE_MS), 20.0);
    }

    #[test]
    fn sources_are_not_added_together() {
        // An hourly 定时报 period and the gauge's running total say the same 20 mm.
        let readings = vec![
            r(Element::AccumulatedRain, 0, 300.0),
            r(Element::AccumulatedRain, HOUR_MS, 320.0),
            r(Element::PeriodRain { minutes: 60 }, HOUR_MS, 20.0),
            // 5-minute 加报 that lost a frame: 12 mm of the 20.
            r(
                Element::PeriodRain { minutes: 5 },
                HOUR_MS - 5 * MINUTE_MS,
                6.0,
            ),
            r(Element::PeriodRain { minutes: 5 }, HOUR_MS, 6.0),
        ];
        let rain = Rainfall::new(&clean("S", &readings));
        assert_eq!(rain.within(HOUR_MS, HOUR_MS), 20.0);
        assert_eq!(rain.within(10 * MINUTE_MS, HOUR_MS), 12.0);
    }

    #[test]
    fn a_running_total_that_falls_is_a_reset_not_negative_rain() {
        let h = HOUR_MS;
        let readings = vec![
            r(Element::AccumulatedRain, 0, 500.0),
            r(Element::AccumulatedRain, h, 510.0),
            r(Element::AccumulatedRain, 2 * h, 530.0),
            r(Element::AccumulatedRain, 3 * h, 2.0),
            r(Element::AccumulatedRain, 4 * h, 37.0),
        ];
        let rain = Rainfall::new(&clean("S", &readings));
        let cases = [
            (h, 2 * h, 20.0),
            (h, 3 * h, 0.0),
            (3 * h, 3 * h, 30.0),
            (h, 4 * h, 35.0),
            (3 * h, 4 * h, 55.0),
            (DAY_MS, 4 * h, 65.0),
        ];
        for (window, at, mm) in cases {
            assert_eq!(rain.within(window, at), mm, "{window} {at}");
        }
    }

    #[test]
    fn a_long_gap_in_a_running_total_never_lands_in_the_last_hour() {
        let readings = vec![
            r(Element::AccumulatedRain, 0, 100.0),
            r(Element::AccumulatedRain, 2 * DAY_MS, 180.0),
        ];
        let rain = Rainfall::new(&clean("S", &readings));
        assert_eq!(rain.within(HOUR_MS, 2 * DAY_MS), 0.0);
        assert_eq!(rain.within(3 * DAY_MS, 2 * DAY_MS), 80.0);
    }

    #[test]
    fn a_slope_is_fitted_over_the_window_and_needs_half_of_it() {
        // 0.2 m every 15 minutes is 0.8 m/h.
        let s: Vec<Point> = (0..6)
            .map(|i| Point {
                at_ms: i * 15 * MINUTE_MS,
                value: 199.0 + 0.2 * i as f64,
                historical: false,
            })
            .collect();
        let rates = slopes(&s, HOUR_MS, HOUR_MS);
        // The first slope is at 30 min, the first with half an hour behind it.
        assert_eq!(rates[0].at_ms, 30 * MINUTE_MS);
        assert_eq!(rates.len(), 4);
        for p in rates {
            assert!((p.value - 0.8).abs() < 1e-9, "{p:?}");
        }
    }

    #[test]
    fn tangent_angles_by_hand() {
        // atan(v / v_steady) in degrees, worked on a calculator.
        let cases = [
            (1.0, 1.0, 45.0),
            (2.0, 1.0, 63.434_949),
            (8.0, 1.0, 82.874_984),
            (20.0, 1.0, 87.137_594),
            (100.0, 1.0, 89.427_061),
            (3.0, 2.0, 56.309_932),
            (0.0, 1.0, 0.0),
        ];
        for (v, steady, deg) in cases {
            assert!((tangent_angle_deg(v, steady) - deg).abs() < 1e-5, "{v}");
        }
    }

    #[test]
    fn duplicates_keep_the_live_copy_whatever_the_order() {
        let mut live = r(Element::RiverLevel, 0, 200.0);
        let mut late = live.clone();
        late.historical = true;
        late.value = 199.0;
        let a = clean("S", &[live.clone(), late.clone()]);
        let b = clean("S", &[late, live.clone()]);
        assert_eq!(a, b);
        assert_eq!(a, vec![live.clone()]);
        live.station = "other".into();
        assert!(clean("S", &[live]).is_empty());
    }
}
