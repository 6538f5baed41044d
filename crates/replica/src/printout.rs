//! Printed documents from the store: a decision's order sheet (指令单) and an incident's briefing
//! (事件态势简报), gathered here once so the desktop and the command line print the same thing.
//! The fonts are files from Debian packages, read here; yitu-print only lays out bytes.

use crate::{Error, Store};
use std::path::Path;
use yitu_domain::command::chain::EventKind;
use yitu_domain::EntityId;

/// The two TrueType fonts a printout needs: Latin letters and digits, and CJK.
pub struct Fonts {
    latin: Vec<u8>,
    cjk: Vec<u8>,
}

impl Fonts {
    /// Reads the fonts, naming the Debian package that provides each when one is missing.
    pub fn read(latin: &Path, cjk: &Path) -> Result<Self, Error> {
        let read = |path: &Path, package: &'static str| {
            std::fs::read(path).map_err(|source| Error::Font {
                path: path.to_owned(),
                package,
                source,
            })
        };
        Ok(Self {
            latin: read(latin, "fonts-dejavu-core")?,
            cjk: read(cjk, "fonts-droid-fallback")?,
        })
    }

    /// Debian's DejaVu Sans and Droid Sans Fallback.
    pub fn debian() -> Result<Self, Error> {
        Self::read(
            Path::new(yitu_print::DEFAULT_LATIN_FONT),
            Path::new(yitu_print::DEFAULT_FONT),
        )
    }
}

impl Store {
    /// A decision's order sheet as PDF bytes, with its acknowledgements and, once issued, the
    /// hash of its issue event and the signing device.
    pub async fn order_sheet_pdf(
        &self,
        id: EntityId,
        fonts: &Fonts,
        printed_at_ms: i64,
    ) -> Result<Vec<u8>, Error> {
        let view = self.decision_view(id).await?;
        let incident = self.incident(view.decision.incident_id).await?;
        let acknowledgements: Vec<(String, i64)> = view
            .acknowledgements
            .iter()
            .map(|a| (a.recipient.clone(), a.at_ms))
            .collect();
        let sheet = yitu_print::OrderSheet {
            decision: &view.decision,
            incident: &incident,
            acknowledgements: &acknowledgements,
            issue_hash: view
                .events
                .iter()
                .find(|e| e.kind == EventKind::Issue)
                .map(|e| e.hash.clone()),
            device: view.events.first().map(|e| e.device.clone()),
            printed_at_ms,
        };
        Ok(yitu_print::order_sheet(&sheet, &fonts.latin, &fonts.cjk)?)
    }

    /// An incident's briefing (ICS-201 style) as PDF bytes: situation, toll, log, and each
    /// decision with who has acknowledged it.
    pub async fn incident_briefing_pdf(
        &self,
        id: EntityId,
        printed_by: &str,
        fonts: &Fonts,
        printed_at_ms: i64,
    ) -> Result<Vec<u8>, Error> {
        let incident = self.incident(id).await?;
        let log = self.incident_log(id).await?;
        let mut decisions = Vec::new();
        for d in self.decisions_of(id).await? {
            let acked = self
                .decision_view(d.id)
                .await?
                .acknowledgements
                .into_iter()
                .map(|a| a.recipient)
                .collect();
            decisions.push((d, acked));
        }
        let stations = self.station_charts(incident.point, printed_at_ms).await?;
        let briefing = yitu_print::Briefing {
            incident: &incident,
            log: &log,
            decisions: &decisions,
            stations: &stations,
            printed_at_ms,
            printed_by,
        };
        Ok(yitu_print::incident_briefing(
            &briefing,
            &fonts.latin,
            &fonts.cjk,
        )?)
    }
}

impl Store {
    /// The briefing's 雨水情: the stations within 10 km of `at` that were heard, in alarm first
    /// and then nearest, at most four, each as a chart of its last 48 hours — a river level
    /// against 警戒/保证水位, else hourly rain against the 1 h 准备转移/立即转移 limits.
    async fn station_charts(
        &self,
        at: yitu_domain::LonLat,
        now_ms: i64,
    ) -> Result<Vec<yitu_print::StationChart>, Error> {
        use yitu_domain::monitoring::{Element, Rainfall};
        const NEAR_M: f64 = 10_000.0;
        const HOUR: i64 = 3_600_000;
        const HOURS: i64 = 48;
        const ORANGE: (f64, f64, f64) = (1.0, 0.48, 0.0);
        const RED: (f64, f64, f64) = (0.88, 0.13, 0.13);
        let view = self.monitoring(now_ms).await?;
        let mut near: Vec<_> = view
            .stations
            .iter()
            .filter(|s| s.last_heard_ms.is_some() && s.station.location.distance_m(at) <= NEAR_M)
            .collect();
        near.sort_by(|a, b| {
            b.level.cmp(&a.level).then(
                a.station
                    .location
                    .distance_m(at)
                    .total_cmp(&b.station.location.distance_m(at)),
            )
        });
        let from = now_ms - HOURS * HOUR;
        let mut out = Vec::new();
        for s in near.into_iter().take(4) {
            // A day more than is drawn, so the first hours' rain is whole.
            let readings = self
                .readings_of(&s.station.code, from - 24 * HOUR, now_ms + HOUR)
                .await?;
            let title = format!("{}　{}", s.station.name, s.health_zh);
            let level: Vec<(i64, f64)> = readings
                .iter()
                .filter(|r| matches!(r.element, Element::RiverLevel | Element::ReservoirLevel))
                .filter(|r| r.observed_at_ms >= from)
                .map(|r| (r.observed_at_ms, r.value))
                .collect();
            let rained = readings.iter().any(|r| {
                matches!(
                    r.element,
                    Element::PeriodRain { .. } | Element::CurrentRain | Element::AccumulatedRain
                )
            });
            let chart = if !level.is_empty() {
                let w = &s.station.thresholds.water;
                let limits = [
                    ("警戒水位", w.warning_m, ORANGE),
                    ("保证水位", w.guarantee_m, RED),
                ]
                .into_iter()
                .filter_map(|(name, v, colour)| v.map(|v| (name.to_owned(), v, colour)))
                .collect();
                yitu_print::StationChart {
                    title,
                    axis: "水位 (m)".into(),
                    bars: false,
                    points: level,
                    limits,
                    from_ms: from,
                    to_ms: now_ms,
                }
            } else if rained {
                let rain = Rainfall::new(&readings);
                let first = from.div_euclid(HOUR) * HOUR + HOUR;
                let points = (0..=HOURS)
                    .map(|k| first + k * HOUR)
                    .filter(|end| *end <= now_ms + HOUR)
                    .map(|end| (end, rain.within(HOUR, end)))
                    .collect();
                let limits = s
                    .station
                    .thresholds
                    .rain
                    .h1
                    .map(|l| {
                        vec![
                            ("准备转移（1 小时）".to_owned(), l.prepare_mm, ORANGE),
                            ("立即转移（1 小时）".to_owned(), l.evacuate_mm, RED),
                        ]
                    })
                    .unwrap_or_default();
                yitu_print::StationChart {
                    title,
                    axis: "小时雨量 (mm)".into(),
                    bars: true,
                    points,
                    limits,
                    from_ms: from,
                    to_ms: now_ms,
                }
            } else {
                continue;
            };
            out.push(chart);
        }
        Ok(out)
    }
}
