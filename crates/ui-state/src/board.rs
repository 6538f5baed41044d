//! The alarm board (告警) as plain values: what an alarm is called as a duty officer says it
//! ("1 小时降雨 立即转移"), the order the board lists alarms in (what is overdue first, the
//! longest overdue first; then what nobody has seen; cleared last), how long one is overdue,
//! and what the top bar's button counts.

use yitu_domain::monitoring::{Alarm, AlarmLevel, AlarmState, Overdue, Rule};
use yitu_domain::EntityId;

/// An alarm's rule at a level, in Chinese and English: rain by what people are told to do
/// (准备转移, 立即转移), a water level by the line it crossed, the rest by colour.
pub fn rule_words(rule: Rule, level: AlarmLevel) -> (String, String) {
    let rain = |hours: u32| {
        let (zh, en) = match level {
            AlarmLevel::Red => ("立即转移", "move now"),
            AlarmLevel::Orange => ("准备转移", "prepare to move"),
            _ => (level.zh(), level.en()),
        };
        (
            format!("{hours} 小时降雨 {zh}"),
            format!("{hours}-hour rain: {en}"),
        )
    };
    match rule {
        Rule::Rain1h => rain(1),
        Rule::Rain3h => rain(3),
        Rule::Rain24h => rain(24),
        Rule::Level => match level {
            AlarmLevel::Red => ("水位 超保证".into(), "Level over guarantee".into()),
            _ => ("水位 超警戒".into(), "Level over warning".into()),
        },
        Rule::LevelRise => ("水位 涨率超限".into(), "Level rising fast".into()),
        _ => (
            format!("{} {}", rule.zh(), level.zh()),
            format!("{} {}", rule.en(), level.en().to_lowercase()),
        ),
    }
}

/// Whether the alarm still asks for something: anything but 已解除 (an alarm cleared by the
/// readings but never seen stays, as the domain keeps it).
pub fn is_open(a: &Alarm) -> bool {
    a.state != AlarmState::Cleared
}

/// What the 告警 button shows: how many alarms are open, and whether any is 未确认 (red).
pub fn count(alarms: &[Alarm]) -> (usize, bool) {
    let open = alarms.iter().filter(|a| is_open(a)).count();
    let unseen = alarms
        .iter()
        .any(|a| is_open(a) && a.state == AlarmState::Raised);
    (open, unseen)
}

/// The earliest overdue of an alarm, if any is.
pub fn overdue_of(alarm: EntityId, overdue: &[Overdue]) -> Option<&Overdue> {
    overdue
        .iter()
        .filter(|o| o.alarm == alarm)
        .min_by_key(|o| o.due_at_ms)
}

/// Whole minutes since `o` fell due, at `now_ms` (never less than 0).
pub fn minutes_overdue(o: &Overdue, now_ms: i64) -> i64 {
    ((now_ms - o.due_at_ms) / 60_000).max(0)
}

/// The board's order, as indices into `alarms`: overdue first (the longest overdue first), then
/// the open ones nobody has seen, then the other open ones, graver and newer first; cleared
/// last, newest first.
pub fn order(alarms: &[Alarm], overdue: &[Overdue]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..alarms.len()).collect();
    let key = |i: &usize| {
        let a = &alarms[*i];
        let due = overdue_of(a.episode.id, overdue).map(|o| o.due_at_ms);
        let rank = match (due.is_some(), a.state) {
            (true, _) => 0,
            (false, AlarmState::Cleared) => 3,
            (false, AlarmState::Raised) => 1,
            (false, _) => 2,
        };
        (
            rank,
            due.unwrap_or(0),
            std::cmp::Reverse(a.episode.level()),
            std::cmp::Reverse(a.episode.raised_at_ms),
            a.episode.id,
        )
    };
    idx.sort_by_key(key);
    idx
}

#[cfg(test)]
mod tests {
    use super::*;
    use yitu_domain::monitoring::{Episode, LevelChange, OverdueKind};

    const M: i64 = 60_000;

    fn alarm(n: u8, level: AlarmLevel, raised_at_ms: i64, state: AlarmState) -> Alarm {
        let id = EntityId::derived(&[b"board-test", &[n]]);
        Alarm {
            episode: Episode {
                id,
                station: "0050117001".into(),
                rule: Rule::Rain1h,
                raised_at_ms,
                raised_value: 52.0,
                peak: level,
                peak_at_ms: raised_at_ms,
                changes: vec![LevelChange {
                    at_ms: raised_at_ms,
                    level,
                    value: 52.0,
                }],
                cleared_at_ms: None,
                cleared_value: None,
                after_ms: None,
            },
            state,
            seen_at_ms: None,
            first_call_at_ms: None,
            answered_at_ms: None,
            last_escalated_at_ms: None,
            cleared: None,
            log: vec![],
        }
    }

    fn due(a: &Alarm, kind: OverdueKind, due_at_ms: i64) -> Overdue {
        Overdue {
            alarm: a.episode.id,
            station: a.episode.station.clone(),
            rule: a.episode.rule,
            level: a.episode.level(),
            kind,
            due_at_ms,
        }
    }

    #[test]
    fn alarms_are_called_as_a_duty_officer_says_them() {
        let cases = [
            (Rule::Rain1h, AlarmLevel::Red, "1 小时降雨 立即转移"),
            (Rule::Rain3h, AlarmLevel::Orange, "3 小时降雨 准备转移"),
            (Rule::Rain24h, AlarmLevel::Red, "24 小时降雨 立即转移"),
            (Rule::Level, AlarmLevel::Orange, "水位 超警戒"),
            (Rule::Level, AlarmLevel::Red, "水位 超保证"),
            (Rule::LevelRise, AlarmLevel::Yellow, "水位 涨率超限"),
            (Rule::DisplacementRate, AlarmLevel::Yellow, "位移速率 黄色"),
        ];
        for (rule, level, zh) in cases {
            assert_eq!(rule_words(rule, level).0, zh);
        }
        assert_eq!(
            rule_words(Rule::Rain1h, AlarmLevel::Red).1,
            "1-hour rain: move now"
        );
    }

    #[test]
    fn the_board_lists_overdue_first_then_unseen_then_open_then_cleared() {
        let now = 1_000 * M;
        let cleared = alarm(1, AlarmLevel::Red, now - 300 * M, AlarmState::Cleared);
        let seen_orange = alarm(2, AlarmLevel::Orange, now - 5 * M, AlarmState::Acknowledged);
        let unseen_yellow = alarm(3, AlarmLevel::Yellow, now - 60 * M, AlarmState::Raised);
        let late_red = alarm(4, AlarmLevel::Red, now - 20 * M, AlarmState::Raised);
        let later_red = alarm(5, AlarmLevel::Red, now - 40 * M, AlarmState::Raised);
        let called = alarm(6, AlarmLevel::Orange, now - 90 * M, AlarmState::Calling);
        let overdue = vec![
            due(&late_red, OverdueKind::Unacknowledged, now - 10 * M),
            due(&later_red, OverdueKind::Unacknowledged, now - 30 * M),
            // An alarm overdue twice is listed once, by its earliest.
            due(&called, OverdueKind::Unanswered, now - 5 * M),
            due(&called, OverdueKind::Unacknowledged, now - 60 * M),
        ];
        let alarms = vec![
            cleared,
            seen_orange,
            unseen_yellow,
            late_red,
            later_red,
            called,
        ];
        let listed: Vec<u8> = order(&alarms, &overdue)
            .into_iter()
            .map(|i| i as u8 + 1)
            .collect();
        assert_eq!(listed, vec![6, 5, 4, 3, 2, 1]);
        let o = overdue_of(alarms[5].episode.id, &overdue).unwrap();
        assert_eq!(o.kind, OverdueKind::Unacknowledged);
        assert_eq!(minutes_overdue(o, now), 60);
        assert_eq!(minutes_overdue(o, o.due_at_ms - M), 0);
        assert_eq!(count(&alarms), (5, true));
    }

    #[test]
    fn the_button_is_red_only_while_an_open_alarm_is_unseen() {
        let seen = alarm(1, AlarmLevel::Red, 0, AlarmState::Acknowledged);
        let gone = alarm(2, AlarmLevel::Red, 0, AlarmState::Cleared);
        assert_eq!(count(&[seen, gone.clone()]), (1, false));
        assert_eq!(count(&[gone]), (0, false));
        assert_eq!(count(&[]), (0, false));
    }
}
