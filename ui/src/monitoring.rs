//! The monitoring network in the window: the stations and the alarm board as the shell answers
//! them (`call::Monitoring`), read once the map is drawn, again when the store changed under
//! the window, every minute (health ages: a silent station turns 离线 without any change), and
//! taken from the reply of each alarm step; drawn as the 监测站 layer with the open station
//! ringed. Also the words and times the station panel and the board share.

use crate::context::{shared, Shared};
use crate::i18n::Lang;
use crate::map;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use std::time::Duration;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::monitoring::{AlarmLevel, HealthKind};
use yitu_ipc::call;
use yitu_ipc::monitoring::Monitoring;

/// How often the board and the stations' health are read again without a change.
const EVERY: Duration = Duration::from_secs(60);

/// Reads the stations and alarms (and the warnings) again (once the map is ready: before, nothing draws them).
pub fn refresh(shared: Shared) {
    spawn_local(async move {
        if let Ok(m) = invoke(&call::Monitoring {}).await {
            shared.monitoring.set(Some(m));
        }
    });
    // The warnings in force change with the same events (a sync, an import, the hour).
    crate::area_warnings::refresh(shared);
}

/// Keeps the stations read and drawn, and the open station ringed.
pub fn follow() {
    let shared = shared();
    // First read once the map is ready; then every minute.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        if !shared.ready() {
            return false;
        }
        refresh(shared);
        true
    });
    let _ = set_interval_with_handle(
        move || {
            if shared
                .map_state
                .with_untracked(|s| *s == crate::context::MapState::Ready)
            {
                refresh(shared);
            }
        },
        EVERY,
    );
    Effect::new(move |_| {
        let fc = shared.monitoring.with(|m| m.as_ref().map(features));
        if !shared.ready() {
            return;
        }
        if let Some(fc) = fc {
            shared.with_map(|m| map::set_stations(m, &fc));
        }
    });
    Effect::new(move |_| {
        // The open station's, or on the board the one an alarm brought into view.
        let code = shared.side.with(|s| match s.station() {
            Some(code) => Some(code.to_owned()),
            None if s.alarms() => shared.station_focus.get(),
            None => None,
        });
        let at = code.and_then(|code| {
            shared.monitoring.with(|m| {
                m.as_ref()?
                    .stations
                    .iter()
                    .find(|s| s.station.code == code)
                    .map(|s| (s.station.location.lon, s.station.location.lat))
            })
        });
        if !shared.ready() {
            return;
        }
        shared.with_map(|m| map::set_station_ring(m, at));
    });
}

/// The stations as map features: where, what, and how each is drawn (`map::station_look`).
fn features(m: &Monitoring) -> Value {
    let features: Vec<Value> = m
        .stations
        .iter()
        .map(|s| {
            let (fill, stroke, stroke_width, ink) = map::station_look(s.health, s.level);
            // Drawn over one another by how grave: unknown, normal, offline, then the colours.
            let rank = match s.health {
                HealthKind::Unknown => 0,
                HealthKind::Normal => 1,
                HealthKind::Offline => 2,
                HealthKind::Alarm => 3 + s.level.map_or(3, |l| l as i32),
            };
            json!({
                "type": "Feature",
                "properties": {
                    "code": s.station.code,
                    "name": s.station.name,
                    "kind": s.station.kind.code(),
                    "letter": map::kind_letter(s.station.kind),
                    "health": s.health.code(),
                    "level": s.level.map(|l| l.code()),
                    "fill": fill, "stroke": stroke, "stroke_width": stroke_width, "ink": ink,
                    "rank": rank,
                },
                "geometry": { "type": "Point",
                              "coordinates": [s.station.location.lon, s.station.location.lat] },
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// A Beijing time as a duty officer writes it in a log: 12-04 14:05.
pub fn short_time(ms: i64) -> String {
    let b = BeijingTime::from_unix_ms(ms);
    format!("{:02}-{:02} {:02}:{:02}", b.month, b.day, b.hour, b.minute)
}

/// How long ago `ms` was at `now_ms`: 刚刚, 12 分钟前, 3 小时前, 2 天前.
pub fn ago(lang: Lang, now_ms: i64, ms: i64) -> String {
    let minutes = (now_ms - ms).max(0) / 60_000;
    match (lang, minutes) {
        (Lang::Zh, 0) => "刚刚".into(),
        (Lang::En, 0) => "just now".into(),
        (Lang::Zh, m) if m < 60 => format!("{m} 分钟前"),
        (Lang::En, m) if m < 60 => format!("{m} min ago"),
        (Lang::Zh, m) if m < 48 * 60 => format!("{} 小时前", m / 60),
        (Lang::En, m) if m < 48 * 60 => format!("{} h ago", m / 60),
        (Lang::Zh, m) => format!("{} 天前", m / (24 * 60)),
        (Lang::En, m) => format!("{} days ago", m / (24 * 60)),
    }
}

/// A span of minutes as read aloud: 12 分钟, 17 小时 58 分钟.
pub fn minutes(lang: Lang, m: i64) -> String {
    match (lang, m / 60, m % 60) {
        (Lang::Zh, 0, m) => format!("{m} 分钟"),
        (Lang::En, 0, m) => format!("{m} min"),
        (Lang::Zh, h, 0) => format!("{h} 小时"),
        (Lang::En, h, 0) => format!("{h} h"),
        (Lang::Zh, h, m) => format!("{h} 小时 {m} 分钟"),
        (Lang::En, h, m) => format!("{h} h {m} min"),
    }
}

/// A value as it is shown: at most two decimals, trailing zeros dropped (52 mm, 200.35 m).
pub fn value(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

/// A level's colour chip.
#[component]
pub fn LevelChip(level: AlarmLevel) -> impl IntoView {
    let lang = crate::context::lang();
    let colour = map::alarm_colour(level);
    let ink = if level == AlarmLevel::Yellow {
        "#1c2430"
    } else {
        "#ffffff"
    };
    view! {
        <span class="alarm-chip" data-level=level.code()
            style=format!("background:{colour};color:{ink}")>
            {move || lang.get().t(level.zh(), level.en())}
        </span>
    }
}
