//! A file of readings (CSV or XLSX, as a department exports its gauges' data) read into
//! readings, every row checked: so a desk with no server, or a station whose link is down and
//! whose data came on a USB stick, still has its readings. Columns by their Chinese or English
//! header: 测站编码 (station), 要素 (element: its code such as `rain.period.60`, or its label such
//! as 1 小时时段降水量), 观测时间 (time, Beijing, `2026-07-12 14:00[:00]`, with `-`, `/` or `T`,
//! or RFC 3339 with its offset), 值 (value). A file of stations (the register a department
//! keeps) is read by [`stations`].

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

/// The columns of a station register file: (name, accepted headers, required).
const STATION_COLUMNS: [(&str, &[&str], bool); 10] = [
    ("测站编码", &["测站编码", "站码", "code"], true),
    ("测站名称", &["测站名称", "名称", "站名", "name"], true),
    ("测站类型", &["测站类型", "类型", "kind"], true),
    ("主管部门", &["主管部门", "管理单位", "owner"], true),
    ("经度", &["经度", "lon", "longitude"], true),
    ("纬度", &["纬度", "lat", "latitude"], true),
    ("所属镇街", &["所属镇街", "镇街", "town"], true),
    (
        "报送间隔",
        &[
            "报送间隔",
            "报送间隔(分钟)",
            "报送间隔（分钟）",
            "interval_min",
        ],
        false,
    ),
    ("警戒水位", &["警戒水位", "warning_m"], false),
    ("保证水位", &["保证水位", "guarantee_m"], false),
];

/// Stations read from a register file (a CSV or XLSX a department keeps), every row checked
/// (`Station::validate`); `id` names each new station. Thresholds start from the kind's and
/// take the file's 警戒水位 and 保证水位; a river reach is read from a 河段 column where there is
/// one. Nothing is kept when a row is bad.
pub fn stations(
    headers: &[String],
    rows: &[SourceRow<'_>],
    mut id: impl FnMut(&str) -> crate::EntityId,
) -> (Vec<super::Station>, Vec<Issue>) {
    use super::{Station, StationKind, Thresholds};
    let mut issues = Vec::new();
    let find = |accepted: &[&str]| {
        headers
            .iter()
            .position(|h| accepted.iter().any(|a| h.trim().eq_ignore_ascii_case(a)))
    };
    let mut at: [Option<usize>; 10] = [None; 10];
    for (i, (name, accepted, required)) in STATION_COLUMNS.iter().enumerate() {
        at[i] = find(accepted);
        if at[i].is_none() && *required {
            issues.push(Issue {
                line: 1,
                field: (*name).into(),
                reason: format!("缺少“{name}”列 / missing column"),
            });
        }
    }
    let river_at = find(&["河段", "河流", "river"]);
    if !issues.is_empty() {
        return (Vec::new(), issues);
    }
    let towns = crate::registries::town::all();
    let mut out = Vec::new();
    for row in rows {
        let cell = |i: Option<usize>| {
            i.and_then(|i| row.cells.get(i))
                .map(|c| c.trim())
                .unwrap_or("")
        };
        let mut bad = |field: &str, reason: String| {
            issues.push(Issue {
                line: row.line,
                field: field.into(),
                reason,
            })
        };
        let number = |text: &str| text.parse::<f64>().ok().filter(|v| v.is_finite());
        let Ok(kind) = StationKind::from_code(cell(at[2])) else {
            bad(
                "测站类型",
                format!(
                    "“{}”不是测站类型（雨量站、水位站、地质灾害监测点、气象站、林火视频监控）",
                    cell(at[2])
                ),
            );
            continue;
        };
        let (Some(lon), Some(lat)) = (number(cell(at[4])), number(cell(at[5]))) else {
            bad(
                "经度",
                format!(
                    "“{}, {}”不是经纬度数字 / not a longitude and latitude",
                    cell(at[4]),
                    cell(at[5])
                ),
            );
            continue;
        };
        let town = cell(at[6]);
        let Some(town_code) = towns
            .iter()
            .find(|t| t.code == town || t.name == town)
            .map(|t| t.code.clone())
        else {
            bad(
                "所属镇街",
                format!("“{town}”不是合川区的镇街（名称或 9 位代码）"),
            );
            continue;
        };
        let interval = match cell(at[7]) {
            "" => 60,
            t => match t.parse::<u32>() {
                Ok(n) => n,
                Err(_) => {
                    bad(
                        "报送间隔",
                        format!("“{t}”不是分钟数 / not a number of minutes"),
                    );
                    continue;
                }
            },
        };
        let mut thresholds = Thresholds::for_kind(kind);
        for (i, field, slot) in [
            (8, "警戒水位", &mut thresholds.water.warning_m),
            (9, "保证水位", &mut thresholds.water.guarantee_m),
        ] {
            match cell(at[i]) {
                "" => {}
                t => match number(t) {
                    Some(v) => *slot = Some(v),
                    None => bad(field, format!("“{t}”不是水位数字 (m)")),
                },
            }
        }
        let code = cell(at[0]).to_owned();
        if out.iter().any(|s: &Station| s.code == code) {
            bad(
                "测站编码",
                format!("“{code}”在文件中出现两次 / listed twice"),
            );
            continue;
        }
        let station = Station {
            id: id(&code),
            name: cell(at[1]).to_owned(),
            kind,
            sensors: kind.usual_sensors(),
            owner: cell(at[3]).to_owned(),
            location: crate::LonLat { lon, lat },
            town_code,
            watches: Vec::new(),
            river: Some(cell(river_at).to_owned()).filter(|r| !r.is_empty()),
            thresholds,
            reports_every_min: interval,
            code,
        };
        match station.validate() {
            Ok(()) => out.push(station),
            Err(e) => bad("测站", e.to_string()),
        }
    }
    if !issues.is_empty() {
        out.clear();
    }
    (out, issues)
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
    fn a_register_file_gives_stations_with_their_levels_and_a_bad_row_refuses_it() {
        let headers: Vec<String> = [
            "测站编码",
            "测站名称",
            "测站类型",
            "主管部门",
            "经度",
            "纬度",
            "所属镇街",
            "报送间隔",
            "警戒水位",
            "保证水位",
            "河段",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
        let good = rows(&[
            &[
                "0050117201",
                "草街水位站",
                "水位站",
                "区水利局",
                "106.35",
                "30.12",
                "草街街道",
                "5",
                "201.5",
                "205",
                "嘉陵江",
            ],
            &[
                "0050117202",
                "太和雨量站",
                "雨量站",
                "区水利局",
                "106.11",
                "30.16",
                "太和镇",
                "",
                "",
                "",
                "",
            ],
        ]);
        let src = |cells: &[Vec<String>]| -> Vec<Vec<String>> { cells.to_vec() };
        let cells = src(&good);
        let source: Vec<SourceRow> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| SourceRow {
                line: i + 2,
                cells: c,
                geometry: None,
            })
            .collect();
        let (stations, issues) = stations(&headers, &source, |code| {
            crate::EntityId::derived(&[code.as_bytes()])
        });
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(stations.len(), 2);
        assert_eq!(stations[0].thresholds.water.warning_m, Some(201.5));
        assert_eq!(stations[0].thresholds.water.guarantee_m, Some(205.0));
        assert_eq!(stations[0].reports_every_min, 5);
        assert_eq!(stations[0].river.as_deref(), Some("嘉陵江"));
        assert_eq!(stations[1].reports_every_min, 60);
        assert_eq!(stations[1].town_code, "500117124");

        let bad = rows(&[
            &[
                "0050117203",
                "错站",
                "雨量站",
                "区水利局",
                "29.9",
                "106.3",
                "太和镇",
                "",
                "",
                "",
                "",
            ],
            &[
                "0050117204",
                "错站二",
                "雷达站",
                "区水利局",
                "106.3",
                "29.9",
                "太和镇",
                "",
                "",
                "",
                "",
            ],
            &[
                "0050117205",
                "错站三",
                "雨量站",
                "区水利局",
                "106.3",
                "29.9",
                "北京市",
                "",
                "",
                "",
                "",
            ],
        ]);
        let source: Vec<SourceRow> = bad
            .iter()
            .enumerate()
            .map(|(i, c)| SourceRow {
                line: i + 2,
                cells: c,
                geometry: None,
            })
            .collect();
        let (stations, issues) = super::stations(&headers, &source, |c| {
            crate::EntityId::derived(&[c.as_bytes()])
        });
        assert!(stations.is_empty());
        let fields: Vec<(usize, &str)> =
            issues.iter().map(|i| (i.line, i.field.as_str())).collect();
        assert_eq!(
            fields,
            [(2, "测站"), (3, "测站类型"), (4, "所属镇街")],
            "{issues:?}"
        );
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
