//! An incident's Chinese name from place and date, the way official texts write it:
//! 钱塘镇“7·12”山洪灾害, 土场镇“2·22”较大火灾事故.
//!
//! The form follows the district's own plan (《合川区应急管理“十四五”规划》 writes
//! 土场镇“2·22”较大火灾事故 and 合阳城街道“11·17”较大道路交通事故) and national usage: the
//! place, then month·day in full-width curly quotes (U+201C “ and U+201D ”) with the middle dot
//! U+00B7 between them and no leading zeros, then an optional grade, then the kind. ASCII
//! quotes are not used: every official document and the plan itself use the curly ones.

use crate::beijing_time::BeijingTime;
use crate::command::incident::{IncidentKind, IncidentLevel};
use crate::registries::town;

/// The date part: “7·12” for 12 July, in Beijing time (an event at 23:30 UTC on 11 July is
/// the 12th in Hechuan).
pub fn date_mark(at_ms: i64) -> String {
    let t = BeijingTime::from_unix_ms(at_ms);
    format!("\u{201C}{}\u{00B7}{}\u{201D}", t.month, t.day)
}

/// The name from a place (a town, a street, or the district), the time it happened, an
/// optional grade (named once the level is determined, as in 较大火灾事故) and what happened
/// (山洪灾害, 道路交通事故). An empty place reads as 合川区, as `Incident::default_title`.
pub fn incident_name(place: &str, at_ms: i64, level: Option<IncidentLevel>, what: &str) -> String {
    let place = match place.trim() {
        "" => "合川区",
        p => p,
    };
    let grade = level.map(IncidentLevel::zh).unwrap_or("");
    format!("{place}{}{grade}{}", date_mark(at_ms), what.trim())
}

/// The name from a town's code and the incident's kind (洪涝灾害, 道路交通事故 …); an unknown
/// or empty code reads as the district.
pub fn name_for(
    town_code: &str,
    at_ms: i64,
    level: Option<IncidentLevel>,
    kind: IncidentKind,
) -> String {
    let place = town::by_code(town_code.trim())
        .map(|t| t.name)
        .unwrap_or_default();
    incident_name(&place, at_ms, level, kind.zh())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::bj;

    #[test]
    fn names_are_written_as_the_plan_writes_them() {
        let cases = [
            (
                "the issue's example",
                "钱塘镇",
                bj(2026, 7, 12, 14, 0),
                None,
                "山洪灾害",
                "钱塘镇\u{201C}7\u{00B7}12\u{201D}山洪灾害",
            ),
            // The plan's own two names, copied from its text (E2 80 9C 32 C2 B7 32 32 E2 80 9D).
            (
                "the plan's fire",
                "土场镇",
                bj(2019, 2, 22, 9, 0),
                Some(IncidentLevel::Major),
                "火灾事故",
                "土场镇“2·22”较大火灾事故",
            ),
            (
                "the plan's road accident",
                "合阳城街道",
                bj(2018, 11, 17, 20, 0),
                Some(IncidentLevel::Major),
                "道路交通事故",
                "合阳城街道“11·17”较大道路交通事故",
            ),
            (
                "no place",
                " ",
                bj(2026, 1, 5, 8, 0),
                None,
                "森林火灾",
                "合川区“1·5”森林火灾",
            ),
            // 2026-07-11 16:30 UTC is 00:30 on the 12th in Beijing.
            (
                "just after midnight in Beijing",
                "钱塘镇",
                bj(2026, 7, 12, 0, 30),
                None,
                "山洪灾害",
                "钱塘镇“7·12”山洪灾害",
            ),
            (
                "just before",
                "钱塘镇",
                bj(2026, 7, 11, 23, 59),
                None,
                "山洪灾害",
                "钱塘镇“7·11”山洪灾害",
            ),
        ];
        for (name, place, at, level, what, want) in cases {
            assert_eq!(incident_name(place, at, level, what), want, "{name}");
        }
    }

    #[test]
    fn a_town_code_and_a_kind_give_the_name() {
        assert_eq!(
            name_for(
                "500117120",
                bj(2026, 7, 12, 14, 0),
                None,
                IncidentKind::Flood
            ),
            "钱塘镇“7·12”洪涝灾害"
        );
        assert_eq!(
            name_for("", bj(2026, 7, 12, 14, 0), None, IncidentKind::ForestFire),
            "合川区“7·12”森林火灾"
        );
    }
}
