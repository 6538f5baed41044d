//! Monitoring on the desk: the station register (registered here or pulled, merged field by
//! field like a registry record) and the readings it holds (pulled from the server, or imported
//! here), by station and time, for the layer, the charts and the alarms.

use crate::table::{alarm_step, reading, station};
use crate::user::Actor;
use crate::{Error, Store};
use std::collections::{BTreeMap, BTreeSet};
use yitu_domain::monitoring::station::Station;
use yitu_domain::monitoring::{self as m, Element, Reading, Step};
use yitu_domain::sync::{Collection, Op};
use yitu_domain::EntityId;
pub use yitu_ipc::monitoring::{AlarmView, Monitoring, StationState};

/// How far back a desk looks for alarms: a week covers the longest window (24 h rain, a
/// day's deformation rate) with room, so an alarm raised in it keeps its id as readings come.
pub const LOOK_BACK_MS: i64 = 7 * 24 * 3_600_000;
const DAY_MS: i64 = 24 * 3_600_000;

impl Store {
    /// Registers a new station, as `actor` at `now_ms`: refused when it is not valid or its
    /// code is another live station's (readings would not know which one they belong to).
    pub async fn register_station(
        &self,
        actor: &Actor,
        s: &Station,
        now_ms: i64,
    ) -> Result<(), Error> {
        actor.may_write()?;
        s.validate()?;
        let mut w = self.write(&actor.name, now_ms).await?;
        if let Some(held) = station::id_of_code(w.conn(), &s.code).await? {
            if held != s.id.to_string() {
                return Err(Error::Invalid(yitu_domain::Error::Station {
                    field: "编码 (code)",
                    reason: "已被另一测站使用 (another station has this code)",
                }));
            }
        }
        station::upsert(w.conn(), s, false).await?;
        let body = serde_json::to_value(s).map_err(|source| Error::Corrupt {
            id: s.id.to_string(),
            source,
        })?;
        w.change(&Op::created(Collection::Stations, s.id, &body))
            .await?;
        w.commit().await
    }

    /// Records what someone did about an alarm (确认, 叫应, 升级, 人工解除), as `actor`: kept
    /// and pushed, folded on every desk into the alarm's state.
    pub async fn alarm_step(&self, actor: &Actor, step: &Step, now_ms: i64) -> Result<(), Error> {
        actor.may_write()?;
        let op = Op::AlarmStep { step: step.clone() };
        if op.problem().is_some() {
            return Err(Error::Invalid(yitu_domain::Error::Station {
                field: "处置记录 (alarm step)",
                reason:
                    "须写明是谁：确认人、被叫应人或解除人 (name who saw, was called or cleared it)",
            }));
        }
        // A step for an alarm this desk does not know (a mistyped id) would be kept and synced
        // as an orphan nobody sees.
        let known = self.monitoring(now_ms).await?;
        if !known
            .alarms
            .iter()
            .any(|a| a.alarm.episode.id == step.alarm())
        {
            return Err(Error::NotFound {
                what: "alarm",
                id: step.alarm().to_string(),
            });
        }
        let mut w = self.write(&actor.name, now_ms).await?;
        alarm_step::insert_if_absent(w.conn(), step).await?;
        w.change(&op).await?;
        w.commit().await
    }

    /// The desk's monitoring at `now_ms`: every station's health and latest values, the
    /// alarms its readings raise (derived here, as on every desk) with what was done about
    /// them, and what is overdue.
    pub async fn monitoring(&self, now_ms: i64) -> Result<Monitoring, Error> {
        let mut conn = self.pool.acquire().await?;
        let stations = station::all_live(&mut conn).await?;
        let steps = alarm_step::all(&mut conn).await?;
        let mut out = Monitoring {
            now_ms,
            stations: Vec::new(),
            alarms: Vec::new(),
            overdue: Vec::new(),
        };
        let mut evaluated = Vec::with_capacity(stations.len());
        for s in stations {
            let readings =
                reading::of_station(&mut conn, &s.code, now_ms - LOOK_BACK_MS, now_ms + DAY_MS)
                    .await?;
            let episodes = m::evaluate(&s, &readings);
            evaluated.push((s, readings, episodes));
        }
        // Each station's board is given the steps naming its alarms, and the strays: steps
        // naming no alarm any station has now, which a late reading may have renamed. A stray
        // older than the look-back names an alarm out of view, and is not searched for (the
        // search hashes an id per instant of the station's readings).
        let known: BTreeSet<EntityId> = evaluated
            .iter()
            .flat_map(|(_, _, episodes)| episodes.iter().map(|e| e.id))
            .collect();
        let strays: Vec<&Step> = steps
            .iter()
            .filter(|st| !known.contains(&st.alarm()) && st.at_ms() >= now_ms - LOOK_BACK_MS)
            .collect();
        let mut boards = Vec::new();
        for (s, readings, episodes) in evaluated {
            let ids: BTreeSet<EntityId> = episodes.iter().map(|e| e.id).collect();
            let mine: Vec<Step> = steps
                .iter()
                .filter(|st| ids.contains(&st.alarm()))
                .chain(strays.iter().copied())
                .cloned()
                .collect();
            let level = m::current_level(&episodes);
            let status = s.status(&readings, level, now_ms);
            let mut latest: BTreeMap<Element, &Reading> = BTreeMap::new();
            for r in &readings {
                latest
                    .entry(r.element)
                    .and_modify(|held| {
                        if r.observed_at_ms >= held.observed_at_ms {
                            *held = r;
                        }
                    })
                    .or_insert(r);
            }
            // Only where it has sent rain: a gauge never heard has no total, not a dry day.
            let sent_rain = readings.iter().any(|r| {
                matches!(
                    r.element,
                    Element::PeriodRain { .. } | Element::CurrentRain | Element::AccumulatedRain
                )
            });
            let rain_24h_mm = sent_rain.then(|| m::Rainfall::new(&readings).within(DAY_MS, now_ms));
            let mut instants: Vec<i64> = readings.iter().map(|r| r.observed_at_ms).collect();
            instants.sort_unstable();
            instants.dedup();
            let board = m::board(&episodes, &mine, &instants);
            for a in &board.alarms {
                out.alarms.push(AlarmView {
                    station_code: s.code.clone(),
                    station_name: s.name.clone(),
                    alarm: a.clone(),
                });
            }
            boards.push(board);
            let last_heard_ms = readings.iter().map(|r| r.observed_at_ms).max();
            out.stations.push(StationState {
                health: status.health.kind(),
                health_zh: status.health.label_zh(),
                level,
                last_heard_ms,
                power: status.power,
                latest: latest.into_values().cloned().collect(),
                rain_24h_mm,
                station: s,
            });
        }
        let policy = m::Escalation::default();
        out.overdue = boards.iter().flat_map(|b| b.due(now_ms, &policy)).collect();
        out.overdue.sort_by_key(|o| o.due_at_ms);
        out.alarms.sort_by(|a, b| {
            let open = |x: &AlarmView| x.alarm.episode.is_open();
            open(b)
                .cmp(&open(a))
                .then(b.alarm.episode.level().cmp(&a.alarm.episode.level()))
                .then(
                    b.alarm
                        .episode
                        .raised_at_ms
                        .cmp(&a.alarm.episode.raised_at_ms),
                )
        });
        Ok(out)
    }

    /// Keeps readings read from a file here (`yitu monitor import`), as `actor`: merged like
    /// pulled ones and pushed, so other desks and the server get them. Answers how many rows
    /// were new to this desk.
    pub async fn import_readings(
        &self,
        actor: &Actor,
        readings: &[Reading],
        now_ms: i64,
    ) -> Result<u64, Error> {
        actor.may_write()?;
        let mut w = self.write(&actor.name, now_ms).await?;
        let before = reading::count(w.conn()).await?;
        for chunk in readings.chunks(yitu_domain::sync::change::MAX_READINGS) {
            let op = Op::Readings {
                source: "file".into(),
                readings: chunk.to_vec(),
            };
            if let Some(why) = op.problem() {
                return Err(Error::Invalid(yitu_domain::Error::Station {
                    field: "监测数据 (readings)",
                    reason: if why.contains("2000") {
                        "观测时间早于 2000 年：测站时钟未设置 (observed before 2000)"
                    } else {
                        "测站编码为空或过长，或数值无效 (empty station code or bad value)"
                    },
                }));
            }
            reading::merge(w.conn(), "file", chunk).await?;
            w.change(&op).await?;
        }
        let added = reading::count(w.conn()).await? - before;
        w.commit().await?;
        Ok(added)
    }

    /// Every live station of the register, by code.
    pub async fn stations(&self) -> Result<Vec<Station>, Error> {
        let mut conn = self.pool.acquire().await?;
        station::all_live(&mut conn).await
    }

    /// A station's readings observed in `[from_ms, to_ms)`, oldest first.
    pub async fn readings_of(
        &self,
        station: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Reading>, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::of_station(&mut conn, station, from_ms, to_ms).await
    }

    /// Each station heard from, with its newest observation time.
    pub async fn stations_heard(&self) -> Result<Vec<(String, i64)>, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::last_heard(&mut conn).await
    }

    /// How many readings this desk holds.
    pub async fn reading_count(&self) -> Result<u64, Error> {
        let mut conn = self.pool.acquire().await?;
        reading::count(&mut conn).await
    }
}

pub use yitu_ipc::monitoring::{NewWarning, WarningState};

/// The sender's unit code when none is set: 合川区 (500117), unit 000 — a placeholder until the
/// district's 机构行业编码 (GB/T 4657) is given (`YITU_CAP_UNIT`, `yitu warning cap --unit-code`).
pub const PLACEHOLDER_UNIT: &str = "50011700000000";

impl Store {
    /// Issues, updates or lifts a warning (an update or a lift is a new message naming the one
    /// it replaces), as `actor` at `now_ms`: refused when it does not validate or names a
    /// warning this desk does not hold.
    pub async fn issue_warning(
        &self,
        actor: &Actor,
        w: &m::Warning,
        now_ms: i64,
    ) -> Result<(), Error> {
        actor.may_write()?;
        w.validate().map_err(yitu_domain::Error::from)?;
        let mut tx = self.write(&actor.name, now_ms).await?;
        if let Some(old) = w.supersedes {
            if crate::table::warning::body(tx.conn(), &old.to_string())
                .await?
                .is_none()
            {
                return Err(Error::NotFound {
                    what: "warning",
                    id: old.to_string(),
                });
            }
        }
        crate::table::warning::upsert(tx.conn(), w, false).await?;
        let body = serde_json::to_value(w).map_err(|source| Error::Corrupt {
            id: w.id.to_string(),
            source,
        })?;
        tx.change(&Op::created(Collection::Warnings, w.id, &body))
            .await?;
        tx.commit().await
    }

    /// Every warning held, newest first, with whether it is in force at `now_ms` and whom it
    /// reaches among this desk's hazards and shelters.
    pub async fn warnings(&self, now_ms: i64) -> Result<Vec<WarningState>, Error> {
        use yitu_domain::registries::resource::Resource;
        let mut conn = self.pool.acquire().await?;
        let all = crate::table::warning::all(&mut conn).await?;
        drop(conn);
        let hazards: Vec<_> = self
            .resources(yitu_domain::Layer::Hazards)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Hazard(h) => Some(h),
                _ => None,
            })
            .collect();
        let shelters: Vec<_> = self
            .resources(yitu_domain::Layer::Shelters)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                Resource::Shelter(s) => Some(s),
                _ => None,
            })
            .collect();
        let villages = yitu_domain::registries::town::villages();
        let mut out: Vec<WarningState> = all
            .iter()
            .map(|w| {
                let superseded_by = all
                    .iter()
                    .find(|later| later.supersedes == Some(w.id))
                    .map(|later| later.id);
                WarningState {
                    in_force: superseded_by.is_none()
                        && w.status != m::WarningStatus::Lifted
                        && now_ms < w.expires_ms,
                    superseded_by,
                    recipients: m::warning::recipients(w, &hazards, &shelters, &villages),
                    warning: w.clone(),
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }
}

impl Store {
    /// Issues a warning from what a commander filled in (`new.replaces` makes it an update of a
    /// warning in force), as `actor` now: answers it as the desk shows it.
    pub async fn issue_new_warning(
        &self,
        actor: &Actor,
        new: &NewWarning,
        now_ms: i64,
    ) -> Result<WarningState, Error> {
        // Whole seconds: the CAP identifier and its times have none.
        let now = now_ms / 1000 * 1000;
        if let Some(old) = new.replaces {
            self.in_force(old, now).await?;
        }
        let w = m::Warning {
            id: crate::id_source(now_ms)(),
            level: new.level,
            kind: new.kind,
            area: new.area.clone(),
            headline: new.headline.trim().to_owned(),
            description: new.description.trim().to_owned(),
            instructions: new.instructions.trim().to_owned(),
            issued_at_ms: now,
            onset_ms: now,
            expires_ms: now + new.hours.max(1) * 3_600_000,
            issuer: actor.name.clone(),
            sender: if new.sender.trim().is_empty() {
                "合川区应急管理局".into()
            } else {
                new.sender.trim().to_owned()
            },
            status: if new.replaces.is_some() {
                m::WarningStatus::Updated
            } else {
                m::WarningStatus::Issued
            },
            supersedes: new.replaces,
            exercise: new.exercise,
        };
        self.issue_warning(actor, &w, now_ms).await?;
        self.warning(w.id, now_ms).await
    }

    /// Lifts (解除) a warning in force, with the reason, as `actor` now.
    pub async fn lift_warning(
        &self,
        actor: &Actor,
        id: yitu_domain::EntityId,
        reason: &str,
        now_ms: i64,
    ) -> Result<WarningState, Error> {
        let now = now_ms / 1000 * 1000;
        let old = self.in_force(id, now).await?.warning;
        let w = m::Warning {
            id: crate::id_source(now_ms)(),
            status: m::WarningStatus::Lifted,
            supersedes: Some(old.id),
            headline: format!("解除{}{}预警", old.kind.zh(), old.level.zh()),
            description: reason.trim().to_owned(),
            issued_at_ms: now,
            onset_ms: now,
            expires_ms: now.max(old.expires_ms).max(now + 60_000),
            issuer: actor.name.clone(),
            ..old
        };
        self.issue_warning(actor, &w, now_ms).await?;
        self.warning(w.id, now_ms).await
    }

    /// One warning as the desk shows it.
    pub async fn warning(
        &self,
        id: yitu_domain::EntityId,
        now_ms: i64,
    ) -> Result<WarningState, Error> {
        self.warnings(now_ms)
            .await?
            .into_iter()
            .find(|w| w.warning.id == id)
            .ok_or_else(|| Error::NotFound {
                what: "warning",
                id: id.to_string(),
            })
    }

    async fn in_force(
        &self,
        id: yitu_domain::EntityId,
        now_ms: i64,
    ) -> Result<WarningState, Error> {
        let w = self.warning(id, now_ms).await?;
        if !w.in_force {
            return Err(Error::Invalid(yitu_domain::Error::Station {
                field: "预警 (warning)",
                reason: "已解除、已被更新或已过期 (lifted, replaced or expired): 请发布新预警",
            }));
        }
        Ok(w)
    }

    /// A warning as a CAP 1.2 message from the unit `unit_code` (14 digits), naming every
    /// earlier message of its chain (an update's, a lift's) as its references.
    pub async fn warning_cap(
        &self,
        id: yitu_domain::EntityId,
        unit_code: &str,
        now_ms: i64,
    ) -> Result<String, Error> {
        let unit = yitu_cap::UnitCode::parse(unit_code)?;
        let all = self.warnings(now_ms).await?;
        let state = all
            .iter()
            .find(|w| w.warning.id == id)
            .ok_or_else(|| Error::NotFound {
                what: "warning",
                id: id.to_string(),
            })?;
        let mut references = Vec::new();
        let mut at = state.warning.supersedes;
        while let Some(earlier) = at.and_then(|id| all.iter().find(|w| w.warning.id == id)) {
            let ctx = yitu_cap::Context {
                unit: unit.clone(),
                sequence: 0,
                references: Vec::new(),
            };
            references.push(yitu_cap::Reference::to(&yitu_cap::Alert::from_warning(
                &earlier.warning,
                &ctx,
            )?));
            at = earlier.warning.supersedes;
        }
        references.reverse();
        let ctx = yitu_cap::Context {
            unit,
            sequence: 0,
            references,
        };
        Ok(yitu_cap::write(&state.warning, &ctx)?)
    }

    /// Takes in another unit's CAP 1.2 message (the meteorological bureau's), as `actor`: its
    /// warning joins the layer, keyed by the message's sender and identifier, so the same
    /// message taken in twice, or on two desks, is one warning; an update names the message it
    /// replaces the same way.
    pub async fn import_cap(
        &self,
        actor: &Actor,
        xml: &str,
        now_ms: i64,
    ) -> Result<WarningState, Error> {
        let alert = yitu_cap::read(xml)?;
        yitu_cap::check(&alert)?;
        let id = |sender: &str, identifier: &str| {
            yitu_domain::EntityId::derived(&[b"cap", sender.as_bytes(), identifier.as_bytes()])
        };
        let supersedes = alert
            .references
            .last()
            .map(|r| id(&r.sender, &r.identifier));
        let w = alert.to_warning(id(&alert.sender, &alert.identifier), supersedes)?;
        self.issue_warning(actor, &w, now_ms).await?;
        self.warning(w.id, now_ms).await
    }
}
