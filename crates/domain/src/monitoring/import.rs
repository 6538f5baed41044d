//! A file of readings (CSV or XLSX, as a department exports its gauges' data) read into
//! readings, every row checked: so a desk with no server, or a station whose link is down and
//! whose data came on a USB stick, still has its readings. Columns by their Chinese or English
//! header: 测站编码 (station), 要素 (element: its code such as `rain.period.60`, or its label such
//! as 1 小时时段降水量), 观测时间 (time, Beijing, `2026-07-12 14:00[:00]`, with `-`, `/` or `T`,
//! or RFC 3339 with its offset), 值 (value).

use super::reading::{Element, Lateness, Reading};
use crate::beijing_time::BeijingTime;
use crate::import::{Issue, SourceRow};

/// The columns a readings file must have, each with the headers accepted for it.
const COLUMNS: [(&str, &[&str]); 4] = [
    (
        "测站编码",
        &[
            "测站编码",
            "站码",
            "测站",
            "station",
            "station_code",
            "code",
        ],
    ),
    ("要素", &["要素", "监测要素", "element"]),
    ("观测时间", &["观测时间", "时间", "time", "observed_at"]),
    ("值", &["值", "数值", "观测值", "value"]),
];

/// What a file gave: its readings (when every row was good) and every row's issues.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub readings: Vec<Reading>,
    pub issues: Vec<Issue>,
}

/// Reads the rows of a table whose first row gave `headers`. `received_at_ms` and `lateness`
/// judge which readings are historical: a file brings what happened, and only what is recent
/// enough may still raise an alarm.
pub fn parse(
    headers: &[String],
    rows: &[SourceRow<'_>],
    received_at_ms: i64,
    lateness: Lateness,
) -> Parsed {
    let mut out = Parsed::default();
    let mut at = [0usize; 4];
    for (i, (name, accepted)) in COLUMNS.iter().enumerate() {
        match headers
            .iter()
            .position(|h| accepted.iter().any(|a| h.trim().eq_ignore_ascii_case(a)))
        {
            Some(p) => at[i] = p,
            None => out.issues.push(Issue {
                line: 1,
                field: (*name).into(),
                reason: format!(
                    "缺少“{name}”列（可用表头：{}） / missing column",
                    accepted.join("、")
                ),
            }),
        }
    }
    if !out.issues.is_empty() {
        return out;
    }
    for row in rows {
        let cell = |i: usize| row.cells.get(at[i]).map(|c| c.trim()).unwrap_or("");
        let mut issue = |field: &str, reason: String| {
            out.issues.push(Issue {
                line: row.line,
                field: field.into(),
                reason,
            })
        };
        let station = cell(0);
        if station.is_empty() {
            issue("测站编码", "测站编码为空 / empty station code".into());
            continue;
        }
        let Some(element) = element(cell(1)) else {
            issue(
                "要素",
                format!("“{}”不是已知的监测要素 / not a known element", cell(1)),
            );
            continue;
        };
        let Some(observed_at_ms) = time(cell(2)) else {
            issue(
                "观测时间",
                format!(
                    "“{}”不是日期时间（如 2026-07-12 14:00） / not a date and time",
                    cell(2)
                ),
            );
            continue;
        };
        let value = match cell(3).parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                issue("值", format!("“{}”不是数字 / not a number", cell(3)));
                continue;
            }
        };
        out.readings.push(Reading {
            station: station.into(),
            element,
            observed_at_ms,
            value,
            historical: lateness.is_historical(observed_at_ms, received_at_ms),
        });
    }
    if !out.issues.is_empty() {
        out.readings.clear();
    }
    out
}

/// An element by its stored code or its Chinese label.
fn element(text: &str) -> Option<Element> {
    Element::from_code(text).or_else(|| {
        // Labels are made per element; the ones a file may name are those of every element
        // yitu reads, hourly and sub-hourly periods included.
        let mut all = vec![
            Element::CurrentRain,
            Element::DailyRain,
            Element::AccumulatedRain,
            Element::RiverLevel,
            Element::ReservoirLevel,
            Element::SupplyVoltage,
            Element::CrackWidth,
            Element::MoistureContent,
        ];
        for minutes in [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440] {
            all.push(Element::PeriodRain { minutes });
        }
        for a in [
            super::Axis::X,
            super::Axis::Y,
            super::Axis::Z,
            super::Axis::Total,
        ] {
            all.push(Element::GnssDisplacement(a));
            all.push(Element::Tilt(a));
        }
        all.into_iter().find(|e| e.label() == text)
    })
}

/// A Beijing date and time as people write it, or RFC 3339 with an explicit offset.
pub fn time(text: &str) -> Option<i64> {
    let t = text.trim();
    // An explicit offset: +08:00 or Z at the end.
    let (body, offset_ms) = if let Some(b) = t.strip_suffix('Z') {
        (b, Some(0))
    } else if t.len() > 6
        && (t.as_bytes()[t.len() - 6] == b'+' || t.as_bytes()[t.len() - 6] == b'-')
        && t.as_bytes()[t.len() - 3] == b':'
        && t.len() >= 16
    {
        let (b, off) = t.split_at(t.len() - 6);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let h: i64 = off[1..3].parse().ok()?;
        let m: i64 = off[4..6].parse().ok()?;
        (b, Some(sign * (h * 3_600_000 + m * 60_000)))
    } else {
        (t, None)
    };
    let (date, clock) = body.split_once(['T', ' '])?;
    let mut d = date.split(['-', '/']);
    let year: i32 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    if d.next().is_some() {
        return None;
    }
    let mut c = clock.trim().split(':');
    let hour: u32 = c.next()?.parse().ok()?;
    let minute: u32 = c.next()?.parse().ok()?;
    let second: u32 = match c.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if c.next().is_some() {
        return None;
    }
    let beijing = BeijingTime::civil((year, month, day), (hour, minute, second))?.to_unix_ms();
    Some(match offset_ms {
        // The clock reading was at that offset, not Beijing's.
        Some(off) => beijing + crate::beijing_time::OFFSET_MS - off,
        None => beijing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    fn read(headers: &[&str], lines: &[&[&str]], now: i64) -> Parsed {
        let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        let cells = rows(lines);
        let source: Vec<SourceRow> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| SourceRow {
                line: i + 2,
                cells: c,
                geometry: None,
            })
            .collect();
        parse(
            &headers,
            &source,
            now,
            Lateness {
                after_ms: 3_600_000,
            },
        )
    }

    #[test]
    fn beijing_times_read_as_people_write_them() {
        // 2026-07-12 14:00 Beijing is 06:00 UTC: 1_783_836_000_000 ms (counted by hand from
        // 2026-01-01T00:00Z = 1_767_225_600_000 plus 192 days and 6 hours).
        let want = 1_767_225_600_000 + 192 * 86_400_000 + 6 * 3_600_000;
        for text in [
            "2026-07-12 14:00",
            "2026-07-12 14:00:00",
            "2026/07/12 14:00",
            "2026-7-12 14:00",
            "2026-07-12T14:00:00+08:00",
            "2026-07-12T06:00:00Z",
            "2026-07-12T14:00:00.000",
        ] {
            assert_eq!(time(text), Some(want), "{text}");
        }
        for bad in [
            "2026-02-30 10:00",
            "2026-07-12",
            "14:00",
            "昨天下午",
            "2026-07-12 25:00",
        ] {
            assert_eq!(time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_readings_file_gives_its_readings_with_recent_ones_live() {
        let now = time("2026-07-12 15:00").unwrap();
        let p = read(
            &["测站编码", "要素", "观测时间", "值"],
            &[
                &["0050117001", "1 小时时段降水量", "2026-07-12 14:30", "52.5"],
                &["0050117001", "rain.period.60", "2026-07-12 12:00", "3"],
                &["0050117101", "瞬时河道水位", "2026-07-12 14:45", "200.42"],
            ],
            now,
        );
        assert!(p.issues.is_empty(), "{:?}", p.issues);
        assert_eq!(p.readings.len(), 3);
        assert_eq!(p.readings[0].element, Element::PeriodRain { minutes: 60 });
        assert_eq!(p.readings[0].value, 52.5);
        assert_eq!(
            p.readings.iter().map(|r| r.historical).collect::<Vec<_>>(),
            [false, true, false],
            "three hours late is historical"
        );
        assert_eq!(p.readings[2].element, Element::RiverLevel);
    }

    #[test]
    fn a_bad_row_is_named_and_nothing_is_kept() {
        let now = time("2026-07-12 15:00").unwrap();
        let p = read(
            &["station", "element", "time", "value"],
            &[
                &["0050117001", "rain.period.60", "2026-07-12 14:30", "5"],
                &["0050117001", "雨量", "2026-07-12 14:30", "5"],
                &["0050117001", "rain.period.60", "下午两点", "5"],
                &["", "rain.period.60", "2026-07-12 14:30", "5"],
                &["0050117001", "rain.period.60", "2026-07-12 14:30", "五十"],
            ],
            now,
        );
        assert!(p.readings.is_empty());
        let lines: Vec<(usize, &str)> = p
            .issues
            .iter()
            .map(|i| (i.line, i.field.as_str()))
            .collect();
        assert_eq!(
            lines,
            [(3, "要素"), (4, "观测时间"), (5, "测站编码"), (6, "值")]
        );
        let missing = read(&["测站编码", "时间", "值"], &[], now);
        assert_eq!(missing.issues.len(), 1);
        assert_eq!(missing.issues[0].field, "要素");
    }
}
