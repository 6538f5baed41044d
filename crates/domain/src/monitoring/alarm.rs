//! Alarms (报警): the episodes a station's readings raise, as a pure fold that any desk and the
//! server run over the same readings in any order to the same alarms with the same ids; and
//! each alarm's handling (确认, 叫应, 升级, 解除) folded from the steps desks record, with what is
//! overdue at the now passed in.

use super::reading::Reading;
use super::series::{self, Point};
use super::station::Station;
use super::threshold::{AlarmLevel, Rule, Thresholds};
use crate::EntityId;
use serde::{Deserialize, Serialize};

/// A level an episode took, and the value that took it there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    pub at_ms: i64,
    pub level: AlarmLevel,
    pub value: f64,
}

/// One alarm: a rule's value held over a limit from `raised_at_ms` until it held back under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub id: EntityId,
    /// The station's 测站编码.
    pub station: String,
    pub rule: Rule,
    /// The observation time of the reading that made it fire (after the hold).
    pub raised_at_ms: i64,
    pub raised_value: f64,
    /// The highest level reached, and when first.
    pub peak: AlarmLevel,
    pub peak_at_ms: i64,
    /// Every level it took, the raise first; a drop (红色 back to 橙色) is a change too.
    pub changes: Vec<LevelChange>,
    /// When the value held under the last level's band (the automatic clear).
    pub cleared_at_ms: Option<i64>,
    pub cleared_value: Option<f64>,
    /// When this rule's previous episode at the station cleared (none for the first): the
    /// instants after it, up to this one's clear, are this episode's alone, whichever of them
    /// a desk reckoned the raise at before a late reading moved it.
    #[serde(default)]
    pub after_ms: Option<i64>,
}

impl Episode {
    /// The id every desk derives for the alarm raised by `rule` at `station` at `raised_at_ms`:
    /// the same readings give the same id everywhere, so an alarm is raised exactly once.
    pub fn id_for(station: &str, rule: Rule, raised_at_ms: i64) -> EntityId {
        EntityId::derived(&[
            b"alarm",
            station.as_bytes(),
            rule.code().as_bytes(),
            &raised_at_ms.to_be_bytes(),
        ])
    }

    /// The level it stands at now (its last change).
    pub fn level(&self) -> AlarmLevel {
        self.changes.last().map_or(self.peak, |c| c.level)
    }

    pub fn is_open(&self) -> bool {
        self.cleared_at_ms.is_none()
    }

    /// Whether `id` is this episode's id as a desk could have reckoned it from fewer readings:
    /// derived from one of the station's `instants` within this episode's span. A late live
    /// reading (a station cut off, its backlog arriving within the lateness allowed) can move
    /// the raise earlier, or break the hold and move it later; the steps desks recorded under
    /// the old id still belong here.
    pub fn was_known_as(&self, id: EntityId, instants: &[i64]) -> bool {
        id == self.id
            || instants
                .iter()
                .filter(|&&t| self.after_ms.is_none_or(|a| t > a))
                .filter(|&&t| self.cleared_at_ms.is_none_or(|c| t <= c))
                .any(|&t| Self::id_for(&self.station, self.rule, t) == id)
    }
}

/// The highest level among open episodes: what a station's health shows.
pub fn current_level(episodes: &[Episode]) -> Option<AlarmLevel> {
    episodes
        .iter()
        .filter(|e| e.is_open())
        .map(Episode::level)
        .max()
}

/// The alarms `readings` raise at `station`, oldest first. Readings may come in any order and
/// repeat; other stations' are ignored. Historical readings feed the windows and rates but never
/// move an alarm: a backlog says what happened, an alarm is about what is happening, and the
/// next live reading (whose window includes the backlog's rain) decides.
pub fn evaluate(station: &Station, readings: &[Reading]) -> Vec<Episode> {
    let clean = series::clean(&station.code, readings);
    let t = &station.thresholds;
    let mut out: Vec<Episode> = Rule::ALL
        .iter()
        .flat_map(|&rule| {
            let points = series::series(rule, &clean, t);
            run(&station.code, rule, t, &points, station.offline_after_ms())
        })
        .collect();
    out.sort_by(|a, b| {
        a.raised_at_ms
            .cmp(&b.raised_at_ms)
            .then(a.rule.cmp(&b.rule))
    });
    out
}

/// One rule's level over its points (sorted, one per instant).
///
/// For each limit two counts run over the live readings: how many in a row were at or over it,
/// and how many in a row under its release (the limit less the hysteresis). A level rises when
/// its over-count reaches the hold, and drops (or the alarm clears) when the current level's
/// under-count does: so one reading neither raises nor clears, and a value hovering between
/// release and limit changes nothing. A silence longer than the station's offline limit breaks
/// both runs: two glitches a day apart are not "in a row".
fn run(station: &str, rule: Rule, t: &Thresholds, points: &[Point], gap_ms: i64) -> Vec<Episode> {
    let ladder = t.ladder(rule);
    if ladder.is_empty() {
        return Vec::new();
    }
    let hold = t.hold_for(rule).max(1);
    let release: Vec<f64> = ladder.iter().map(|&(_, v)| t.release(rule, v)).collect();
    let mut over = vec![0u32; ladder.len()];
    let mut under = vec![0u32; ladder.len()];
    let mut last_live: Option<i64> = None;
    let mut open: Option<(Episode, usize)> = None;
    let mut done = Vec::new();
    for p in points
        .iter()
        .filter(|p| !p.historical && p.value.is_finite())
    {
        if last_live.is_some_and(|l| p.at_ms - l > gap_ms) {
            over.fill(0);
            under.fill(0);
        }
        last_live = Some(p.at_ms);
        for (k, &(_, limit)) in ladder.iter().enumerate() {
            over[k] = if p.value >= limit { over[k] + 1 } else { 0 };
            under[k] = if p.value < release[k] {
                under[k] + 1
            } else {
                0
            };
        }
        let up = (0..ladder.len()).rev().find(|&k| over[k] >= hold);
        let change = |k: usize| LevelChange {
            at_ms: p.at_ms,
            level: ladder[k].0,
            value: p.value,
        };
        open = match (open.take(), up) {
            (None, None) => None,
            (None, Some(k)) => Some((
                Episode {
                    id: Episode::id_for(station, rule, p.at_ms),
                    station: station.to_owned(),
                    rule,
                    raised_at_ms: p.at_ms,
                    raised_value: p.value,
                    peak: ladder[k].0,
                    peak_at_ms: p.at_ms,
                    changes: vec![change(k)],
                    cleared_at_ms: None,
                    cleared_value: None,
                    after_ms: done.last().and_then(|d: &Episode| d.cleared_at_ms),
                },
                k,
            )),
            (Some((mut e, c)), Some(k)) if k > c => {
                e.changes.push(change(k));
                if ladder[k].0 > e.peak {
                    e.peak = ladder[k].0;
                    e.peak_at_ms = p.at_ms;
                }
                Some((e, k))
            }
            (Some((mut e, c)), _) if under[c] >= hold => {
                // Down to the highest level not yet confirmed under its band, or clear.
                match (0..c).rev().find(|&k| under[k] < hold) {
                    Some(k) => {
                        e.changes.push(change(k));
                        Some((e, k))
                    }
                    None => {
                        e.cleared_at_ms = Some(p.at_ms);
                        e.cleared_value = Some(p.value);
                        done.push(e);
                        None
                    }
                }
            }
            (still, _) => still,
        };
    }
    done.extend(open.map(|(e, _)| e));
    done
}

/// What a desk did about an alarm. Steps sync like any record; each names its alarm by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// 确认: a duty officer has seen it.
    Acknowledged {
        alarm: EntityId,
        by: String,
        at_ms: i64,
    },
    /// 叫应: a call to someone who must act (群测群防员, 镇街值班, 村社干部), answered or not.
    Called {
        alarm: EntityId,
        who: String,
        phone: String,
        role: String,
        at_ms: i64,
        answered: bool,
        note: String,
    },
    /// 升级: passed up (to 区应急局 带班领导, say).
    Escalated {
        alarm: EntityId,
        to: String,
        at_ms: i64,
        reason: String,
    },
    /// 人工解除: someone with the authority ends it, distinct from the automatic clear.
    Cleared {
        alarm: EntityId,
        by: String,
        at_ms: i64,
        reason: String,
    },
}

impl Step {
    pub fn alarm(&self) -> EntityId {
        match self {
            Step::Acknowledged { alarm, .. }
            | Step::Called { alarm, .. }
            | Step::Escalated { alarm, .. }
            | Step::Cleared { alarm, .. } => *alarm,
        }
    }

    /// The same step, naming `alarm`: how a step recorded under an earlier reckoning of an
    /// episode's id is folded into the episode.
    fn renamed(&self, to: EntityId) -> Step {
        let mut s = self.clone();
        match &mut s {
            Step::Acknowledged { alarm, .. }
            | Step::Called { alarm, .. }
            | Step::Escalated { alarm, .. }
            | Step::Cleared { alarm, .. } => *alarm = to,
        }
        s
    }

    pub fn at_ms(&self) -> i64 {
        match self {
            Step::Acknowledged { at_ms, .. }
            | Step::Called { at_ms, .. }
            | Step::Escalated { at_ms, .. }
            | Step::Cleared { at_ms, .. } => *at_ms,
        }
    }

    /// Time first, then the step's own JSON: a total order every desk computes the same, so
    /// steps at one millisecond from two desks fold alike wherever they arrive first.
    fn order_key(&self) -> (i64, String) {
        (
            self.at_ms(),
            serde_json::to_string(self).expect("a step always serialises"),
        )
    }
}

/// Steps in their fold order, exact repeats (a push retried) kept once.
fn ordered<'a>(steps: impl Iterator<Item = &'a Step>) -> Vec<Step> {
    let mut keyed: Vec<((i64, String), &Step)> = steps.map(|s| (s.order_key(), s)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    keyed.into_iter().map(|(_, s)| s.clone()).collect()
}

crate::labelled_enum! {
    AlarmState {
        Raised => ("raised", "未确认", "Not acknowledged"),
        Acknowledged => ("acknowledged", "已确认", "Acknowledged"),
        Calling => ("calling", "叫应中", "Calling"),
        Answered => ("answered", "已叫应", "Answered"),
        Cleared => ("cleared", "已解除", "Cleared"),
    }
}

/// How an alarm ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Clearing {
    /// The value held back under its band, after someone had seen the alarm.
    Automatic { at_ms: i64 },
    Manual {
        by: String,
        at_ms: i64,
        reason: String,
    },
}

/// One line of an alarm's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    Level(LevelChange),
    AutoCleared { at_ms: i64, value: f64 },
    Step(Step),
}

impl Entry {
    pub fn at_ms(&self) -> i64 {
        match self {
            Entry::Level(c) => c.at_ms,
            Entry::AutoCleared { at_ms, .. } => *at_ms,
            Entry::Step(s) => s.at_ms(),
        }
    }
}

/// An episode with its handling folded in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub episode: Episode,
    pub state: AlarmState,
    /// The first acknowledgement, call or manual clear covering the peak: a rise to a higher
    /// colour needs seeing again, an 橙色 acknowledged (or cleared) does not cover the 红色
    /// after it.
    pub seen_at_ms: Option<i64>,
    pub first_call_at_ms: Option<i64>,
    pub answered_at_ms: Option<i64>,
    pub last_escalated_at_ms: Option<i64>,
    pub cleared: Option<Clearing>,
    /// The episode's level changes and clear, and every step, in time order.
    pub log: Vec<Entry>,
}

/// Folds the steps that name `episode` (others are skipped) into its alarm.
///
/// Only steps covering the peak count toward the state: what was done about an 橙色 is in
/// the log, but a 红色 reached later is 未确认 until someone sees it. An automatic clear ends
/// the alarm only once someone has seen it: an alarm nobody looked at must not slip into
/// 已解除 unseen, and it keeps escalating.
pub fn fold(episode: &Episode, steps: &[Step]) -> Alarm {
    let steps = ordered(steps.iter().filter(|s| s.alarm() == episode.id));
    // A step naming the alarm was made after someone saw it, whatever its clock says (a
    // station's clock running ahead puts the raise after the desk's acknowledgement): every
    // step covers the level it was raised at. A later, higher level is covered by steps from
    // its time on.
    let counts =
        |s: &Step| episode.peak_at_ms == episode.raised_at_ms || s.at_ms() >= episode.peak_at_ms;
    let mut seen = None;
    let mut first_call = None;
    let mut answered = None;
    let mut acknowledged = false;
    let mut manual = None;
    let mut last_escalated = None;
    for s in &steps {
        if let Step::Escalated { at_ms, .. } = s {
            last_escalated = Some(*at_ms);
        }
        if !counts(s) {
            continue;
        }
        match s {
            Step::Acknowledged { at_ms, .. } => {
                acknowledged = true;
                seen.get_or_insert(*at_ms);
            }
            Step::Called {
                at_ms, answered: a, ..
            } => {
                seen.get_or_insert(*at_ms);
                first_call.get_or_insert(*at_ms);
                if *a {
                    answered.get_or_insert(*at_ms);
                }
            }
            Step::Cleared {
                by, at_ms, reason, ..
            } => {
                seen.get_or_insert(*at_ms);
                manual.get_or_insert_with(|| Clearing::Manual {
                    by: by.clone(),
                    at_ms: *at_ms,
                    reason: reason.clone(),
                });
            }
            Step::Escalated { .. } => {}
        }
    }
    let cleared = manual.or_else(|| {
        episode
            .cleared_at_ms
            .filter(|_| seen.is_some())
            .map(|at_ms| Clearing::Automatic { at_ms })
    });
    let state = if cleared.is_some() {
        AlarmState::Cleared
    } else if answered.is_some() {
        AlarmState::Answered
    } else if first_call.is_some() {
        AlarmState::Calling
    } else if acknowledged {
        AlarmState::Acknowledged
    } else {
        AlarmState::Raised
    };

    let mut log: Vec<Entry> = episode.changes.iter().copied().map(Entry::Level).collect();
    if let (Some(at_ms), Some(value)) = (episode.cleared_at_ms, episode.cleared_value) {
        log.push(Entry::AutoCleared { at_ms, value });
    }
    // Stable: at one instant the episode's own entries come first, then the steps in order.
    let rank = |e: &Entry| match e {
        Entry::Level(_) => 0,
        Entry::AutoCleared { .. } => 1,
        Entry::Step(_) => 2,
    };
    log.extend(steps.into_iter().map(Entry::Step));
    log.sort_by_key(|e| (e.at_ms(), rank(e)));

    Alarm {
        episode: episode.clone(),
        state,
        seen_at_ms: seen,
        first_call_at_ms: first_call,
        answered_at_ms: answered,
        last_escalated_at_ms: last_escalated,
        cleared,
        log,
    }
}

/// How long an alarm of each colour may stay unacknowledged, ms (`None`: never chased).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Deadlines {
    pub blue_ms: Option<i64>,
    pub yellow_ms: Option<i64>,
    pub orange_ms: Option<i64>,
    pub red_ms: Option<i64>,
}

/// How long an alarm may wait before it is passed up. Placeholders a district sets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    pub unacknowledged: Deadlines,
    /// A call not answered by anyone.
    pub unanswered_ms: i64,
}

impl Default for Escalation {
    /// 红色 unacknowledged for 10 minutes and 橙色 (准备转移) for 30; a call nobody answered
    /// for 15 minutes. 蓝色 and 黄色 are watched, not chased.
    fn default() -> Self {
        Self {
            unacknowledged: Deadlines {
                blue_ms: None,
                yellow_ms: None,
                orange_ms: Some(30 * 60_000),
                red_ms: Some(10 * 60_000),
            },
            unanswered_ms: 15 * 60_000,
        }
    }
}

impl Escalation {
    fn unacknowledged(&self, level: AlarmLevel) -> Option<i64> {
        let d = &self.unacknowledged;
        match level {
            AlarmLevel::Blue => d.blue_ms,
            AlarmLevel::Yellow => d.yellow_ms,
            AlarmLevel::Orange => d.orange_ms,
            AlarmLevel::Red => d.red_ms,
        }
    }
}

crate::labelled_enum! {
    OverdueKind {
        Unacknowledged => ("unacknowledged", "超时未确认", "Not acknowledged in time"),
        Unanswered => ("unanswered", "叫应无人应答", "Call not answered in time"),
    }
}

/// An alarm that should be escalated now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overdue {
    pub alarm: EntityId,
    pub station: String,
    pub rule: Rule,
    pub level: AlarmLevel,
    pub kind: OverdueKind,
    pub due_at_ms: i64,
}

impl Alarm {
    /// What is overdue at `now_ms`. An escalation restarts the clock: passed up and still not
    /// seen after another interval, it is due again (to the next one up).
    pub fn due(&self, now_ms: i64, policy: &Escalation) -> Vec<Overdue> {
        if self.state == AlarmState::Cleared {
            return Vec::new();
        }
        let e = &self.episode;
        let restart = |since: i64| since.max(self.last_escalated_at_ms.unwrap_or(i64::MIN));
        let overdue = |kind, due_at_ms| Overdue {
            alarm: e.id,
            station: e.station.clone(),
            rule: e.rule,
            level: e.level(),
            kind,
            due_at_ms,
        };
        let mut out = Vec::new();
        if self.seen_at_ms.is_none() {
            // Every colour nobody has seen counts from when it was reached; the soonest wins.
            let last_seen = self
                .log
                .iter()
                .filter_map(|l| match l {
                    Entry::Step(s @ (Step::Acknowledged { .. } | Step::Called { .. })) => {
                        Some(s.at_ms())
                    }
                    _ => None,
                })
                .max();
            let due_at = e
                .changes
                .iter()
                .filter(|c| last_seen.is_none_or(|s| c.at_ms > s))
                .filter_map(|c| Some(restart(c.at_ms) + policy.unacknowledged(c.level)?))
                .min();
            if let Some(at) = due_at.filter(|&at| at <= now_ms) {
                out.push(overdue(OverdueKind::Unacknowledged, at));
            }
        }
        if let (None, Some(call)) = (self.answered_at_ms, self.first_call_at_ms) {
            let at = restart(call) + policy.unanswered_ms;
            if at <= now_ms {
                out.push(overdue(OverdueKind::Unanswered, at));
            }
        }
        out
    }
}

/// Every alarm of a set of episodes, and the steps that name none of them: kept (the episode
/// may arrive with the next readings, or was evaluated away by a reading that arrived late),
/// in their fold order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub alarms: Vec<Alarm>,
    pub orphans: Vec<Step>,
}

/// The station's alarms with their handling. `instants` are the observation times of the
/// station's readings: a step naming an id no episode has now is looked for among the ids the
/// episodes could have had (see [`Episode::was_known_as`]), and folded into the one it names;
/// only a step no episode answers to is an orphan.
pub fn board(episodes: &[Episode], steps: &[Step], instants: &[i64]) -> Board {
    let ids: std::collections::BTreeSet<EntityId> = episodes.iter().map(|e| e.id).collect();
    let mut mine: Vec<Vec<Step>> = episodes
        .iter()
        .map(|e| {
            steps
                .iter()
                .filter(|s| s.alarm() == e.id)
                .cloned()
                .collect()
        })
        .collect();
    let mut orphans = Vec::new();
    for s in steps.iter().filter(|s| !ids.contains(&s.alarm())) {
        match episodes
            .iter()
            .position(|e| e.was_known_as(s.alarm(), instants))
        {
            Some(i) => mine[i].push(s.renamed(episodes[i].id)),
            None => orphans.push(s.clone()),
        }
    }
    Board {
        alarms: episodes
            .iter()
            .zip(&mine)
            .map(|(e, steps)| fold(e, steps))
            .collect(),
        orphans: ordered(orphans.iter()),
    }
}

impl Board {
    /// Everything overdue at `now_ms`, the longest overdue first.
    pub fn due(&self, now_ms: i64, policy: &Escalation) -> Vec<Overdue> {
        let mut out: Vec<Overdue> = self
            .alarms
            .iter()
            .flat_map(|a| a.due(now_ms, policy))
            .collect();
        out.sort_by(|a, b| {
            a.due_at_ms
                .cmp(&b.due_at_ms)
                .then(a.alarm.cmp(&b.alarm))
                .then(a.kind.cmp(&b.kind))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::rng::SplitMix64;
    use crate::monitoring::reading::{Axis, Element};
    use crate::monitoring::station::{tests::gauge, StationKind};
    use proptest::prelude::*;

    const M: i64 = 60_000;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;
    /// 2025-07-01 00:00 UTC, a flood-season day.
    const T0: i64 = 1_751_328_000_000;
    const CODE: &str = "0050117001";
    const P10: Element = Element::PeriodRain { minutes: 10 };

    fn r(element: Element, at: i64, value: f64) -> Reading {
        Reading {
            station: CODE.into(),
            element,
            observed_at_ms: at,
            value,
            historical: false,
        }
    }

    fn historical(mut r: Reading) -> Reading {
        r.historical = true;
        r
    }

    /// 10-minute periods ending at 10, 20, … minutes after T0.
    fn periods(mm: &[f64]) -> Vec<Reading> {
        mm.iter()
            .enumerate()
            .map(|(i, &v)| r(P10, T0 + (i as i64 + 1) * 10 * M, v))
            .collect()
    }

    fn change(at: i64, level: AlarmLevel, value: f64) -> LevelChange {
        LevelChange {
            at_ms: at,
            level,
            value,
        }
    }

    fn levels(e: &Episode) -> Vec<(i64, AlarmLevel)> {
        e.changes.iter().map(|c| (c.at_ms - T0, c.level)).collect()
    }

    fn water_station(warning: f64, guarantee: f64, rise: Option<f64>) -> Station {
        let mut s = gauge(StationKind::WaterLevel);
        s.thresholds.water.warning_m = Some(warning);
        s.thresholds.water.guarantee_m = Some(guarantee);
        s.thresholds.water.rise_m_per_h = rise;
        s
    }

    /// A storm's hour at a 10-minute gauge, 1 h limits 30/50 mm. The hour's rain, worked by
    /// hand from the periods 0,0,5,5,10,10,10,15,0,0,0,0 mm:
    /// at 60 min 30 (橙 fires), 70: 40, 80: 55 (红), 90: 50, 100: 45 (just under 50 but not
    /// under its release 45: stays 红), 110: 35 (under 45: back to 橙), 120: 25 (under 27: clear).
    #[test]
    fn a_storm_raises_one_episode_orange_then_red() {
        let s = gauge(StationKind::Rain);
        let readings = periods(&[0., 0., 5., 5., 10., 10., 10., 15., 0., 0., 0., 0.]);
        let episodes = evaluate(&s, &readings);
        assert_eq!(episodes.len(), 2, "{episodes:#?}");
        let e = &episodes[0];
        assert_eq!(e.rule, Rule::Rain1h);
        assert_eq!(
            e.id,
            EntityId::derived(&[
                b"alarm",
                b"0050117001",
                b"rain_1h",
                &(T0 + 60 * M).to_be_bytes()
            ])
        );
        assert_eq!((e.raised_at_ms, e.raised_value), (T0 + 60 * M, 30.0));
        assert_eq!(
            e.changes,
            vec![
                change(T0 + 60 * M, AlarmLevel::Orange, 30.0),
                change(T0 + 80 * M, AlarmLevel::Red, 55.0),
                change(T0 + 110 * M, AlarmLevel::Orange, 35.0),
            ]
        );
        assert_eq!((e.peak, e.peak_at_ms), (AlarmLevel::Red, T0 + 80 * M));
        assert_eq!(
            (e.cleared_at_ms, e.cleared_value),
            (Some(T0 + 120 * M), Some(25.0))
        );
        // The three hours (limits 50/80) pass 50 at 80 min with 55 and stay there: open, 橙.
        let e3 = &episodes[1];
        assert_eq!(e3.rule, Rule::Rain3h);
        assert_eq!(levels(e3), vec![(80 * M, AlarmLevel::Orange)]);
        assert!(e3.is_open());
        assert_eq!(current_level(&episodes), Some(AlarmLevel::Orange));
    }

    #[test]
    fn a_spike_shorter_than_the_hold_raises_nothing() {
        let s = water_station(200.0, 202.0, None);
        let at = |i: i64| T0 + i * 15 * M;
        let readings = vec![
            r(Element::RiverLevel, at(0), 199.0),
            r(Element::RiverLevel, at(1), 201.0),
            r(Element::RiverLevel, at(2), 199.0),
            r(Element::RiverLevel, at(3), 199.1),
            // Another lone glitch, far above 保证, then back.
            r(Element::RiverLevel, at(4), 250.0),
            r(Element::RiverLevel, at(5), 199.2),
        ];
        assert_eq!(evaluate(&s, &readings), vec![]);
        // Two in a row do raise: the hold is two readings.
        let mut held = readings.clone();
        held.push(r(Element::RiverLevel, at(6), 200.3));
        held.push(r(Element::RiverLevel, at(7), 200.4));
        let e = evaluate(&s, &held);
        assert_eq!(levels(&e[0]), vec![(7 * 15 * M, AlarmLevel::Orange)]);
    }

    #[test]
    fn two_glitches_a_silence_apart_are_not_in_a_row() {
        // Hourly station: offline after 3 hours; a reading over 警戒, 5 hours of silence, another.
        let s = water_station(200.0, 202.0, None);
        let readings = vec![
            r(Element::RiverLevel, T0, 200.5),
            r(Element::RiverLevel, T0 + 5 * H, 200.5),
            r(Element::RiverLevel, T0 + 6 * H, 199.0),
        ];
        assert_eq!(evaluate(&s, &readings), vec![]);
    }

    #[test]
    fn a_level_hovering_inside_the_band_neither_clears_nor_refires() {
        // 警戒 200.0, band 0.1 m: once fired it holds down to 199.9.
        let s = water_station(200.0, 202.0, None);
        let values = [
            199.5, 200.05, 200.1, 199.95, 199.92, 200.01, 199.95, 199.85, 199.95, 199.85, 199.8,
        ];
        let readings: Vec<Reading> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| r(Element::RiverLevel, T0 + i as i64 * 15 * M, v))
            .collect();
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!((e[0].raised_at_ms, e[0].raised_value), (T0 + 30 * M, 200.1));
        assert_eq!(e[0].changes.len(), 1);
        // 199.85 once (then 199.95) does not clear; 199.85 and 199.8 in a row do, at the second.
        assert_eq!(e[0].cleared_at_ms, Some(T0 + 150 * M));
    }

    #[test]
    fn a_late_backlog_raises_nothing_but_counts_in_later_windows() {
        let s = gauge(StationKind::Rain);
        let storm: Vec<Reading> = periods(&[0., 0., 5., 5., 10., 10., 10., 15., 0., 0.])
            .into_iter()
            .map(historical)
            .collect();
        assert_eq!(evaluate(&s, &storm), vec![]);

        // An open 橙 at 60 min (6 × 5 mm); a backlog period of 25 mm at 70 would make the hour
        // 50 (红) but is historical, so the level stays. The live reading at 80 sums the
        // backlog in: its hour is 5+5+5+5+25+0 = 45, under 50; its three hours 55 ≥ 50 fire.
        let mut readings = periods(&[5., 5., 5., 5., 5., 5.]);
        readings.push(historical(r(P10, T0 + 70 * M, 25.0)));
        readings.push(r(P10, T0 + 80 * M, 0.0));
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!(e[0].rule, Rule::Rain1h);
        assert_eq!(levels(&e[0]), vec![(60 * M, AlarmLevel::Orange)]);
        assert_eq!(e[1].rule, Rule::Rain3h);
        assert_eq!(
            e[1].changes,
            vec![change(T0 + 80 * M, AlarmLevel::Orange, 55.0)]
        );

        // A backlog of an hour of 10 mm periods, then one live period of 0: the live hour is
        // 5 × 10 + 0 = 50, straight to 红 at the live reading.
        let mut readings: Vec<Reading> = periods(&[10.; 6]).into_iter().map(historical).collect();
        readings.push(r(P10, T0 + 70 * M, 0.0));
        let e = evaluate(&s, &readings);
        assert_eq!(e[0].rule, Rule::Rain1h);
        assert_eq!(
            e[0].changes,
            vec![change(T0 + 70 * M, AlarmLevel::Red, 50.0)]
        );
    }

    #[test]
    fn an_accumulated_gauge_reset_is_not_negative_rain() {
        // Hourly running totals 500, 510, 530, then a reset to 2, then 37: the hours are
        // 10, 20, 0 (reset), 35; the last three hours 20 + 0 + 35 = 55.
        let s = gauge(StationKind::Rain);
        let readings: Vec<Reading> = [500.0, 510.0, 530.0, 2.0, 37.0]
            .iter()
            .enumerate()
            .map(|(i, &v)| r(Element::AccumulatedRain, T0 + i as i64 * H, v))
            .collect();
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!(e[0].rule, Rule::Rain1h);
        assert_eq!(
            e[0].changes,
            vec![change(T0 + 4 * H, AlarmLevel::Orange, 35.0)]
        );
        assert_eq!(e[1].rule, Rule::Rain3h);
        assert_eq!(
            e[1].changes,
            vec![change(T0 + 4 * H, AlarmLevel::Orange, 55.0)]
        );
    }

    #[test]
    fn a_river_crosses_warning_then_guarantee_rising_fast() {
        // 199.0 m rising 0.2 m every 15 minutes (0.8 m/h); 警戒 200.0, 保证 202.0, rise 0.5 m/h.
        // 200.0 is reached at the 5th reading (75 min), held at the 6th (90 min, 200.2):
        // 橙. 202.0 at the 15th (225 min), held at the 16th (240 min, 202.2): 红. The rise has a
        // fit from 30 min (half an hour of readings), held at 45 min: 黄.
        let s = water_station(200.0, 202.0, Some(0.5));
        let readings: Vec<Reading> = (0..=16)
            .map(|k| {
                r(
                    Element::RiverLevel,
                    T0 + k * 15 * M,
                    (1990.0 + 2.0 * k as f64) / 10.0,
                )
            })
            .collect();
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!(e[0].rule, Rule::LevelRise);
        assert_eq!(levels(&e[0]), vec![(45 * M, AlarmLevel::Yellow)]);
        assert!((e[0].raised_value - 0.8).abs() < 1e-9);
        assert_eq!(e[1].rule, Rule::Level);
        assert_eq!(
            e[1].changes,
            vec![
                change(T0 + 90 * M, AlarmLevel::Orange, 200.2),
                change(T0 + 240 * M, AlarmLevel::Red, 202.2),
            ]
        );
    }

    #[test]
    fn a_reservoir_station_alarms_on_its_reservoir_level() {
        let s = water_station(200.0, 202.0, None);
        let readings = vec![
            r(Element::ReservoirLevel, T0, 200.5),
            r(Element::ReservoirLevel, T0 + H, 200.6),
        ];
        let e = evaluate(&s, &readings);
        assert_eq!(levels(&e[0]), vec![(H, AlarmLevel::Orange)]);
    }

    /// Daily GNSS totals whose day-on-day rates are 0.5, 2, 2, 8, 8, 20, 20, 100, 100 mm/day,
    /// against a steady-stage rate of 1 mm/day: angles atan(v) 26.6°, 63.4°, 63.4°, 82.9°,
    /// 82.9°, 87.1°, 87.1°, 89.4°, 89.4°. With a hold of two readings: 蓝 on day 3, 黄 day 5,
    /// 橙 day 7, 红 day 9. The rate rule (黄 2, 橙 5, 红 10 mm/day): 黄 day 3, 橙 day 5, 红 day 7.
    #[test]
    fn tangent_angle_and_displacement_rate_levels() {
        let mut s = gauge(StationKind::Geohazard);
        // A daily report: a day between readings is "in a row".
        s.reports_every_min = 24 * 60;
        s.thresholds.deformation.tangent.steady_mm_per_day = Some(1.0);
        let totals = [0.0, 0.5, 2.5, 4.5, 12.5, 20.5, 40.5, 60.5, 160.5, 260.5];
        let readings: Vec<Reading> = totals
            .iter()
            .enumerate()
            .map(|(d, &v)| r(Element::GnssDisplacement(Axis::Total), T0 + d as i64 * D, v))
            .collect();
        let e = evaluate(&s, &readings);
        let by = |rule| e.iter().find(|x| x.rule == rule).expect("fired");
        assert_eq!(
            levels(by(Rule::TangentAngle)),
            vec![
                (3 * D, AlarmLevel::Blue),
                (5 * D, AlarmLevel::Yellow),
                (7 * D, AlarmLevel::Orange),
                (9 * D, AlarmLevel::Red),
            ]
        );
        let raised = by(Rule::TangentAngle).raised_value;
        assert!((raised - 63.434_949).abs() < 1e-5, "{raised}");
        assert_eq!(
            levels(by(Rule::DisplacementRate)),
            vec![
                (3 * D, AlarmLevel::Yellow),
                (5 * D, AlarmLevel::Orange),
                (7 * D, AlarmLevel::Red),
            ]
        );
        // Without a steady-stage rate there is no angle to speak of.
        s.thresholds.deformation.tangent.steady_mm_per_day = None;
        assert!(evaluate(&s, &readings)
            .iter()
            .all(|x| x.rule != Rule::TangentAngle));
    }

    #[test]
    fn a_crack_widening_a_millimetre_a_day_is_yellow() {
        let mut s = gauge(StationKind::Geohazard);
        s.reports_every_min = 24 * 60;
        let readings: Vec<Reading> = [10.0, 10.5, 11.5, 12.5]
            .iter()
            .enumerate()
            .map(|(d, &v)| r(Element::CrackWidth, T0 + d as i64 * D, v))
            .collect();
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].rule, Rule::CrackRate);
        assert_eq!(levels(&e[0]), vec![(3 * D, AlarmLevel::Yellow)]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// The same readings shuffled and partly repeated give the same episodes, ids and all.
        #[test]
        fn order_and_repeats_change_nothing(
            rain in prop::collection::vec((0u32..25, prop::bool::weighted(0.2)), 1..40),
            level in prop::collection::vec((0u32..300, prop::bool::weighted(0.2)), 0..40),
            totals in prop::collection::vec((0u32..50, any::<bool>()), 0..12),
            seed in any::<u64>(),
        ) {
            let s = water_station(200.0, 201.0, Some(0.5));
            let mut readings = Vec::new();
            for (i, &(mm, h)) in rain.iter().enumerate() {
                let mut x = r(P10, T0 + (i as i64 + 1) * 10 * M, f64::from(mm));
                x.historical = h;
                readings.push(x);
            }
            for (i, &(cm, h)) in level.iter().enumerate() {
                let mut x = r(Element::RiverLevel, T0 + i as i64 * 15 * M, 199.0 + f64::from(cm) / 100.0);
                x.historical = h;
                readings.push(x);
            }
            // A running total that sometimes falls (a reset) alongside the periods.
            for (i, &(mm, up)) in totals.iter().enumerate() {
                let v = if up { 400.0 + f64::from(mm) * i as f64 } else { f64::from(mm) };
                readings.push(r(Element::AccumulatedRain, T0 + i as i64 * 30 * M, v));
            }
            let base = evaluate(&s, &readings);

            let mut rng = SplitMix64::new(seed);
            let mut mixed = readings.clone();
            for x in &readings {
                if rng.chance(0.3) {
                    mixed.push(x.clone());
                }
            }
            for i in (1..mixed.len()).rev() {
                let j = rng.int(0, i as u32) as usize;
                mixed.swap(i, j);
            }
            let again = evaluate(&s, &mixed);
            prop_assert_eq!(&again, &base);
            let ids: std::collections::BTreeSet<_> = base.iter().map(|e| e.id).collect();
            prop_assert_eq!(ids.len(), base.len());
            for e in &base {
                prop_assert_eq!(e.id, Episode::id_for(CODE, e.rule, e.raised_at_ms));
                prop_assert!(e.changes.windows(2).all(|w| w[0].at_ms < w[1].at_ms));
            }
        }
    }

    // --- The handling of an alarm.

    fn red_at(at: i64) -> Episode {
        Episode {
            id: Episode::id_for(CODE, Rule::Rain1h, at),
            station: CODE.into(),
            rule: Rule::Rain1h,
            raised_at_ms: at,
            raised_value: 55.0,
            peak: AlarmLevel::Red,
            peak_at_ms: at,
            changes: vec![change(at, AlarmLevel::Red, 55.0)],
            cleared_at_ms: None,
            cleared_value: None,
            after_ms: None,
        }
    }

    fn ack(alarm: EntityId, at: i64) -> Step {
        Step::Acknowledged {
            alarm,
            by: "张值班".into(),
            at_ms: at,
        }
    }

    fn call(alarm: EntityId, who: &str, role: &str, at: i64, answered: bool) -> Step {
        Step::Called {
            alarm,
            who: who.into(),
            phone: "13800000000".into(),
            role: role.into(),
            at_ms: at,
            answered,
            note: String::new(),
        }
    }

    fn escalate(alarm: EntityId, at: i64) -> Step {
        Step::Escalated {
            alarm,
            to: "区应急局带班领导".into(),
            at_ms: at,
            reason: "超时未确认".into(),
        }
    }

    fn clear(alarm: EntityId, at: i64) -> Step {
        Step::Cleared {
            alarm,
            by: "李科长".into(),
            at_ms: at,
            reason: "雨停，现场核查无险情".into(),
        }
    }

    #[test]
    fn the_lifecycle_folds_to_one_state_and_log_in_any_order() {
        let e = red_at(T0);
        let id = e.id;
        let other = Episode::id_for(CODE, Rule::Rain3h, T0);
        let steps = vec![
            ack(id, T0 + 5 * M),
            call(id, "李四", "群测群防员", T0 + 6 * M, false),
            call(id, "王五", "镇街值班", T0 + 8 * M, true),
            ack(other, T0 + 9 * M),
        ];
        let a = fold(&e, &steps);
        assert_eq!(a.state, AlarmState::Answered);
        assert_eq!(
            (a.seen_at_ms, a.first_call_at_ms, a.answered_at_ms),
            (Some(T0 + 5 * M), Some(T0 + 6 * M), Some(T0 + 8 * M))
        );
        assert_eq!(
            a.log,
            vec![
                Entry::Level(change(T0, AlarmLevel::Red, 55.0)),
                Entry::Step(steps[0].clone()),
                Entry::Step(steps[1].clone()),
                Entry::Step(steps[2].clone()),
            ]
        );
        // Shuffled and repeated, the same alarm; the stray step is kept as an orphan.
        let mixed = vec![
            steps[2].clone(),
            steps[3].clone(),
            steps[0].clone(),
            steps[2].clone(),
            steps[1].clone(),
        ];
        assert_eq!(fold(&e, &mixed), a);
        let b = board(std::slice::from_ref(&e), &mixed, &[]);
        assert_eq!(b.alarms, vec![a]);
        assert_eq!(b.orphans, vec![steps[3].clone()]);
    }

    #[test]
    fn each_state_from_its_steps() {
        let e = red_at(T0);
        let id = e.id;
        let mut auto = e.clone();
        auto.cleared_at_ms = Some(T0 + 30 * M);
        auto.cleared_value = Some(20.0);
        let mut rose = e.clone();
        rose.changes = vec![
            change(T0, AlarmLevel::Orange, 30.0),
            change(T0 + 20 * M, AlarmLevel::Red, 52.0),
        ];
        rose.peak_at_ms = T0 + 20 * M;
        let cases: Vec<(&str, &Episode, Vec<Step>, AlarmState)> = vec![
            ("nothing done", &e, vec![], AlarmState::Raised),
            ("seen", &e, vec![ack(id, T0 + M)], AlarmState::Acknowledged),
            (
                "ringing",
                &e,
                vec![call(id, "李四", "群测群防员", T0 + M, false)],
                AlarmState::Calling,
            ),
            (
                "reached",
                &e,
                vec![
                    ack(id, T0 + M),
                    call(id, "李四", "群测群防员", T0 + 2 * M, true),
                ],
                AlarmState::Answered,
            ),
            (
                "cleared by hand",
                &e,
                vec![ack(id, T0 + M), clear(id, T0 + 40 * M)],
                AlarmState::Cleared,
            ),
            (
                "a call after the clear changes nothing",
                &e,
                vec![
                    clear(id, T0 + 40 * M),
                    call(id, "李四", "群测群防员", T0 + 41 * M, false),
                ],
                AlarmState::Cleared,
            ),
            (
                "cleared by itself but never seen",
                &auto,
                vec![],
                AlarmState::Raised,
            ),
            (
                "cleared by itself, seen",
                &auto,
                vec![ack(id, T0 + M)],
                AlarmState::Cleared,
            ),
            (
                "an 橙 acknowledged does not cover the 红 after it",
                &rose,
                vec![ack(id, T0 + M)],
                AlarmState::Raised,
            ),
            (
                "an 橙 cleared by hand reopens when it turns 红",
                &rose,
                vec![ack(id, T0 + M), clear(id, T0 + 10 * M)],
                AlarmState::Raised,
            ),
            (
                "seen as 红 after it turned",
                &rose,
                vec![ack(id, T0 + M), ack(id, T0 + 21 * M)],
                AlarmState::Acknowledged,
            ),
            (
                "an acknowledgement stamped before the raise (the station's clock ahead)",
                &e,
                vec![ack(id, T0 - 2 * M)],
                AlarmState::Acknowledged,
            ),
            (
                "escalating is not acknowledging",
                &e,
                vec![escalate(id, T0 + 11 * M)],
                AlarmState::Raised,
            ),
        ];
        for (name, episode, steps, state) in cases {
            assert_eq!(fold(episode, &steps).state, state, "{name}");
        }
        let a = fold(&auto, &[ack(id, T0 + M)]);
        assert_eq!(a.cleared, Some(Clearing::Automatic { at_ms: T0 + 30 * M }));
        assert_eq!(
            a.log.last(),
            Some(&Entry::AutoCleared {
                at_ms: T0 + 30 * M,
                value: 20.0
            })
        );
    }

    #[test]
    fn overdue_alarms_are_due_for_escalation() {
        let policy = Escalation::default();
        let e = red_at(T0);
        let id = e.id;
        let due = |steps: &[Step], now: i64| -> Vec<(OverdueKind, i64)> {
            fold(&e, steps)
                .due(now, &policy)
                .into_iter()
                .map(|o| (o.kind, o.due_at_ms - T0))
                .collect()
        };
        use OverdueKind::*;
        // A 红 nobody acknowledged: due at 10 minutes, not a millisecond before.
        assert_eq!(due(&[], T0 + 10 * M - 1), vec![]);
        assert_eq!(due(&[], T0 + 10 * M), vec![(Unacknowledged, 10 * M)]);
        // Escalated at 11 minutes and still unseen: due again 10 minutes later.
        let up = [escalate(id, T0 + 11 * M)];
        assert_eq!(due(&up, T0 + 12 * M), vec![]);
        assert_eq!(due(&up, T0 + 21 * M), vec![(Unacknowledged, 21 * M)]);
        // A call at 3 minutes is a sighting; nobody answering it is due at 18 minutes.
        let ringing = [call(id, "李四", "群测群防员", T0 + 3 * M, false)];
        assert_eq!(due(&ringing, T0 + 18 * M - 1), vec![]);
        assert_eq!(due(&ringing, T0 + 18 * M), vec![(Unanswered, 18 * M)]);
        let answered = [
            ringing[0].clone(),
            call(id, "王五", "镇街值班", T0 + 9 * M, true),
        ];
        assert_eq!(due(&answered, T0 + 60 * M), vec![]);
        assert_eq!(due(&[clear(id, T0 + M)], T0 + 60 * M), vec![]);

        // An unseen 橙 at T0 that turns 红 at 25 minutes: the 橙's 30 minutes come first.
        let mut rose = e.clone();
        rose.changes = vec![
            change(T0, AlarmLevel::Orange, 30.0),
            change(T0 + 25 * M, AlarmLevel::Red, 52.0),
        ];
        rose.peak_at_ms = T0 + 25 * M;
        let d = fold(&rose, &[]).due(T0 + 30 * M, &policy);
        assert_eq!(
            (d[0].kind, d[0].due_at_ms, d[0].level),
            (Unacknowledged, T0 + 30 * M, AlarmLevel::Red)
        );
        // Seen as 橙 at 5 minutes: only the 红 is unseen, due at 35.
        let d = fold(&rose, &[ack(id, T0 + 5 * M)]);
        assert_eq!(d.due(T0 + 34 * M, &policy), vec![]);
        assert_eq!(d.due(T0 + 35 * M, &policy).len(), 1);

        // A 黄 is never chased.
        let mut yellow = e.clone();
        yellow.changes = vec![change(T0, AlarmLevel::Yellow, 0.8)];
        yellow.peak = AlarmLevel::Yellow;
        assert_eq!(fold(&yellow, &[]).due(T0 + D, &policy), vec![]);

        // The board lists the longest overdue first.
        let later = red_at(T0 + 5 * M);
        let b = board(&[later.clone(), e.clone()], &[], &[]);
        let ids: Vec<EntityId> = b.due(T0 + H, &policy).iter().map(|o| o.alarm).collect();
        assert_eq!(ids, vec![e.id, later.id]);
    }

    /// A gauge cut off sends its backlog live within the lateness allowed: the reading that
    /// arrives late moves the raise, so the alarm's id on every desk changes. What a desk did
    /// under the id it saw first must stay with the alarm, not drift off as an orphan.
    #[test]
    fn a_late_reading_moving_the_raise_keeps_the_steps_with_the_alarm() {
        let s = water_station(200.0, 202.0, None);
        let at = |i: i64| T0 + i * 15 * M;
        let level = |i: i64, v: f64| r(Element::RiverLevel, at(i), v);
        let instants = |rs: &[Reading]| rs.iter().map(|r| r.observed_at_ms).collect::<Vec<_>>();
        let cases: [(&str, Vec<Reading>, Reading, i64, i64); 2] = [
            // Hold of two: raised at 3 first; the late 200.2 at 1 makes 1–2 the pair.
            (
                "earlier",
                vec![level(0, 199.0), level(2, 200.3), level(3, 200.4)],
                level(1, 200.2),
                3,
                2,
            ),
            // Raised at 3 (1 and 3 in a row); the late 199.0 at 2 breaks the pair, so 3–4.
            (
                "later",
                vec![
                    level(0, 199.0),
                    level(1, 200.2),
                    level(3, 200.4),
                    level(4, 200.5),
                ],
                level(2, 199.0),
                3,
                4,
            ),
        ];
        for (name, first, late, was, now) in cases {
            let before = evaluate(&s, &first);
            assert_eq!(before[0].raised_at_ms, at(was), "{name}");
            let seen = ack(before[0].id, at(was) + M);
            let mut all = first.clone();
            all.push(late);
            let after = evaluate(&s, &all);
            assert_eq!(after[0].raised_at_ms, at(now), "{name}");
            assert_ne!(after[0].id, before[0].id, "{name}");
            let b = board(&after, std::slice::from_ref(&seen), &instants(&all));
            assert_eq!(b.orphans, vec![], "{name}");
            assert_eq!(b.alarms[0].state, AlarmState::Acknowledged, "{name}");
            assert_eq!(b.alarms[0].seen_at_ms, Some(at(was) + M), "{name}");
        }
    }

    /// The span an episode answers for ends where the next begins: a step for the first of
    /// two episodes of one rule is not taken by the second.
    #[test]
    fn a_step_is_re_attached_only_within_its_episodes_span() {
        let s = water_station(200.0, 202.0, None);
        let at = |i: i64| T0 + i * 15 * M;
        let values = [200.3, 200.4, 199.0, 199.0, 200.3, 200.4];
        let readings: Vec<Reading> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| r(Element::RiverLevel, at(i as i64), v))
            .collect();
        let e = evaluate(&s, &readings);
        assert_eq!(e.len(), 2, "{e:#?}");
        assert_eq!(e[1].after_ms, e[0].cleared_at_ms);
        let instants: Vec<i64> = readings.iter().map(|r| r.observed_at_ms).collect();
        // An id reckoned from the first episode's opening reading belongs to the first.
        let stray = ack(Episode::id_for(CODE, Rule::Level, at(0)), at(2));
        let b = board(&e, std::slice::from_ref(&stray), &instants);
        // Seen, then fallen back under its band: 已解除; the second, unseen, still 未确认.
        assert_eq!(b.alarms[0].seen_at_ms, Some(at(2)));
        assert_eq!(b.alarms[0].state, AlarmState::Cleared);
        assert_eq!(b.alarms[1].seen_at_ms, None);
        assert_eq!(b.alarms[1].state, AlarmState::Raised);
        assert_eq!(b.orphans, vec![]);
    }

    #[test]
    fn steps_round_trip_tagged() {
        let s = call(red_at(T0).id, "李四", "群测群防员", T0, true);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.starts_with(r#"{"step":"called""#), "{json}");
        assert_eq!(serde_json::from_str::<Step>(&json).unwrap(), s);
    }
}
