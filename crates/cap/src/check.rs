//! The rules a CAP 1.2 message is held to beyond what its schema can say: times in order,
//! polygons closed and small enough, references where an Update or Cancel needs them and
//! nowhere else, a drill never sent as real, a sender and identifier CAP can split on.

use crate::alert::{Alert, MsgType, Status};
use crate::warning::MAX_POLYGON_POINTS;
use crate::Error;

/// Every broken rule, named, or nothing. `write` runs it on what it is about to write; a
/// message read from elsewhere is checked before it is trusted.
pub fn check(alert: &Alert) -> Result<(), Error> {
    let mut problems: Vec<String> = Vec::new();
    let sent = alert.sent.unix_ms;

    // CAP: "MUST NOT include spaces, commas or restricted characters (< and &)" — references
    // are split on commas and spaces.
    for (name, value) in [("identifier", &alert.identifier), ("sender", &alert.sender)] {
        if value.is_empty()
            || value.contains([' ', ',', '<', '&'])
            || value.contains(char::is_whitespace)
        {
            problems.push(format!(
                "<{name}> {value:?} 不能为空，也不能含空格、逗号、< 或 & ({name} must not be empty or hold spaces, commas, < or &)"
            ));
        }
    }

    match (alert.msg_type, alert.references.is_empty()) {
        (MsgType::Update | MsgType::Cancel, true) => problems.push(format!(
            "{} 消息须有 <references> 指明原消息 ({0} must name the message it refers to)",
            alert.msg_type.as_str()
        )),
        (MsgType::Alert, false) => problems.push(
            "Alert 消息不应有 <references>：更新或解除请用 Update 或 Cancel (a new Alert refers to nothing)"
                .to_owned(),
        ),
        _ => {}
    }
    for r in &alert.references {
        if r.sent.unix_ms > sent {
            problems.push(format!(
                "所引用的消息 {} 发送于本消息之后 (a referenced message is sent after this one)",
                r.identifier
            ));
        }
    }

    // A drill says so somewhere in its words; sent as Actual it would be acted on as real.
    let says_drill = |s: &str| s.contains("演练") || s.to_ascii_lowercase().contains("exercise");
    let drill_words = alert.note.as_deref().is_some_and(says_drill)
        || alert
            .info
            .iter()
            .any(|i| says_drill(&i.event) || i.headline.as_deref().is_some_and(says_drill));
    if drill_words && alert.status == Status::Actual {
        problems.push(
            "演练消息的状态须为 Exercise，不能为 Actual (a drill is sent as Exercise, never Actual)"
                .to_owned(),
        );
    }

    for (n, info) in alert.info.iter().enumerate() {
        let at = |what: &str| format!("第 {} 个 <info>：{what}", n + 1);
        if let Some(onset) = info.onset {
            if onset.unix_ms < sent {
                problems.push(at(&format!(
                    "生效时间 {onset} 早于发送时间 {} (onset before sent)",
                    alert.sent
                )));
            }
        }
        if let Some(expires) = info.expires {
            let start = info.onset.or(info.effective).unwrap_or(alert.sent);
            if expires.unix_ms <= start.unix_ms {
                problems.push(at(&format!(
                    "失效时间 {expires} 不晚于 {start} (expires not after onset)"
                )));
            }
        }
        for area in &info.areas {
            for ring in &area.polygons {
                if ring.len() < 4 {
                    problems.push(at(&format!(
                        "多边形只有 {} 个点，至少需要 4 个（首尾相同）(a polygon needs at least 4 points)",
                        ring.len()
                    )));
                } else if ring.first() != ring.last() {
                    problems.push(at(
                        "多边形未闭合：末点须与首点相同 (a polygon's last point must repeat its first)",
                    ));
                }
                if ring.len() > MAX_POLYGON_POINTS {
                    problems.push(at(&format!(
                        "多边形有 {} 个点，超过 {MAX_POLYGON_POINTS} 个 (more than {MAX_POLYGON_POINTS} points)",
                        ring.len()
                    )));
                }
            }
            for c in &area.circles {
                if !(c.radius_km.is_finite() && c.radius_km >= 0.0) {
                    problems.push(at(&format!(
                        "圆的半径 {} 公里无效 (a circle's radius must be a number of km, 0 or more)",
                        c.radius_km
                    )));
                }
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Rules(problems))
    }
}
