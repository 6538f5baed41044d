//! 接报登记: the record of a call that comes in to the duty desk — when it came and when the
//! thing happened, who called, what and where, what has been done and who was told, who wrote
//! it down, and whether it opens an incident or adds to one — and its validation.

use super::{at_text, blank};
use crate::command::incident::IncidentKind;
use crate::registries::town;
use crate::space::district::{District, WORKING_MARGIN_KM};
use crate::{EntityId, Error, LonLat};
use serde::{Deserialize, Serialize};

/// Where the caller says it is: the town or street by its code (picked from the district's
/// list), the village or community and the 组 as the caller says them, and a map point when
/// one was placed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntakePlace {
    /// The 9-digit code of the town or street (`registries::town`); empty when not yet known.
    #[serde(default)]
    pub town_code: String,
    /// 村（社区）, as text: callers name villages by their short names, and the registry's
    /// committee names (三元村村民委员会) are not what a caller says.
    #[serde(default)]
    pub village: String,
    /// 组 (村民小组), as text: the district's code tables stop at the village.
    #[serde(default)]
    pub group: String,
    /// Anything else that locates it (a road's kilometre post, a factory's name).
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub point: Option<LonLat>,
}

impl IntakePlace {
    /// The place as one line of text: 钱塘镇大柱村3组（大柱村小学后山）.
    pub fn text(&self) -> String {
        let town = town::by_code(&self.town_code)
            .map(|t| t.name)
            .unwrap_or_default();
        let mut s = format!("{town}{}{}", self.village.trim(), self.group.trim());
        if !blank(&self.detail) {
            s.push_str(&format!("（{}）", self.detail.trim()));
        }
        s
    }
}

/// What a call does to the incidents on the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "opens", rename_all = "snake_case")]
pub enum IntakeTarget {
    /// A new incident (the first call about it).
    NewIncident,
    /// More about an incident already open (a second caller, a 续报 from the scene).
    Existing { incident_id: EntityId },
}

/// One call, as the duty officer writes it down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallIntake {
    pub id: EntityId,
    /// 接报时间: when the desk heard of it. The report clock runs from here.
    pub called_at_ms: i64,
    /// 事发时间: when it happened, when the caller knows.
    #[serde(default)]
    pub occurred_at_ms: Option<i64>,
    #[serde(default)]
    pub caller_unit: String,
    #[serde(default)]
    pub caller_name: String,
    /// The caller's phone as given; may be empty (a caller who rang off), never letters.
    #[serde(default)]
    pub caller_phone: String,
    /// What happened (事件简要情况). The one thing a call must carry.
    pub what: String,
    /// What kind it seems to be, when the officer can tell yet.
    #[serde(default)]
    pub kind: Option<IncidentKind>,
    #[serde(default)]
    pub place: IntakePlace,
    /// 已采取措施: what the caller or the town has already done.
    #[serde(default)]
    pub measures: String,
    /// 已通知: who the desk has told (units or people).
    #[serde(default)]
    pub notified: Vec<String>,
    /// 记录人: the officer who took the call.
    pub recorded_by: String,
    pub target: IntakeTarget,
}

impl CallIntake {
    /// Refuses a record the desk cannot act on, with the first thing to correct. A point may
    /// lie just over the border (within [`WORKING_MARGIN_KM`], as for incidents themselves):
    /// a call about a fire on the boundary is still taken here; a point in another province
    /// is a typing error, most often longitude and latitude swapped.
    pub fn validate(&self) -> Result<(), Error> {
        if blank(&self.what) {
            return Err(Error::Required {
                field: "事件简要情况",
                field_en: "what happened",
            });
        }
        if blank(&self.recorded_by) {
            return Err(Error::Required {
                field: "记录人",
                field_en: "who recorded the call",
            });
        }
        if let Some(occurred) = self.occurred_at_ms {
            if self.called_at_ms < occurred {
                return Err(Error::TimeOrder {
                    earlier: "事发时间",
                    earlier_en: "the time it happened",
                    earlier_at: at_text(occurred),
                    later: "接报时间",
                    later_en: "the time of the call",
                    later_at: at_text(self.called_at_ms),
                });
            }
        }
        check_phone(&self.caller_phone)?;
        let code = self.place.town_code.trim();
        if !code.is_empty() && town::by_code(code).is_none() {
            return Err(Error::UnknownTown(code.to_owned()));
        }
        if let Some(p) = self.place.point {
            District::hechuan()
                .check_near(p, WORKING_MARGIN_KM)
                .map_err(|_| Error::PlaceFar {
                    lon: p.lon,
                    lat: p.lat,
                })?;
        }
        Ok(())
    }
}

/// A phone as callers give it: digits with `-`, `+` (+86) and spaces; empty when none was
/// left. Anything else (a letter, a full-width digit, a note typed into the wrong box) is
/// refused so that the number can be dialled back.
pub fn check_phone(phone: &str) -> Result<(), Error> {
    let ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' '));
    let empty = phone.trim().is_empty();
    if ok && (empty || phone.chars().any(|c| c.is_ascii_digit())) {
        Ok(())
    } else {
        Err(Error::Phone(phone.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::bj;

    fn call() -> CallIntake {
        CallIntake {
            id: EntityId::v7(1, [1; 10]),
            called_at_ms: bj(2026, 7, 12, 10, 0),
            occurred_at_ms: Some(bj(2026, 7, 12, 9, 40)),
            caller_unit: "钱塘镇应急办".into(),
            caller_name: "周明".into(),
            caller_phone: "023-4276 1234".into(),
            what: "大柱村3组后山滑坡，冲毁房屋2间".into(),
            kind: Some(IncidentKind::Landslide),
            place: IntakePlace {
                town_code: "500117120".into(),
                village: "大柱村".into(),
                group: "3组".into(),
                detail: String::new(),
                // Hechuan's old town at the Jialing–Fu confluence: inside the district.
                point: Some(LonLat::new(106.27, 29.99).unwrap()),
            },
            measures: "已疏散周边群众".into(),
            notified: vec!["区规划自然资源局".into()],
            recorded_by: "王敏".into(),
            target: IntakeTarget::NewIncident,
        }
    }

    #[test]
    fn a_call_is_refused_with_the_thing_to_correct() {
        type Edit = fn(&mut CallIntake);
        let cases: [(&str, Edit, Option<&str>); 12] = [
            ("a full record", |_| {}, None),
            ("事发 unknown", |c| c.occurred_at_ms = None, None),
            ("no phone left", |c| c.caller_phone.clear(), None),
            (
                "a mobile with +86",
                |c| c.caller_phone = "+86 138 0000 0000".into(),
                None,
            ),
            (
                "adds to an incident",
                |c| {
                    c.target = IntakeTarget::Existing {
                        incident_id: EntityId::v7(9, [9; 10]),
                    }
                },
                None,
            ),
            (
                "nothing said of what happened",
                |c| c.what = "  ".into(),
                Some("未填写事件简要情况"),
            ),
            (
                "no recorder",
                |c| c.recorded_by.clear(),
                Some("未填写记录人"),
            ),
            // 接报 09:30 before 事发 09:40 is impossible: the officer swapped the two.
            (
                "call before it happened",
                |c| c.called_at_ms = bj(2026, 7, 12, 9, 30),
                Some("接报时间（2026-07-12 09:30:00）早于事发时间（2026-07-12 09:40:00）"),
            ),
            (
                "a letter in the phone",
                |c| c.caller_phone = "138O0000000".into(),
                Some("电话号码"),
            ),
            (
                "full-width digits",
                |c| c.caller_phone = "１３８".into(),
                Some("电话号码"),
            ),
            (
                "latitude and longitude swapped",
                |c| c.place.point = Some(LonLat::new(29.99, 80.0).unwrap()),
                Some("经纬度是否填反"),
            ),
            (
                "a town code of another district",
                |c| c.place.town_code = "500112001".into(),
                Some("不是合川区的镇街代码"),
            ),
        ];
        for (name, edit, want) in cases {
            let mut c = call();
            edit(&mut c);
            match (c.validate(), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.to_string().contains(w), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn phones_are_digits_dashes_pluses_and_spaces() {
        for ok in ["", "12345", "023-42761234", "+86 13800000000", "0 2 3"] {
            assert!(check_phone(ok).is_ok(), "{ok:?}");
        }
        for bad in ["-", "+ -", "138-x", "电话", "138;139", "１３８"] {
            assert!(check_phone(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_point_just_over_the_border_is_taken() {
        // 20 km is the working margin; 106.70 E is a few km east of the district's bounds
        // (105.96–106.68 E), so a call from just over the Beibei border is still taken.
        let mut c = call();
        c.place.point = Some(LonLat::new(106.70, 30.0).unwrap());
        assert_eq!(c.validate(), Ok(()));
        // Yuzhong, central Chongqing, 29.56 N: 0.28° ≈ 31 km south of the bounds' 29.84 N,
        // beyond the 20 km margin.
        c.place.point = Some(LonLat::new(106.57, 29.56).unwrap());
        assert!(matches!(c.validate(), Err(Error::PlaceFar { .. })));
    }

    #[test]
    fn the_place_reads_as_one_line() {
        let mut p = call().place;
        assert_eq!(p.text(), "钱塘镇大柱村3组");
        p.detail = "村小学后山".into();
        assert_eq!(p.text(), "钱塘镇大柱村3组（村小学后山）");
    }

    #[test]
    fn an_older_record_without_the_optional_fields_reads() {
        let json = r#"{"id":"0190b4c8-0000-7000-8000-000000000000","called_at_ms":0,
            "what":"河边有人落水","recorded_by":"王敏","target":{"opens":"new_incident"}}"#;
        let c: CallIntake = serde_json::from_str(json).unwrap();
        assert_eq!(c.occurred_at_ms, None);
        assert_eq!(c.validate(), Ok(()));
    }
}
