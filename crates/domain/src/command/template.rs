//! Decision templates per incident kind: objectives, typical orders and safety measures that
//! prefill a draft, each citing the clause of the district's plan it rests on. The plan is
//! 《合川区应急管理"十四五"规划》 (合川府发〔2023〕9号), shipped as [`PLAN_FILE`] (provenance in
//! `assets/README.md`); the line numbers below are that file's.
//! The plan is a five-year programme, not a response plan: where it has no clause for a kind
//! (public health, social safety), the template says so and cites only the command clauses.

use crate::command::decision::{Basis, Content, Order, Recipient};
use crate::command::incident::{Incident, IncidentKind};
use crate::registries::team::Specialty;
use serde::Serialize;

/// The plan's text, in the repository (the clause test reads it).
pub const PLAN_FILE: &str = "assets/plan/hechuan-emergency-plan-2021-2025.txt";
const PLAN: &str = "《合川区应急管理“十四五”规划》";

/// A clause of the plan: where it is and what it is called.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Clause {
    /// e.g. 三（二）11.
    pub section: &'static str,
    /// The clause's own heading, e.g. 森林火灾防治.
    pub title: &'static str,
    /// Line in [`PLAN_FILE`].
    pub line: u32,
}

impl Clause {
    pub fn cite(&self) -> String {
        format!("{PLAN}{}「{}」", self.section, self.title)
    }
}

const COMMAND: Clause = Clause {
    section: "三（一）2",
    title: "规范现场指挥决策",
    line: 147,
};
const COORDINATION: Clause = Clause {
    section: "三（一）2",
    title: "优化应急协同机制",
    line: 145,
};
const MATERIALS: Clause = Clause {
    section: "三（四）17",
    title: "强化应急物资保障",
    line: 256,
};
const RELIEF: Clause = Clause {
    section: "三（四）18",
    title: "加强灾后救助恢复",
    line: 264,
};
const FLOOD: Clause = Clause {
    section: "三（二）11",
    title: "洪旱灾害防治",
    line: 222,
};
const GEOLOGY: Clause = Clause {
    section: "三（二）11",
    title: "地质地震灾害防治",
    line: 223,
};
const FOREST: Clause = Clause {
    section: "三（二）11",
    title: "森林火灾防治",
    line: 225,
};
const HAZCHEM: Clause = Clause {
    section: "三（二）10",
    title: "危险化学品安全",
    line: 201,
};
const ROAD: Clause = Clause {
    section: "三（二）10",
    title: "道路交通安全",
    line: 207,
};
const WATER: Clause = Clause {
    section: "三（二）10",
    title: "水上交通安全",
    line: 209,
};
const FIRE: Clause = Clause {
    section: "三（二）10",
    title: "消防安全",
    line: 205,
};
const BUILDING: Clause = Clause {
    section: "三（二）10",
    title: "建设施工安全",
    line: 211,
};

/// A typical order: to whom (a kind of unit; the person drafting names the actual team) and what.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TypicalOrder {
    pub recipient: &'static str,
    /// The specialty of the team to send, where a registered team should be chosen.
    pub specialty: Option<Specialty>,
    pub action: &'static str,
}

const fn order(
    recipient: &'static str,
    specialty: Option<Specialty>,
    action: &'static str,
) -> TypicalOrder {
    TypicalOrder {
        recipient,
        specialty,
        action,
    }
}

/// What a draft for an incident kind starts from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    pub kind: IncidentKind,
    pub objectives: Vec<&'static str>,
    pub orders: Vec<TypicalOrder>,
    pub safety: Vec<&'static str>,
    pub clauses: Vec<Clause>,
    /// Said when the plan has no clause of its own for this kind.
    pub note: Option<&'static str>,
}

const TOWN: &str = "属地镇街人民政府";
const DISTRICT_TEAM: &str = "区综合应急救援队";

/// Objectives, orders, safety measures, clauses, and a note where the plan has no clause.
type Parts = (
    Vec<&'static str>,
    Vec<TypicalOrder>,
    Vec<&'static str>,
    Vec<Clause>,
    Option<&'static str>,
);

/// The template for a kind of incident.
pub fn for_kind(kind: IncidentKind) -> Template {
    use IncidentKind::*;
    use Specialty as S;
    let common_safety = [
        "救援人员佩戴个人防护装备，设安全员全程观察",
        "保持现场指挥部通信畅通，每30分钟报告一次进展",
    ];
    let (objectives, orders, safety, clauses, note): Parts = match kind {
        Flood => (
            vec!["转移受威胁群众，确保不漏一户一人", "抢护堤防、水库及重要设施", "防范山洪、内涝次生灾害"],
            vec![
                order(TOWN, None, "按“三个责任人”制度组织危险区群众转移至指定避难场所"),
                order("防汛抗旱救援队", Some(S::Flood), "巡查抢护堤防险工险段，大功率排水"),
                order("水上救援队", Some(S::Water), "冲锋舟搜救被困群众"),
            ],
            vec!["涉水作业穿救生衣、系安全绳", "雷雨时停止高处及水面作业"],
            vec![FLOOD, COMMAND, MATERIALS, RELIEF], None,
        ),
        Landslide | Earthquake => (
            vec!["搜救被困人员", "划定危险区并转移受威胁群众", "监测变形，防止二次滑塌"],
            vec![
                order("地质灾害救援队", Some(S::Geological), "搜救被埋压人员，设置监测点"),
                order(TOWN, None, "组织群测群防员撤离危险区群众并设警戒"),
                order(DISTRICT_TEAM, Some(S::Collapse), "清理道路，打通救援通道"),
            ],
            vec!["坡体监测有异常立即撤离，预先明确撤离路线", "危险区内限制作业人数"],
            vec![GEOLOGY, COMMAND, RELIEF], None,
        ),
        ForestFire => (
            vec!["控制火势蔓延，保护居民点和重要设施", "24小时内扑灭明火", "防止复燃"],
            vec![
                order("森林消防队", Some(S::ForestFire), "正面扑打并开设隔离带"),
                order(TOWN, None, "疏散火场周边群众，管控野外火源"),
                order(DISTRICT_TEAM, Some(S::ForestFire), "清理余火，看守火场"),
            ],
            vec!["不在火线下方、陡坡和草塘沟地段扑火", "明确避险区和撤离路线"],
            vec![FOREST, COMMAND, MATERIALS], None,
        ),
        HazardousChemicals => (
            vec!["控制泄漏源，防止爆炸和扩散", "疏散下风向群众", "监测环境，防止污染嘉陵江"],
            vec![
                order("危化品救援队", Some(S::Hazmat), "侦检并堵漏、关阀、稀释"),
                order(TOWN, None, "疏散警戒区内及下风向群众"),
                order("医疗救护队", Some(S::Medical), "现场救治中毒人员并转运"),
            ],
            vec!["进入热区须着防化服、空气呼吸器", "使用防爆工具，禁止一切火源"],
            vec![HAZCHEM, COMMAND, MATERIALS], None,
        ),
        RoadTraffic => (
            vec!["救出被困人员并救治伤员", "防止二次事故", "尽快恢复通行"],
            vec![
                order(DISTRICT_TEAM, Some(S::Collapse), "破拆救出被困人员"),
                order("医疗救护队", Some(S::Medical), "伤员分检、救治和转运"),
                order("区公安局交巡警支队", None, "封闭事故路段并设置绕行"),
            ],
            vec!["上游150米设警示，夜间开启警示灯", "确认车辆无燃油、危化品泄漏后再破拆"],
            vec![ROAD, COMMAND], None,
        ),
        WaterTraffic => (
            vec!["搜救落水人员", "防止船舶油污扩散", "维护航道秩序"],
            vec![
                order("水上救援队", Some(S::Water), "搜寻救助落水人员"),
                order("区交通运输委员会（海事）", None, "管控事故水域通航"),
                order("医疗救护队", Some(S::Medical), "岸边待命救治"),
            ],
            vec!["水上作业全员穿救生衣", "能见度低时停止搜救船只高速航行"],
            vec![WATER, COMMAND], None,
        ),
        BuildingFire => (
            vec!["疏散救出被困人员", "控制火势防止蔓延", "保护毗邻建筑"],
            vec![
                order("区消防救援支队", None, "灭火救人，内攻搜救"),
                order("医疗救护队", Some(S::Medical), "救治烧伤、吸入性损伤人员"),
                order(TOWN, None, "疏散周边群众，安置受灾住户"),
            ],
            vec!["内攻人员佩戴空气呼吸器，两人以上成组", "注意建筑结构倒塌征兆"],
            vec![FIRE, COMMAND, RELIEF], None,
        ),
        BuildingCollapse => (
            vec!["搜救被埋压人员", "防止二次坍塌", "安置受影响住户"],
            vec![
                order(DISTRICT_TEAM, Some(S::Collapse), "生命探测、支撑加固、破拆救人"),
                order("医疗救护队", Some(S::Medical), "现场救治并转运伤员"),
                order(TOWN, None, "疏散相邻建筑人员并设警戒"),
            ],
            vec!["设结构安全观察哨，出现异响立即撤离", "救援通道两侧加固后再进入"],
            vec![BUILDING, COMMAND, RELIEF], None,
        ),
        Epidemic | FoodPoisoning => (
            vec!["救治病人，控制传播或中毒源", "保护易感人群", "及时发布信息"],
            vec![
                order("区卫生健康委员会", Some(S::Medical), "组织救治、流行病学调查和采样"),
                order("区市场监督管理局", None, "封存可疑食品及原料"),
                order(TOWN, None, "配合排查密切接触者，做好群众解释"),
            ],
            vec!["现场人员按防护等级穿戴防护用品"],
            vec![COMMAND, COORDINATION],
            Some("规划未设公共卫生事件专章，本模板仅依据现场指挥与协同条款，具体措施以卫生健康部门预案为准"),
        ),
        MassGathering => (
            vec!["疏导人群，防止踩踏", "救治伤员", "维护现场秩序"],
            vec![
                order("区公安局", None, "设置单向通道，分流疏导人群"),
                order("医疗救护队", Some(S::Medical), "设立临时救护点"),
                order(TOWN, None, "开放周边场地，组织疏散"),
            ],
            vec!["不逆人流进入，指挥人员占据高处观察"],
            vec![COMMAND, COORDINATION],
            Some("规划未设社会安全事件专章，本模板仅依据现场指挥与协同条款，具体措施以公安部门预案为准"),
        ),
    };
    Template {
        kind,
        objectives,
        orders,
        safety: safety.into_iter().chain(common_safety).collect(),
        clauses,
        note,
    }
}

impl Template {
    /// A draft's content from this template: orders to the generic recipients (the drafter
    /// replaces them with named teams), the clauses as basis, no materials or relocations
    /// (those are amounts only the situation decides).
    pub fn prefill(&self, incident: &Incident) -> Content {
        Content {
            situation: format!(
                "{}（{}，{}）。",
                incident.title,
                incident.kind.zh(),
                incident.level.zh()
            ),
            objectives: self.objectives.iter().map(|s| s.to_string()).collect(),
            orders: self
                .orders
                .iter()
                .map(|o| Order {
                    recipient: Recipient {
                        id: None,
                        name: o.recipient.to_owned(),
                    },
                    action: o.action.to_owned(),
                    place: String::new(),
                    geometry: None,
                    deadline: String::new(),
                })
                .collect(),
            safety: self.safety.iter().map(|s| s.to_string()).collect(),
            basis: Basis {
                plan_clauses: self.clauses.iter().map(Clause::cite).collect(),
                expert_id: None,
                expert_advice: String::new(),
            },
            ..Content::default()
        }
    }
}

/// A 紧急撤离 order: everyone out of the danger zone now. Any commander or technical officer
/// sends it through 紧急处置 (signed at once, reviewed afterwards): it is the order that cannot
/// wait for a review (a slope moving, a dam seeping, a fire turning).
pub fn evacuation(incident: &Incident) -> Content {
    let order = |recipient: &str, action: &str| Order {
        recipient: Recipient {
            id: None,
            name: recipient.to_owned(),
        },
        action: action.to_owned(),
        place: String::new(),
        geometry: None,
        deadline: "立即".to_owned(),
    };
    Content {
        situation: format!(
            "紧急撤离：{}（{}）现场出现危及人员安全的险情。",
            incident.title,
            incident.kind.zh()
        ),
        objectives: vec!["危险区域内救援人员和群众立即撤离至安全区域".to_owned()],
        orders: vec![
            order(
                DISTRICT_TEAM,
                "立即停止作业，全部人员撤离危险区域，到集结区清点人数",
            ),
            order(TOWN, "立即组织危险区域群众撤离，设置警戒，严禁人员返回"),
        ],
        safety: vec![
            "撤离途中避开险情发展方向，统一由现场安全员指引".to_owned(),
            "撤离后逐队清点人数，报现场指挥部".to_owned(),
        ],
        basis: Basis {
            plan_clauses: vec![COMMAND.cite()],
            expert_id: None,
            expert_advice: String::new(),
        },
        ..Content::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_objectives_orders_and_a_clause() {
        for &k in IncidentKind::ALL {
            let t = for_kind(k);
            assert!(!t.objectives.is_empty() && t.orders.len() >= 3, "{k}");
            assert!(t.clauses.contains(&COMMAND), "{k}");
        }
    }

    /// The plan as shipped: compiled into the test, so a moved or missing file fails the build.
    const PLAN_TEXT: &str =
        include_str!("../../../../assets/plan/hechuan-emergency-plan-2021-2025.txt");

    /// The section a line of the plan is in, read from the headings at or above it: the
    /// chapter (`三、主要任务`), the part (`（二）强化风险预防治理…`) and the item (`11．加强…`),
    /// e.g. `三（二）11`; and the line's own lead, up to its first `。` (the item number taken
    /// off a heading line), which is the clause's title.
    fn clause_at(lines: &[&str], line: usize) -> (String, String) {
        let numerals =
            |s: &str| !s.is_empty() && s.chars().all(|c| "一二三四五六七八九十".contains(c));
        fn item_of(l: &str) -> Option<(&str, &str)> {
            l.split_once('．')
                .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        }
        let (mut item, mut part, mut chapter) = (None, None, None);
        for l in lines[..line].iter().rev().map(|l| l.trim()) {
            if chapter.is_some() {
                break;
            }
            if let Some((n, _)) = l.split_once('、').filter(|(n, _)| numerals(n)) {
                chapter = Some(n.to_owned());
            } else if let Some(n) = l
                .strip_prefix('（')
                .and_then(|r| r.split_once('）'))
                .map(|(n, _)| n)
                .filter(|n| numerals(n))
            {
                part.get_or_insert_with(|| format!("（{n}）"));
            } else if let Some((n, _)) = item_of(l) {
                if part.is_none() {
                    item.get_or_insert_with(|| n.to_owned());
                }
            }
        }
        let section = format!(
            "{}{}{}",
            chapter.unwrap_or_default(),
            part.unwrap_or_default(),
            item.unwrap_or_default()
        );
        let text = lines[line - 1].trim();
        let text = item_of(text).map_or(text, |(_, rest)| rest);
        let lead = text.split_once('。').map_or(text, |(lead, _)| lead);
        (section, lead.to_owned())
    }

    /// Every clause a template cites is in the plan: at its line stands a paragraph (or item)
    /// that opens with the clause's title, under the headings of the section cited. Checked
    /// against the plan's text in `assets/plan/`, so a clause the plan does not have fails.
    #[test]
    fn every_cited_clause_is_in_the_plan_at_its_line_and_section() {
        let lines: Vec<&str> = PLAN_TEXT.lines().collect();
        // The file is the whole plan (366 lines, its heading and its closing section), not an
        // excerpt that would let a wrong line number slip past.
        assert_eq!(lines.len(), 366);
        assert!(lines[1].contains("合川府发〔2023〕9号"), "{:?}", lines[1]);
        let mut checked = 0;
        for &k in IncidentKind::ALL {
            for c in for_kind(k).clauses {
                assert!(
                    (1..=lines.len()).contains(&(c.line as usize)),
                    "{k}: line {} is beyond the plan",
                    c.line
                );
                let (section, lead) = clause_at(&lines, c.line as usize);
                assert_eq!(
                    (section.as_str(), lead.as_str()),
                    (c.section, c.title),
                    "{k}: line {} of the plan",
                    c.line
                );
                checked += 1;
            }
        }
        // Hand-counted from the templates above, kind by kind: flood 4, landslide and earthquake
        // 3 each, forest fire 3, hazardous chemicals 3, road 2, water 2, building fire 3,
        // collapse 3, epidemic and food poisoning 2 each, mass gathering 2.
        assert_eq!(checked, 32);
    }

    /// The reader of headings itself, on lines whose sections were read off the plan by eye.
    #[test]
    fn the_heading_reader_finds_sections_by_hand() {
        let lines: Vec<&str> = PLAN_TEXT.lines().collect();
        for (line, section, lead) in [
            (147, "三（一）2", "规范现场指挥决策"),
            (225, "三（二）11", "森林火灾防治"),
            (256, "三（四）17", "强化应急物资保障"),
            (246, "三（四）15", "建设区应急指挥中心"),
        ] {
            assert_eq!(
                clause_at(&lines, line),
                (section.to_owned(), lead.to_owned()),
                "line {line}"
            );
        }
    }
}
