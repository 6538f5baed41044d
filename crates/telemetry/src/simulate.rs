//! Deterministic generators for tests and drills: a seed in, frames and payloads out, no clock
//! read (times are passed in). A day of rain with an afternoon storm, a river rising toward its
//! warning level, a multi-packet message, and geohazard devices' MQTT payloads.

use crate::device::DeviceType;
// The demo dataset's generator: the same numbers on every platform for a seed.
use crate::reading::Element;
use crate::sl651::{
    Direction, Encoding, End, Frame, Function, Header, Observation, Packet, Report, StationAddress,
};
use yitu_domain::demo::rng::SplitMix64 as Rng;

fn round(v: f64, decimals: i32) -> f64 {
    let s = 10f64.powi(decimals);
    (v * s).round() / s
}

fn header(station: StationAddress, function: Function) -> Header {
    Header {
        centre: 0x01,
        station,
        password: 0x1234,
        function,
        direction: Direction::Up,
    }
}

fn frame(function: Function, station: StationAddress, report: &Report) -> Vec<u8> {
    let body = report
        .encode(Encoding::Hex)
        .expect("simulated values fit their elements");
    let f = Frame {
        encoding: Encoding::Hex,
        header: header(station, function),
        packet: Packet::Single,
        body,
        end: End::Etx,
    };
    f.encode().expect("simulated bodies fit a frame")
}

fn report(
    function: Function,
    serial: u16,
    station: StationAddress,
    kind: u8,
    sent_at_ms: i64,
    observations: Vec<Observation>,
) -> Report {
    Report {
        function,
        serial,
        sent_at_ms,
        station,
        kind: Some(kind),
        observations,
        skipped: Vec::new(),
    }
}

/// Hourly 定时报 (32H) from a rain gauge over the 24 hours after `day_start_ms` (a whole
/// minute): 1-hour rain, the day's running total (当前降水量), the gauge's accumulated total and
/// the supply voltage. Light showers, then a storm from the 14th hour peaking near 40 mm/h.
pub fn rain_day(seed: u64, station: StationAddress, day_start_ms: i64) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let mut day = 0.0;
    let mut total = round(200.0 + rng.unit() * 300.0, 1);
    (1..=24u16)
        .map(|hour| {
            let storm =
                (-((f64::from(hour) - 16.0) / 1.5).powi(2)).exp() * (30.0 + rng.unit() * 15.0);
            let shower = if rng.unit() < 0.2 {
                rng.unit() * 2.0
            } else {
                0.0
            };
            let hourly = round(storm + shower, 1);
            day = round(day + hourly, 1);
            total = round(total + hourly, 1);
            let at = day_start_ms + i64::from(hour) * 3_600_000;
            let o = |element, value| Observation {
                element,
                observed_at_ms: at,
                value,
            };
            let observations = vec![
                o(Element::PeriodRain { minutes: 60 }, hourly),
                o(Element::CurrentRain, day),
                o(Element::AccumulatedRain, total),
                o(Element::SupplyVoltage, round(12.4 + rng.unit() * 0.8, 2)),
            ];
            frame(
                Function::TIMED,
                station,
                &report(
                    Function::TIMED,
                    hour,
                    station,
                    b'P',
                    at + 20_000,
                    observations,
                ),
            )
        })
        .collect()
}

/// 加报报 (33H) every 15 minutes for 4 hours from `start_ms`: the river level climbing from
/// `from_m` to just above `threshold_m`, with gauge noise of a few millimetres.
pub fn river_rise(
    seed: u64,
    station: StationAddress,
    start_ms: i64,
    from_m: f64,
    threshold_m: f64,
) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let steps = 16;
    (0..=steps)
        .map(|i| {
            let progress = f64::from(i) / f64::from(steps);
            // Slow at first, fastest as the flood wave arrives, ending 5 cm above the threshold.
            let level = from_m
                + (threshold_m + 0.05 - from_m) * progress.powf(1.5)
                + (rng.unit() - 0.5) * 0.006;
            let at = start_ms + i64::from(i) * 900_000;
            let observations = vec![Observation {
                element: Element::RiverLevel,
                observed_at_ms: at,
                value: round(level, 3),
            }];
            frame(
                Function::ADDED,
                station,
                &report(
                    Function::ADDED,
                    100 + i as u16,
                    station,
                    b'H',
                    at + 5_000,
                    observations,
                ),
            )
        })
        .collect()
}

/// A 定时报 carrying a week of hourly rain (168 observation groups), sent in `packets`
/// packets (SYN … ETB, the last ETX), for reassembly tests and drills.
pub fn multi_packet(
    seed: u64,
    station: StationAddress,
    start_ms: i64,
    packets: u16,
) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let observations = (1..=168)
        .map(|h| Observation {
            element: Element::PeriodRain { minutes: 60 },
            observed_at_ms: start_ms + h * 3_600_000,
            value: round(
                if rng.unit() < 0.3 {
                    rng.unit() * 12.0
                } else {
                    0.0
                },
                1,
            ),
        })
        .collect();
    let r = report(
        Function::TIMED,
        7,
        station,
        b'P',
        start_ms + 168 * 3_600_000,
        observations,
    );
    let body = r.encode(Encoding::Hex).expect("simulated values fit");
    let packets = packets.max(1);
    let size = body.len().div_ceil(usize::from(packets));
    let chunks: Vec<&[u8]> = body.chunks(size).collect();
    let total = chunks.len() as u16;
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let index = i as u16 + 1;
            Frame {
                encoding: Encoding::Hex,
                header: header(station, Function::TIMED),
                packet: Packet::Multi { total, index },
                body: chunk.to_vec(),
                end: if index == total { End::Etx } else { End::Etb },
            }
            .encode()
            .expect("each packet fits a frame")
        })
        .collect()
}

/// `count` 加报 (33H) frames from a rain gauge, one every `step_ms` from `start_ms` (whole
/// minutes), each carrying the rain of its step (SL 651's period rain of `step_ms` minutes):
/// drizzle with a shower now and then. The benchmark's network of gauges is made of these.
pub fn interval_rain(
    seed: u64,
    station: StationAddress,
    start_ms: i64,
    step_ms: i64,
    count: u32,
) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let minutes = (step_ms / 60_000).clamp(1, 60) as u16;
    (1..=count)
        .map(|i| {
            let at = start_ms + i64::from(i) * step_ms;
            let rain = if rng.unit() < 0.1 {
                round(rng.unit() * 4.0, 1)
            } else {
                0.0
            };
            frame(
                Function::ADDED,
                station,
                &report(
                    Function::ADDED,
                    (i % 65_535) as u16,
                    station,
                    b'P',
                    at + 5_000,
                    vec![Observation {
                        element: Element::PeriodRain { minutes },
                        observed_at_ms: at,
                        value: rain,
                    }],
                ),
            )
        })
        .collect()
}

/// One 加报 frame from a rain gauge: `mm` of rain over the `minutes` before `at_ms`.
pub fn rain_report(station: StationAddress, at_ms: i64, minutes: u16, mm: f64) -> Vec<u8> {
    added(station, b'P', Element::PeriodRain { minutes }, at_ms, mm)
}

/// One 加报 frame from a water-level gauge: the level `m` observed at `at_ms` (a report that
/// was held up on a cut link, for tests of late live readings).
pub fn level_report(station: StationAddress, at_ms: i64, m: f64) -> Vec<u8> {
    added(station, b'H', Element::RiverLevel, at_ms, m)
}

/// A 加报 carrying one observation, sent five seconds after it; `kind` is the station's
/// 遥测站分类码 (P rain, H river).
fn added(station: StationAddress, kind: u8, element: Element, at_ms: i64, value: f64) -> Vec<u8> {
    frame(
        Function::ADDED,
        station,
        &report(
            Function::ADDED,
            1,
            station,
            kind,
            at_ms + 5_000,
            vec![Observation {
                element,
                observed_at_ms: at_ms,
                value,
            }],
        ),
    )
}

/// `count` MQTT payloads from a device, one every `step_ms` from `start_ms` (UTC ms), in the
/// shape `device::decode` documents: a slope creeping a little faster each reading.
pub fn device_payloads(
    seed: u64,
    device: DeviceType,
    device_id: &str,
    start_ms: i64,
    count: u32,
    step_ms: i64,
) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|i| {
            let t = f64::from(i);
            let creep = 0.05 * t + 0.002 * t * t;
            let mut noise = || (rng.unit() - 0.5) * 0.2;
            let data = match device {
                DeviceType::Gnss => serde_json::json!({
                    "gpsTotalX": round(creep + noise(), 2),
                    "gpsTotalY": round(creep * 0.6 + noise(), 2),
                    "gpsTotalZ": round(-creep * 0.3 + noise(), 2),
                }),
                DeviceType::Crack => serde_json::json!({ "value": round(3.0 + creep + noise(), 2) }),
                DeviceType::Tilt => serde_json::json!({
                    "X": round(0.8 + creep * 0.1 + noise() * 0.1, 3),
                    "Y": round(-0.4 + noise() * 0.1, 3),
                    "angle": round(0.9 + creep * 0.1, 3),
                }),
                DeviceType::RainGauge => serde_json::json!({
                    "value": round((t * 0.7).sin().abs() * 4.0, 1),
                    "totalValue": round(120.0 + t * 1.5, 1),
                }),
                DeviceType::Moisture => serde_json::json!({ "value": round(22.0 + t * 0.4 + noise(), 1) }),
            };
            serde_json::json!({ "deviceId": device_id, "time": start_ms + i64::from(i) * step_ms, "data": data })
                .to_string()
                .into_bytes()
        })
        .collect()
}
