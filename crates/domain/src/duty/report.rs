//! Reports upward (信息报送): 首报 (初报 for natural disasters), numbered 续报, 终报 and 核报;
//! the elements a report carries and what a report lacks; what changed since the previous
//! report; and the deadline clock — a rule table, kept as data so a district can change it,
//! and a pure `clock` giving each report due with its deadline and whether it is 待报, 已报,
//! 迟报 (and by how many minutes) or 逾期未报.

use super::blank;
use super::phase::gravity;
use super::toll::{DisasterToll, TollField};
use crate::beijing_time::BeijingTime;
use crate::command::incident::{IncidentCategory, IncidentLevel};
use crate::EntityId;
use serde::{Deserialize, Serialize};

crate::labelled_enum! {
    /// Which report in an incident's sequence, without a 续报's number: what a rule names.
    ReportStage {
        First => ("first", "首报", "First report"),
        Continued => ("continued", "续报", "Continued report"),
        Final => ("final", "终报", "Final report"),
        Verified => ("verified", "核报", "Verified report"),
    }
}

impl ReportStage {
    /// The word the category's texts use: natural-disaster statistics call the first
    /// report 初报 (《自然灾害情况统计调查制度》's 初报、续报、核报).
    pub fn zh_for(self, category: IncidentCategory) -> &'static str {
        match (self, category) {
            (ReportStage::First, IncidentCategory::Natural) => "初报",
            (s, _) => s.zh(),
        }
    }
}

/// Which report this is; a 续报 carries its number, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ReportKind {
    First,
    Continued { number: u32 },
    Final,
    Verified,
}

impl ReportKind {
    pub fn stage(self) -> ReportStage {
        match self {
            ReportKind::First => ReportStage::First,
            ReportKind::Continued { .. } => ReportStage::Continued,
            ReportKind::Final => ReportStage::Final,
            ReportKind::Verified => ReportStage::Verified,
        }
    }

    /// The heading: 首报, 第2次续报, 终报, 核报 (初报 for a natural disaster).
    pub fn title(self, category: IncidentCategory) -> String {
        match self {
            ReportKind::Continued { number } => format!("第{number}次续报"),
            k => k.stage().zh_for(category).to_owned(),
        }
    }
}

/// The number the next 续报 takes: one more than the highest sent (续报 are numbered in
/// the order sent, from 1).
pub fn next_continued(sent: &[Sent]) -> ReportKind {
    let last = sent
        .iter()
        .filter_map(|s| match s.kind {
            ReportKind::Continued { number } => Some(number),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    ReportKind::Continued { number: last + 1 }
}

crate::labelled_enum! {
    /// How a report goes up: by phone first when minutes count, then in writing.
    Channel {
        Phone => ("phone", "电话报告", "By phone"),
        Writing => ("writing", "书面报告", "In writing"),
    }
}

impl Channel {
    /// Whether a report sent this way meets a rule asking for `wanted`. A written report
    /// meets a phone rule too (it carries at least as much, and the phone rule is about
    /// speed); a phone call never meets a rule asking for writing.
    pub fn meets(self, wanted: Channel) -> bool {
        self == wanted || (self == Channel::Writing && wanted == Channel::Phone)
    }
}

crate::labelled_enum! {
    /// The elements a report carries, in the order the document prints them.
    Element {
        Source => ("source", "信息来源", "Source of the information"),
        CauseAndNature => ("cause_and_nature", "起因和性质", "Cause and nature"),
        Extent => ("extent", "影响范围", "Extent"),
        Trend => ("trend", "发展趋势", "How it may develop"),
        Leaders => ("leaders", "领导到位情况", "Leaders on the scene"),
        Measures => ("measures", "已采取措施", "Measures taken"),
        SupportRequested => ("support_requested", "请求支援事项", "Support requested"),
        SignedBy => ("signed_by", "签发人", "Signed off by"),
        Contact => ("contact", "联系人", "Contact"),
        ContactPhone => ("contact_phone", "联系电话", "Contact phone"),
        Addressees => ("addressees", "报送单位", "Addressees"),
    }
}

/// The report's text elements. `请求支援事项` is written 无 when none is asked, so that an
/// empty field always means not yet written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportElements {
    pub source: String,
    pub cause_and_nature: String,
    pub extent: String,
    pub trend: String,
    pub leaders: String,
    pub measures: String,
    pub support_requested: String,
}

impl ReportElements {
    /// The text of a text element; `None` for the signing block's elements.
    pub fn text(&self, e: Element) -> Option<&str> {
        Some(match e {
            Element::Source => &self.source,
            Element::CauseAndNature => &self.cause_and_nature,
            Element::Extent => &self.extent,
            Element::Trend => &self.trend,
            Element::Leaders => &self.leaders,
            Element::Measures => &self.measures,
            Element::SupportRequested => &self.support_requested,
            _ => return None,
        })
    }
}

/// The bodies a district's report goes to by default.
pub const DEFAULT_ADDRESSEES: [&str; 2] = ["区委区政府总值班室", "市应急管理局"];

/// One report upward, as sent. It keeps the whole state known at sending, even for a 续报:
/// the document of a 续报 shows only `changed_elements` and `changed_toll`, but the next
/// 续报's changes are counted from this one, and a lost earlier report loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: EntityId,
    pub incident_id: EntityId,
    pub kind: ReportKind,
    pub channel: Channel,
    pub sent_at_ms: i64,
    /// The incident's name (`naming`), e.g. 钱塘镇“7·12”山洪灾害.
    pub title: String,
    #[serde(default)]
    pub level: Option<IncidentLevel>,
    #[serde(default)]
    pub elements: ReportElements,
    #[serde(default)]
    pub toll: DisasterToll,
    #[serde(default)]
    pub signed_by: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub addressees: Vec<String>,
    /// For a 续报: the text elements that differ from the previous report's.
    #[serde(default)]
    pub changed_elements: Vec<Element>,
    /// For a 续报: the toll's items that differ from the previous report's.
    #[serde(default)]
    pub changed_toll: Vec<TollField>,
}

impl Report {
    /// What a document-complete report lacks. A 首报, 终报 or 核报 must carry every element
    /// (请求支援事项 as 无 when none); a 续报 carries what changed, so only its signing block
    /// is checked. By phone nothing is signed, so 签发人 is not asked.
    pub fn missing_elements(&self) -> Vec<Element> {
        let whole = !matches!(self.kind, ReportKind::Continued { .. });
        Element::ALL
            .iter()
            .copied()
            .filter(|e| match (e, self.elements.text(*e)) {
                (_, Some(text)) => whole && blank(text),
                (Element::SignedBy, None) => {
                    self.channel == Channel::Writing && blank(&self.signed_by)
                }
                (Element::Contact, None) => blank(&self.contact),
                (Element::ContactPhone, None) => blank(&self.contact_phone),
                (Element::Addressees, None) => self.addressees.iter().all(|a| blank(a)),
                _ => false,
            })
            .collect()
    }

    /// Records what changed since `previous` (the report before this one on the same
    /// incident): the text elements whose words differ (spaces at the ends aside) and the
    /// toll's items whose values differ.
    pub fn mark_changes(&mut self, previous: &Report) {
        self.changed_elements = Element::ALL
            .iter()
            .copied()
            .filter(
                |e| match (self.elements.text(*e), previous.elements.text(*e)) {
                    (Some(now), Some(before)) => now.trim() != before.trim(),
                    _ => false,
                },
            )
            .collect();
        self.changed_toll = self.toll.changed(&previous.toll);
    }

    /// The text elements the document prints: for a 续报 the changed ones, else all.
    pub fn shown_elements(&self) -> Vec<Element> {
        let all = Element::ALL
            .iter()
            .copied()
            .filter(|e| self.elements.text(*e).is_some());
        match self.kind {
            ReportKind::Continued { .. } => {
                all.filter(|e| self.changed_elements.contains(e)).collect()
            }
            _ => all.collect(),
        }
    }

    /// The toll's items the document prints: for a 续报 the changed ones; otherwise those not
    /// zero, and always 死亡, 失踪 and 受伤 (a 首报 says "无人员伤亡" explicitly).
    pub fn shown_toll(&self) -> Vec<TollField> {
        match self.kind {
            ReportKind::Continued { .. } => self.changed_toll.clone(),
            _ => TollField::ALL
                .iter()
                .copied()
                .filter(|f| {
                    matches!(f, TollField::Dead | TollField::Missing | TollField::Injured)
                        || self.toll.value(*f) != 0.0
                })
                .collect(),
        }
    }

    /// What the clock needs of it.
    pub fn sent(&self) -> Sent {
        Sent {
            kind: self.kind,
            channel: self.channel,
            at_ms: self.sent_at_ms,
        }
    }
}

/// A report as the clock sees it: which, how, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub kind: ReportKind,
    pub channel: Channel,
    pub at_ms: i64,
}

crate::labelled_enum! {
    /// The moment a deadline counts from: the call; 事发时间 (or the call when it is not
    /// known); when the situation was judged stable (灾情稳定; no deadline before that).
    Anchor {
        Call => ("call", "接报", "The call"),
        Occurred => ("occurred", "事发", "When it happened"),
        Stable => ("stable", "情况稳定", "When it became stable"),
    }
}

/// When a rule's report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "due", rename_all = "snake_case")]
pub enum Deadline {
    /// Once, `minutes` after the anchor.
    After { anchor: Anchor, minutes: u32 },
    /// Every day after the day of the call, by this minute of the Beijing day (540 = 09:00),
    /// while the situation is not stable: 24小时零报告, each day's report covering the day
    /// before to 24时.
    DailyBy { minute_of_day: u32 },
    /// Again within `minutes` of the previous report (of any stage), while not stable.
    AfterPrevious { minutes: u32 },
}

/// One line of the deadline table: which incidents (a category and/or a minimum level, each
/// optional), which report, how, and by when, with the text it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRule {
    pub name: String,
    pub basis: String,
    #[serde(default)]
    pub category: Option<IncidentCategory>,
    /// The rule applies to incidents of this level or graver (较大 → 较大, 重大, 特别重大).
    #[serde(default)]
    pub min_level: Option<IncidentLevel>,
    pub stage: ReportStage,
    pub channel: Channel,
    pub deadline: Deadline,
}

impl ReportRule {
    pub fn applies(&self, facts: &IncidentFacts) -> bool {
        self.category.is_none_or(|c| c == facts.category)
            && self
                .min_level
                .is_none_or(|m| gravity(facts.level) >= gravity(m))
    }
}

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// The default table. A district changes it as data (it is stored with the settings).
///
/// - 较大 and above: by phone within 30 minutes and in writing within 1 hour of 接报 — the
///   issue's example and the usual 突发事件信息报送 requirement ("30分钟内电话报告、1小时内
///   书面报告") for events of 较大 and above.
/// - 事故灾难 of any level: in writing within 2 hours — 《生产安全事故报告和调查处理条例》第十一条,
///   "每级上报的时间不得超过2小时".
/// - 自然灾害: 初报 within 2 hours; a 续报 every day by 09:00 while the 灾情 is not stable
///   (24小时零报告, "每日9时前" reporting to 24时 of the day before); 核报 within 5 days of
///   the 灾情 becoming stable — 《自然灾害情况统计调查制度》 (应急〔2020〕19号) and
///   《国家自然灾害救助应急预案》's 初报/续报/核报. The texts count 初报 from 灾害发生; here
///   it counts from 接报, because the desk cannot report what it has not heard of (a district
///   that wants the text's count changes the anchor to `Occurred`). The 核报's 5 days are
///   the county's share in the national plan as read here; confirm against the current text.
pub fn default_rules() -> Vec<ReportRule> {
    let rule =
        |name: &str, basis: &str, category, min_level, stage, channel, deadline| ReportRule {
            name: name.to_owned(),
            basis: basis.to_owned(),
            category,
            min_level,
            stage,
            channel,
            deadline,
        };
    use Channel::*;
    use ReportStage::*;
    let major = Some(IncidentLevel::Major);
    let natural = Some(IncidentCategory::Natural);
    let after_call = |minutes| Deadline::After {
        anchor: Anchor::Call,
        minutes,
    };
    vec![
        rule("较大及以上：30分钟内电话报告", "突发事件信息报送：较大及以上 30 分钟内电话报告", None, major, First, Phone, after_call(30)),
        rule("较大及以上：1小时内书面报告", "突发事件信息报送：较大及以上 1 小时内书面报告", None, major, First, Writing, after_call(60)),
        rule("生产安全事故：2小时内书面报告", "《生产安全事故报告和调查处理条例》第十一条：每级上报的时间不得超过2小时", Some(IncidentCategory::Accident), None, First, Writing, after_call(120)),
        rule("自然灾害：2小时内初报", "《自然灾害情况统计调查制度》：灾害发生后2小时内初报", natural, None, First, Writing, after_call(120)),
        rule("自然灾害：灾情稳定前每日9时前续报", "《自然灾害情况统计调查制度》：灾情稳定前执行24小时零报告，每日9时前报截至前一日24时灾情", natural, None, Continued, Writing, Deadline::DailyBy { minute_of_day: 9 * 60 }),
        rule("自然灾害：灾情稳定后5日内核报", "《国家自然灾害救助应急预案》：灾情稳定后县级5日内核定灾情并核报", natural, None, Verified, Writing, Deadline::After { anchor: Anchor::Stable, minutes: 5 * 24 * 60 }),
    ]
}

/// What the clock needs of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFacts {
    pub category: IncidentCategory,
    pub level: IncidentLevel,
    pub called_at_ms: i64,
    #[serde(default)]
    pub occurred_at_ms: Option<i64>,
    /// When the situation was judged stable (灾情稳定, or 响应终止): repeated 续报 stop, the
    /// 核报's clock starts.
    #[serde(default)]
    pub stable_at_ms: Option<i64>,
}

/// Where a due report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    /// 待报: not yet sent, not yet late.
    Pending,
    /// 已报: sent by the deadline.
    Sent { at_ms: i64 },
    /// 迟报: sent after the deadline, by this many minutes (a part minute counts as one).
    Late { at_ms: i64, minutes: u32 },
    /// 逾期未报: not sent and the deadline passed this many minutes ago.
    Overdue { minutes: u32 },
}

impl DueStatus {
    pub fn zh(self) -> String {
        match self {
            DueStatus::Pending => "待报".into(),
            DueStatus::Sent { .. } => "已报".into(),
            DueStatus::Late { minutes, .. } => format!("迟报{minutes}分钟"),
            DueStatus::Overdue { minutes } => format!("逾期未报（已超{minutes}分钟）"),
        }
    }
}

/// One report due by one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Due {
    pub rule: String,
    pub basis: String,
    pub stage: ReportStage,
    pub channel: Channel,
    pub deadline_ms: i64,
    pub status: DueStatus,
}

fn minutes_after(later: i64, earlier: i64) -> u32 {
    let ms = (later - earlier).max(0);
    u32::try_from((ms + MINUTE_MS - 1) / MINUTE_MS).unwrap_or(u32::MAX)
}

fn status(deadline: i64, sent: Option<i64>, now: i64) -> DueStatus {
    match sent {
        Some(at) if at <= deadline => DueStatus::Sent { at_ms: at },
        Some(at) => DueStatus::Late {
            at_ms: at,
            minutes: minutes_after(at, deadline),
        },
        None if now > deadline => DueStatus::Overdue {
            minutes: minutes_after(now, deadline),
        },
        None => DueStatus::Pending,
    }
}

/// No repeating rule runs longer than this many steps (ten years of daily reports): a guard
/// against a clock far in the future, not a limit anyone meets.
const MAX_REPEATS: usize = 3_660;

/// Each report due on an incident by `rules`, at `now`, in deadline order.
///
/// A 终报 ends the sequence: a due whose deadline falls after the first 终报 and which is not
/// met is no longer due (what it would say, the 终报 said). A 核报 is still due after a 终报:
/// the statistics ask for it. Dues missed before the 终报 stay in the record as 逾期未报.
pub fn clock(facts: &IncidentFacts, sent: &[Sent], rules: &[ReportRule], now: i64) -> Vec<Due> {
    let mut sent = sent.to_vec();
    sent.sort_by_key(|s| s.at_ms);
    let closed_at = sent
        .iter()
        .find(|s| s.kind == ReportKind::Final)
        .map(|s| s.at_ms);
    let after_close = |deadline: i64| closed_at.is_some_and(|c| deadline > c);
    let meets = |s: &Sent, r: &ReportRule| s.kind.stage() == r.stage && s.channel.meets(r.channel);
    let mut dues = Vec::new();
    for r in rules.iter().filter(|r| r.applies(facts)) {
        let mut push = |deadline_ms: i64, status: DueStatus| {
            dues.push(Due {
                rule: r.name.clone(),
                basis: r.basis.clone(),
                stage: r.stage,
                channel: r.channel,
                deadline_ms,
                status,
            })
        };
        match r.deadline {
            Deadline::After { anchor, minutes } => {
                let from = match anchor {
                    Anchor::Call => Some(facts.called_at_ms),
                    Anchor::Occurred => Some(facts.occurred_at_ms.unwrap_or(facts.called_at_ms)),
                    Anchor::Stable => facts.stable_at_ms,
                };
                let Some(from) = from else { continue };
                let deadline = from + i64::from(minutes) * MINUTE_MS;
                let met = sent.iter().find(|s| meets(s, r)).map(|s| s.at_ms);
                if met.is_none() && r.stage != ReportStage::Verified && after_close(deadline) {
                    continue;
                }
                push(deadline, status(deadline, met, now));
            }
            Deadline::DailyBy { minute_of_day } => {
                // Beijing midnight of the day after the call.
                let call_day = BeijingTime::from_unix_ms(facts.called_at_ms);
                let mut day_start = BeijingTime {
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..call_day
                }
                .to_unix_ms()
                    + DAY_MS;
                for _ in 0..MAX_REPEATS {
                    let deadline = day_start + i64::from(minute_of_day) * MINUTE_MS;
                    // The day's report covers the day before: due if that day was unstable.
                    if facts.stable_at_ms.is_some_and(|s| day_start > s)
                        || after_close(deadline)
                        || day_start > now + DAY_MS
                    {
                        break;
                    }
                    let met = sent
                        .iter()
                        .find(|s| meets(s, r) && (day_start..day_start + DAY_MS).contains(&s.at_ms))
                        .map(|s| s.at_ms);
                    let st = status(deadline, met, now);
                    push(deadline, st);
                    if deadline > now {
                        break; // the next one ahead is shown; later days are not yet due
                    }
                    day_start += DAY_MS;
                }
            }
            Deadline::AfterPrevious { minutes } => {
                // Counted from the first report of any kind; the first report's own rule
                // covers the time before it.
                let Some(mut previous) = sent.first().map(|s| s.at_ms) else {
                    continue;
                };
                for _ in 0..MAX_REPEATS {
                    let deadline = previous + i64::from(minutes) * MINUTE_MS;
                    if facts.stable_at_ms.is_some_and(|s| deadline > s) || after_close(deadline) {
                        break;
                    }
                    let met = sent
                        .iter()
                        .find(|s| meets(s, r) && s.at_ms > previous)
                        .map(|s| s.at_ms);
                    push(deadline, status(deadline, met, now));
                    match met {
                        Some(at) => previous = at,
                        None => break,
                    }
                }
            }
        }
    }
    dues.sort_by_key(|d| d.deadline_ms);
    dues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::bj;

    fn sent(kind: ReportKind, channel: Channel, at_ms: i64) -> Sent {
        Sent {
            kind,
            channel,
            at_ms,
        }
    }

    fn accident(level: IncidentLevel) -> IncidentFacts {
        IncidentFacts {
            category: IncidentCategory::Accident,
            level,
            called_at_ms: bj(2026, 7, 12, 10, 0),
            occurred_at_ms: Some(bj(2026, 7, 12, 9, 45)),
            stable_at_ms: None,
        }
    }

    /// (rule name's start, Beijing deadline, status) of each due, for comparing by eye.
    fn summary(dues: &[Due]) -> Vec<(String, String, DueStatus)> {
        dues.iter()
            .map(|d| {
                (
                    d.rule.chars().take(6).collect(),
                    BeijingTime::from_unix_ms(d.deadline_ms).datetime(),
                    d.status,
                )
            })
            .collect()
    }

    #[test]
    fn a_major_accident_called_at_ten_is_on_time_at_ten_fifty_and_late_after_eleven() {
        use ReportKind::First;
        let facts = accident(IncidentLevel::Major);
        let rules = default_rules();
        let phone = sent(First, Channel::Phone, bj(2026, 7, 12, 10, 20));
        let now = bj(2026, 7, 12, 13, 0);
        // (case, the written 首报's time, status against the 1-hour rule, against 493's 2 hours)
        let cases = [
            // 10:50 is within 1 hour of the 10:00 call.
            (
                "at 10:50",
                bj(2026, 7, 12, 10, 50),
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 10, 50),
                },
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 10, 50),
                },
            ),
            // Exactly on the deadline is within it.
            (
                "at 11:00",
                bj(2026, 7, 12, 11, 0),
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 11, 0),
                },
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 11, 0),
                },
            ),
            // The deadline is 11:00: 11:05 is 5 minutes late, 11:15 fifteen; both are within
            // 493's 2 hours (12:00).
            (
                "at 11:05",
                bj(2026, 7, 12, 11, 5),
                DueStatus::Late {
                    at_ms: bj(2026, 7, 12, 11, 5),
                    minutes: 5,
                },
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 11, 5),
                },
            ),
            (
                "at 11:15",
                bj(2026, 7, 12, 11, 15),
                DueStatus::Late {
                    at_ms: bj(2026, 7, 12, 11, 15),
                    minutes: 15,
                },
                DueStatus::Sent {
                    at_ms: bj(2026, 7, 12, 11, 15),
                },
            ),
            (
                "at 12:30",
                bj(2026, 7, 12, 12, 30),
                DueStatus::Late {
                    at_ms: bj(2026, 7, 12, 12, 30),
                    minutes: 90,
                },
                DueStatus::Late {
                    at_ms: bj(2026, 7, 12, 12, 30),
                    minutes: 30,
                },
            ),
        ];
        for (name, at, hour, two_hours) in cases {
            let dues = clock(
                &facts,
                &[phone, sent(First, Channel::Writing, at)],
                &rules,
                now,
            );
            assert_eq!(
                summary(&dues),
                [
                    (
                        "较大及以上：".into(),
                        "2026-07-12 10:30:00".into(),
                        DueStatus::Sent { at_ms: phone.at_ms }
                    ),
                    ("较大及以上：".into(), "2026-07-12 11:00:00".into(), hour),
                    (
                        "生产安全事故".into(),
                        "2026-07-12 12:00:00".into(),
                        two_hours
                    ),
                ],
                "{name}"
            );
        }
        // A part minute late counts as a minute: 11:00:30 is 迟报 1 minute.
        let dues = clock(
            &facts,
            &[
                phone,
                sent(First, Channel::Writing, bj(2026, 7, 12, 11, 0) + 30_000),
            ],
            &rules,
            now,
        );
        assert_eq!(
            dues[1].status,
            DueStatus::Late {
                at_ms: bj(2026, 7, 12, 11, 0) + 30_000,
                minutes: 1
            }
        );
        assert_eq!(dues[1].status.zh(), "迟报1分钟");
    }

    #[test]
    fn before_anything_is_sent_the_clock_shows_pending_then_overdue() {
        let facts = accident(IncidentLevel::Serious);
        let rules = default_rules();
        let st = |now| {
            clock(&facts, &[], &rules, now)
                .iter()
                .map(|d| d.status)
                .collect::<Vec<_>>()
        };
        use DueStatus::*;
        assert_eq!(st(bj(2026, 7, 12, 10, 10)), [Pending, Pending, Pending]);
        assert_eq!(
            st(bj(2026, 7, 12, 10, 45)),
            [Overdue { minutes: 15 }, Pending, Pending]
        );
        assert_eq!(
            st(bj(2026, 7, 12, 12, 1)),
            [
                Overdue { minutes: 91 },
                Overdue { minutes: 61 },
                Overdue { minutes: 1 }
            ]
        );
        // A phone call does not meet the rule asking for writing; writing meets the phone rule.
        let phone_only = [sent(
            ReportKind::First,
            Channel::Phone,
            bj(2026, 7, 12, 10, 5),
        )];
        let dues = clock(&facts, &phone_only, &rules, bj(2026, 7, 12, 10, 10));
        assert_eq!(
            dues.iter().map(|d| d.status).collect::<Vec<_>>(),
            [
                Sent {
                    at_ms: bj(2026, 7, 12, 10, 5)
                },
                Pending,
                Pending
            ]
        );
        let writing = [sent(
            ReportKind::First,
            Channel::Writing,
            bj(2026, 7, 12, 10, 5),
        )];
        let dues = clock(&facts, &writing, &rules, bj(2026, 7, 12, 10, 10));
        assert!(dues.iter().all(|d| matches!(d.status, Sent { .. })));
    }

    #[test]
    fn rules_apply_by_category_and_minimum_level() {
        let rules = default_rules();
        let names = |facts: IncidentFacts| -> Vec<String> {
            rules
                .iter()
                .filter(|r| r.applies(&facts))
                .map(|r| r.name.clone())
                .collect()
        };
        // 一般 accidents get 493's 2 hours only; 较大 and graver the 30 min / 1 h as well.
        assert_eq!(
            names(accident(IncidentLevel::General)),
            ["生产安全事故：2小时内书面报告"]
        );
        for level in [
            IncidentLevel::Major,
            IncidentLevel::Serious,
            IncidentLevel::ExtremelySerious,
        ] {
            assert_eq!(names(accident(level)).len(), 3, "{level}");
        }
        let flood = IncidentFacts {
            category: IncidentCategory::Natural,
            ..accident(IncidentLevel::General)
        };
        assert_eq!(names(flood).len(), 3);
        let epidemic = IncidentFacts {
            category: IncidentCategory::PublicHealth,
            ..accident(IncidentLevel::General)
        };
        assert!(names(epidemic).is_empty());
    }

    fn flood() -> IncidentFacts {
        IncidentFacts {
            category: IncidentCategory::Natural,
            level: IncidentLevel::General,
            called_at_ms: bj(2026, 7, 12, 15, 0),
            occurred_at_ms: None,
            stable_at_ms: None,
        }
    }

    #[test]
    fn a_natural_disaster_gets_a_daily_continued_report_while_unstable_with_a_late_one_flagged() {
        use ReportKind::*;
        let rules = default_rules();
        let w = Channel::Writing;
        let reports = [
            sent(First, w, bj(2026, 7, 12, 16, 30)), // 初报, due 17:00
            sent(Continued { number: 1 }, w, bj(2026, 7, 13, 8, 40)), // due 07-13 09:00
            sent(Continued { number: 2 }, w, bj(2026, 7, 14, 10, 10)), // due 07-14 09:00: 70 min late
        ];
        let now = bj(2026, 7, 15, 12, 0);
        let dues = clock(&flood(), &reports, &rules, now);
        assert_eq!(
            summary(&dues),
            [
                (
                    "自然灾害：2".into(),
                    "2026-07-12 17:00:00".into(),
                    DueStatus::Sent {
                        at_ms: reports[0].at_ms
                    }
                ),
                (
                    "自然灾害：灾".into(),
                    "2026-07-13 09:00:00".into(),
                    DueStatus::Sent {
                        at_ms: reports[1].at_ms
                    }
                ),
                (
                    "自然灾害：灾".into(),
                    "2026-07-14 09:00:00".into(),
                    DueStatus::Late {
                        at_ms: reports[2].at_ms,
                        minutes: 70
                    }
                ),
                // Nothing sent on the 15th: 09:00 to 12:00 is 180 minutes overdue.
                (
                    "自然灾害：灾".into(),
                    "2026-07-15 09:00:00".into(),
                    DueStatus::Overdue { minutes: 180 }
                ),
                // The next one ahead is shown as pending.
                (
                    "自然灾害：灾".into(),
                    "2026-07-16 09:00:00".into(),
                    DueStatus::Pending
                ),
            ]
        );
        // Stable at 18:00 on the 15th: the 15th's report (covering the unstable 14th) is still
        // due, the 16th's is not; the 核报 is due 5 days after, 07-20 18:00.
        let stable = IncidentFacts {
            stable_at_ms: Some(bj(2026, 7, 15, 18, 0)),
            ..flood()
        };
        let dues = clock(&stable, &reports, &rules, bj(2026, 7, 16, 12, 0));
        let s = summary(&dues);
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(s[3].1, "2026-07-15 09:00:00");
        assert_eq!(
            s[4],
            (
                "自然灾害：灾".into(),
                "2026-07-20 18:00:00".into(),
                DueStatus::Pending
            )
        );
        assert_eq!(ReportStage::First.zh_for(IncidentCategory::Natural), "初报");
    }

    #[test]
    fn nothing_is_due_after_the_final_report() {
        use ReportKind::*;
        let w = Channel::Writing;
        // A natural disaster closed by a 终报 at 12:00 on the 14th: the 15th's 续报 is not due.
        let reports = [
            sent(First, w, bj(2026, 7, 12, 16, 0)),
            sent(Continued { number: 1 }, w, bj(2026, 7, 13, 8, 0)),
            sent(Continued { number: 2 }, w, bj(2026, 7, 14, 8, 0)),
            sent(Final, w, bj(2026, 7, 14, 12, 0)),
        ];
        let dues = clock(&flood(), &reports, &default_rules(), bj(2026, 7, 20, 12, 0));
        assert_eq!(dues.len(), 3, "{:?}", summary(&dues));
        assert!(dues
            .iter()
            .all(|d| matches!(d.status, DueStatus::Sent { .. })));

        // A district rule: during an accident, a 续报 within 2 hours of the previous report.
        let mut rules = default_rules();
        rules.push(ReportRule {
            name: "区定：处置中每2小时续报".into(),
            basis: "district setting".into(),
            category: Some(IncidentCategory::Accident),
            min_level: None,
            stage: ReportStage::Continued,
            channel: w,
            deadline: Deadline::AfterPrevious { minutes: 120 },
        });
        let facts = accident(IncidentLevel::General);
        let open = [
            sent(First, w, bj(2026, 7, 12, 10, 30)),
            sent(Continued { number: 1 }, w, bj(2026, 7, 12, 12, 0)), // due 12:30
            sent(Continued { number: 2 }, w, bj(2026, 7, 12, 14, 20)), // due 14:00: 20 min late
        ];
        let repeat = |reports: &[Sent], now| -> Vec<DueStatus> {
            clock(&facts, reports, &rules, now)
                .into_iter()
                .filter(|d| d.rule.starts_with("区定"))
                .map(|d| d.status)
                .collect()
        };
        assert_eq!(
            repeat(&open, bj(2026, 7, 12, 15, 0)),
            [
                DueStatus::Sent {
                    at_ms: open[1].at_ms
                },
                DueStatus::Late {
                    at_ms: open[2].at_ms,
                    minutes: 20
                },
                DueStatus::Pending, // due 16:20
            ]
        );
        let mut closed = open.to_vec();
        closed.push(sent(Final, w, bj(2026, 7, 12, 15, 0)));
        // After the 终报 at 15:00 the 16:20 续报 is no longer due, now or a day later.
        assert_eq!(repeat(&closed, bj(2026, 7, 13, 15, 0)).len(), 2);
    }

    #[test]
    fn the_rule_table_is_data_a_district_can_store_and_change() {
        let rules = default_rules();
        let json = serde_json::to_string(&rules).unwrap();
        assert!(
            json.contains(r#""deadline":{"due":"daily_by","minute_of_day":540}"#),
            "{json}"
        );
        let back: Vec<ReportRule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
    }

    fn first_report() -> Report {
        Report {
            id: EntityId::v7(1, [1; 10]),
            incident_id: EntityId::v7(2, [2; 10]),
            kind: ReportKind::First,
            channel: Channel::Writing,
            sent_at_ms: bj(2026, 7, 12, 10, 50),
            title: "钱塘镇“7·12”山体滑坡".into(),
            level: Some(IncidentLevel::General),
            elements: ReportElements {
                source: "钱塘镇应急办电话报告".into(),
                cause_and_nature: "持续强降雨引发山体滑坡".into(),
                extent: "大柱村3组，冲毁房屋2间".into(),
                trend: "降雨持续，仍有滑动可能".into(),
                leaders: "区应急局副局长已赶赴现场".into(),
                measures: "已疏散群众23人".into(),
                support_requested: "无".into(),
            },
            toll: DisasterToll {
                relocated: 23,
                ..Default::default()
            },
            signed_by: "李局".into(),
            contact: "王敏".into(),
            contact_phone: "023-42761234".into(),
            addressees: DEFAULT_ADDRESSEES.iter().map(|s| s.to_string()).collect(),
            changed_elements: vec![],
            changed_toll: vec![],
        }
    }

    #[test]
    fn what_a_report_lacks() {
        type Edit = fn(&mut Report);
        let cases: [(&str, Edit, &[Element]); 7] = [
            ("a full 首报", |_| {}, &[]),
            (
                "no trend, no support line",
                |r| {
                    r.elements.trend.clear();
                    r.elements.support_requested = " ".into()
                },
                &[Element::Trend, Element::SupportRequested],
            ),
            (
                "unsigned, no addressee",
                |r| {
                    r.signed_by.clear();
                    r.addressees.clear()
                },
                &[Element::SignedBy, Element::Addressees],
            ),
            (
                "a 终报 with no measures",
                |r| {
                    r.kind = ReportKind::Final;
                    r.elements.measures.clear()
                },
                &[Element::Measures],
            ),
            (
                "by phone, nothing signed",
                |r| {
                    r.channel = Channel::Phone;
                    r.signed_by.clear()
                },
                &[],
            ),
            // A 续报 carries what changed: its text elements are not asked, its signing block is.
            (
                "a 续报 with only the contact missing",
                |r| {
                    r.kind = ReportKind::Continued { number: 1 };
                    r.elements = ReportElements::default();
                    r.contact_phone.clear()
                },
                &[Element::ContactPhone],
            ),
            (
                "an empty 核报",
                |r| {
                    r.kind = ReportKind::Verified;
                    r.elements = ReportElements::default()
                },
                &[
                    Element::Source,
                    Element::CauseAndNature,
                    Element::Extent,
                    Element::Trend,
                    Element::Leaders,
                    Element::Measures,
                    Element::SupportRequested,
                ],
            ),
        ];
        for (name, edit, want) in cases {
            let mut r = first_report();
            edit(&mut r);
            assert_eq!(r.missing_elements(), want, "{name}");
        }
    }

    #[test]
    fn a_continued_report_shows_only_what_changed_since_the_previous() {
        let first = first_report();
        let mut next = first_report();
        next.kind = next_continued(&[first.sent()]);
        assert_eq!(next.kind, ReportKind::Continued { number: 1 });
        next.elements.trend = "降雨减弱，滑体趋于稳定".into();
        next.elements.measures = "已疏散群众23人 ".into(); // only a trailing space: unchanged
        next.toll.dead = 1;
        next.toll.collapsed_rooms = 2;
        next.mark_changes(&first);
        assert_eq!(next.changed_elements, [Element::Trend]);
        assert_eq!(next.shown_elements(), [Element::Trend]);
        assert_eq!(
            next.shown_toll(),
            [TollField::Dead, TollField::CollapsedRooms]
        );
        assert_eq!(next.kind.title(IncidentCategory::Natural), "第1次续报");
        // A 首报 shows every element, and dead, missing and injured even when zero.
        assert_eq!(first.shown_elements().len(), 7);
        assert_eq!(
            first.shown_toll(),
            [
                TollField::Dead,
                TollField::Missing,
                TollField::Injured,
                TollField::Relocated
            ]
        );
        assert_eq!(ReportKind::First.title(IncidentCategory::Natural), "初报");
        assert_eq!(ReportKind::First.title(IncidentCategory::Accident), "首报");
        // Numbers follow the highest sent.
        let s = |n| Sent {
            kind: ReportKind::Continued { number: n },
            channel: Channel::Writing,
            at_ms: 0,
        };
        assert_eq!(
            next_continued(&[first.sent(), s(1), s(2)]),
            ReportKind::Continued { number: 3 }
        );
        let json = serde_json::to_string(&next).unwrap();
        assert!(
            json.contains(r#""kind":{"stage":"continued","number":1}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Report>(&json).unwrap(), next);
    }
}
