//! yitu's printed documents. The decision order sheet (现场指挥决策指令单): number, dates, issuer,
//! recipients, orders, material draws, people to move, safety measures, basis, the review and
//! approval signatures with the chain hash, acknowledgements, and a map extract drawn as vector
//! lines (district outline, incident point and area, the decision's drawings). Takes the font's
//! bytes, gives the PDF's bytes: no IO here, so the desktop and the command line share it.

mod chart;
mod pdf;
mod subset;

pub use chart::StationChart;

use pdf::{Font, Fonts, Page, PAGE_H, PAGE_W};
use serde_json::Value;
use yitu_domain::beijing_time::BeijingTime;
use yitu_domain::command::decision::{Content, Decision, ExceptionKind};
use yitu_domain::command::incident::Incident;
use yitu_domain::command::incident::LogEntry;

/// Where Debian's `fonts-droid-fallback` puts its plain TrueType CJK font.
pub const DEFAULT_FONT: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
/// Where Debian's `fonts-dejavu-core` puts DejaVu Sans: digits and Latin letters, which the CJK
/// fallback font does not have.
pub const DEFAULT_LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// The print crate's one error type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the font cannot be used: {0}")]
    Font(String),
}

/// What goes on an order sheet.
pub struct OrderSheet<'a> {
    pub decision: &'a Decision,
    pub incident: &'a Incident,
    /// (recipient, when) for each acknowledgement recorded.
    pub acknowledgements: &'a [(String, i64)],
    /// The hash of the decision's issue event, when issued.
    pub issue_hash: Option<String>,
    /// The signing device's public key.
    pub device: Option<String>,
    pub printed_at_ms: i64,
}

const MARGIN: f64 = 50.0;
const BODY: f64 = 10.5;
const LEAD: f64 = 15.5;
const MAP_H: f64 = 200.0;

/// Lays out text top to bottom, starting new pages as needed.
struct Flow<'f> {
    font: Fonts<'f>,
    pages: Vec<Page>,
    y: f64,
}

impl<'f> Flow<'f> {
    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = PAGE_H - MARGIN;
    }

    fn room(&mut self, needed: f64) {
        if self.y - needed < MARGIN {
            self.new_page();
        }
    }

    /// Text wrapped at the right margin (CJK may break anywhere; that is how such sheets read).
    fn para(&mut self, indent: f64, size: f64, text: &str) {
        let width = PAGE_W - 2.0 * MARGIN - indent;
        let clean: String = text
            .chars()
            .map(|c| {
                if self.font.has(c) || c == ' ' {
                    c
                } else {
                    '□'
                }
            })
            .collect();
        let mut line = String::new();
        let mut w = 0.0;
        for c in clean.chars() {
            let a = self.font.advance(c, size);
            if w + a > width && !line.is_empty() {
                self.line(indent, size, &std::mem::take(&mut line));
                w = 0.0;
            }
            line.push(c);
            w += a;
        }
        if !line.is_empty() {
            self.line(indent, size, &line);
        }
    }

    fn line(&mut self, indent: f64, size: f64, text: &str) {
        let lead = LEAD * size / BODY;
        self.room(lead);
        self.y -= lead;
        let y = self.y;
        let Flow { font, pages, .. } = self;
        pages.last_mut().expect("a flow always has a page").text(
            font,
            MARGIN + indent,
            y,
            size,
            text,
        );
    }

    fn heading(&mut self, text: &str) {
        self.room(3.0 * LEAD);
        self.y -= 4.0;
        self.line(0.0, 12.0, text);
    }

    fn centred(&mut self, size: f64, text: &str) {
        let w = self.font.width(text, size);
        self.room(size * 1.6);
        self.y -= size * 1.6;
        let y = self.y;
        let Flow { font, pages, .. } = self;
        pages.last_mut().expect("a flow always has a page").text(
            font,
            (PAGE_W - w) / 2.0,
            y,
            size,
            text,
        );
    }
}

fn when(ms: i64) -> String {
    BeijingTime::from_unix_ms(ms).zh()
}

/// The order sheet as a PDF, drawn with the Latin font's bytes for ASCII and the CJK font's for
/// the rest.
pub fn order_sheet(
    sheet: &OrderSheet<'_>,
    latin_font: &[u8],
    cjk_font: &[u8],
) -> Result<Vec<u8>, Error> {
    let d = sheet.decision;
    let c = &d.content;
    let mut f = Flow {
        font: Fonts {
            list: vec![Font::parse(latin_font)?, Font::parse(cjk_font)?],
        },
        pages: vec![],
        y: 0.0,
    };
    f.new_page();
    f.centred(20.0, "现场指挥决策指令单");
    f.centred(
        11.0,
        &format!("{}　　{}　　状态：{}", d.number, c.class.zh(), d.state.zh()),
    );
    f.y -= 6.0;
    let issued = d
        .issued
        .as_ref()
        .map(|s| format!("{}（{}）", when(s.at_ms), s.by))
        .unwrap_or_else(|| "未下达".into());
    let i = sheet.incident;
    f.para(
        0.0,
        BODY,
        &format!(
            "事件：{}（{}·{}，{}级）",
            i.title,
            i.kind.category().zh(),
            i.kind.zh(),
            i.level.zh()
        ),
    );
    f.para(
        0.0,
        BODY,
        &format!(
            "事发时间：{}　位置：{:.5}, {:.5}",
            when(i.at_ms),
            i.point.lon,
            i.point.lat
        ),
    );
    f.para(0.0, BODY, &format!("下达时间及签发人：{issued}"));
    f.para(
        0.0,
        BODY,
        &format!("接收单位：{}", d.recipients().join("、")),
    );

    f.heading("一、情况");
    f.para(14.0, BODY, &c.situation);
    if !c.objectives.is_empty() {
        f.heading("二、处置目标");
        for (n, o) in c.objectives.iter().enumerate() {
            f.para(14.0, BODY, &format!("{}. {o}", n + 1));
        }
    }
    f.heading("三、指令");
    for (n, o) in c.orders.iter().enumerate() {
        let mut s = format!("{}. {}：{}", n + 1, o.recipient.name, o.action);
        if !o.place.is_empty() {
            s.push_str(&format!("；地点：{}", o.place));
        }
        if !o.deadline.is_empty() {
            s.push_str(&format!("；时限：{}", o.deadline));
        }
        f.para(14.0, BODY, &s);
    }
    if !c.materials.is_empty() {
        f.heading("四、物资调用");
        for (n, m) in c.materials.iter().enumerate() {
            f.para(
                14.0,
                BODY,
                &format!(
                    "{}. {}：{}（{}）{} {}",
                    n + 1,
                    m.depot_name,
                    m.name,
                    m.code,
                    m.quantity,
                    m.unit
                ),
            );
        }
    }
    if !c.relocations.is_empty() {
        f.heading("五、群众转移安置");
        for (n, r) in c.relocations.iter().enumerate() {
            let from = if r.from.is_empty() {
                String::new()
            } else {
                format!("自{}", r.from)
            };
            f.para(
                14.0,
                BODY,
                &format!("{}. {from}转移 {} 人至{}", n + 1, r.people, r.shelter_name),
            );
        }
    }
    if !c.safety.is_empty() {
        f.heading("六、安全措施");
        for (n, s) in c.safety.iter().enumerate() {
            f.para(14.0, BODY, &format!("{}. {s}", n + 1));
        }
    }
    f.heading("七、依据");
    for clause in &c.basis.plan_clauses {
        f.para(14.0, BODY, clause);
    }
    if !c.basis.expert_advice.is_empty() {
        f.para(14.0, BODY, &format!("专家意见：{}", c.basis.expert_advice));
    }
    f.heading("八、审批与签收");
    f.para(
        14.0,
        BODY,
        &format!("起草：{}　{}", d.drafted.by, when(d.drafted.at_ms)),
    );
    for r in &d.reviews {
        let verdict = if r.agree { "同意" } else { "异议" };
        f.para(
            14.0,
            BODY,
            &format!(
                "技术审核：{}　{}　{verdict}：{}",
                r.by,
                when(r.at_ms),
                r.advice
            ),
        );
    }
    if let Some(e) = &d.exception {
        // On the sheet as signed: an urgent order says its review came after; an overruled
        // objection stays above with the reason it was overruled.
        let after = match e.kind {
            ExceptionKind::Urgent if d.reviews.is_empty() => "（审核待补）",
            ExceptionKind::Urgent => "（审核在后）",
            ExceptionKind::Overrule => "",
        };
        f.para(
            14.0,
            BODY,
            &format!(
                "{}{after}：{}　{}　理由：{}",
                e.kind.zh(),
                e.by,
                when(e.at_ms),
                e.reason
            ),
        );
    }
    match (&d.approved, &d.issued) {
        (Some(a), Some(i)) if a == i => {
            f.para(14.0, BODY, &format!("签发：{}　{}", a.by, when(a.at_ms)))
        }
        (Some(a), _) => f.para(14.0, BODY, &format!("批准：{}　{}", a.by, when(a.at_ms))),
        _ => {}
    }
    for name in d.recipients() {
        let ack = sheet
            .acknowledgements
            .iter()
            .find(|(r, _)| *r == name)
            .map(|(_, at)| format!("已签收 {}", when(*at)))
            .unwrap_or_else(|| "未签收".into());
        f.para(14.0, BODY, &format!("{name}：{ack}"));
    }
    if let Some(h) = &sheet.issue_hash {
        f.para(14.0, 8.0, &format!("签名链哈希 SHA-256：{h}"));
    }
    if let Some(k) = &sheet.device {
        f.para(14.0, 8.0, &format!("签发设备公钥 Ed25519：{k}"));
    }
    f.para(
        14.0,
        8.0,
        &format!("打印时间：{}　核验：yitu verify", when(sheet.printed_at_ms)),
    );

    f.room(MAP_H + 2.0 * LEAD);
    f.heading("附：态势示意图");
    let top = f.y - 6.0;
    f.y = top - MAP_H;
    let Flow { font, pages, .. } = &mut f;
    let page = pages.last_mut().expect("a flow always has a page");
    draw_map(
        page,
        font,
        sheet.incident,
        &[&d.content],
        MARGIN,
        top - MAP_H,
        PAGE_W - 2.0 * MARGIN,
        MAP_H,
    );

    Ok(pdf::write(&f.font, &f.pages, &d.number))
}

/// What goes on an incident briefing (ICS-201 style: situation, map, objectives, resources
/// assigned, actions so far).
pub struct Briefing<'a> {
    pub incident: &'a Incident,
    pub log: &'a [LogEntry],
    /// The incident's decisions, oldest first, each with the recipients who acknowledged it.
    pub decisions: &'a [(Decision, Vec<String>)],
    /// The monitoring stations near the incident, their last hours drawn (雨水情).
    pub stations: &'a [StationChart],
    pub printed_at_ms: i64,
    pub printed_by: &'a str,
}

/// The incident briefing (事件态势简报) as a PDF.
pub fn incident_briefing(
    b: &Briefing<'_>,
    latin_font: &[u8],
    cjk_font: &[u8],
) -> Result<Vec<u8>, Error> {
    let i = b.incident;
    let mut f = Flow {
        font: Fonts {
            list: vec![Font::parse(latin_font)?, Font::parse(cjk_font)?],
        },
        pages: vec![],
        y: 0.0,
    };
    f.new_page();
    f.centred(20.0, "事件态势简报");
    f.centred(10.0, "（参照 ICS-201 事件简报格式）");
    f.heading("一、事件概况");
    f.para(14.0, BODY, &format!("事件：{}", i.title));
    f.para(
        14.0,
        BODY,
        &format!(
            "类别：{}·{}　级别：{}　状态：{}",
            i.kind.category().zh(),
            i.kind.zh(),
            i.level.zh(),
            i.status.zh()
        ),
    );
    f.para(
        14.0,
        BODY,
        &format!(
            "事发时间：{}　位置：{:.5}, {:.5}",
            when(i.at_ms),
            i.point.lon,
            i.point.lat
        ),
    );
    let t = i.toll;
    f.para(
        14.0,
        BODY,
        &format!(
            "死亡 {} 人，受伤 {} 人，失踪 {} 人，受影响 {} 人",
            t.dead, t.injured, t.missing, t.affected
        ),
    );
    f.room(MAP_H + 2.0 * LEAD);
    f.heading("二、态势示意图");
    let top = f.y - 6.0;
    f.y = top - MAP_H;
    let in_force: Vec<&Content> = b
        .decisions
        .iter()
        .filter(|(d, _)| d.state == yitu_domain::command::workflow::DecisionState::Issued)
        .map(|(d, _)| &d.content)
        .collect();
    {
        let Flow { font, pages, .. } = &mut f;
        let page = pages.last_mut().expect("a flow always has a page");
        draw_map(
            page,
            font,
            i,
            &in_force,
            MARGIN,
            top - MAP_H,
            PAGE_W - 2.0 * MARGIN,
            MAP_H,
        );
    }
    f.heading("三、当前处置目标（已下达决策）");
    if in_force.is_empty() {
        f.para(14.0, BODY, "尚无已下达的决策");
    }
    for c in &in_force {
        for o in &c.objectives {
            f.para(14.0, BODY, &format!("· {o}"));
        }
    }
    f.heading("四、力量部署与签收");
    for (d, acked) in b.decisions.iter().filter(|(d, _)| d.state.is_signed()) {
        f.para(14.0, BODY, &format!("{}（{}）", d.number, d.state.zh()));
        for o in &d.content.orders {
            let ack = if acked.contains(&o.recipient.name) {
                "已签收"
            } else {
                "未签收"
            };
            f.para(
                28.0,
                BODY,
                &format!("{}：{}（{ack}）", o.recipient.name, o.action),
            );
        }
        for m in &d.content.materials {
            f.para(
                28.0,
                BODY,
                &format!(
                    "物资：{} {}（{}）{} {}",
                    m.depot_name, m.name, m.code, m.quantity, m.unit
                ),
            );
        }
    }
    f.heading("五、续报记录");
    for e in b.log {
        f.para(
            14.0,
            BODY,
            &format!("{} {}：{}", when(e.at_ms), e.author, e.text),
        );
    }
    f.heading("六、决策一览");
    for (d, _) in b.decisions {
        f.para(
            14.0,
            BODY,
            &format!("{}　{}　起草：{}", d.number, d.state.zh(), d.drafted.by),
        );
    }
    if !b.stations.is_empty() {
        f.heading("七、雨水情监测（事发点 10 公里内）");
        for c in b.stations {
            f.room(chart::HEIGHT + LEAD);
            let top = f.y;
            {
                let Flow { font, pages, .. } = &mut f;
                let page = pages.last_mut().expect("a flow always has a page");
                chart::draw(page, font, c, MARGIN, top, PAGE_W - 2.0 * MARGIN);
            }
            f.y = top - chart::HEIGHT - 6.0;
        }
    }
    f.para(
        0.0,
        8.0,
        &format!("打印：{}　{}", b.printed_by, when(b.printed_at_ms)),
    );
    Ok(pdf::write(&f.font, &f.pages, &i.title))
}

/// Every position list (line, ring) and lone position in a GeoJSON geometry or collection.
fn collect(v: &Value, lines: &mut Vec<Vec<(f64, f64)>>, points: &mut Vec<(f64, f64)>) {
    let pos = |v: &Value| -> Option<(f64, f64)> {
        let a = v.as_array()?;
        Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "coordinates" || k == "geometry" || k == "features" || k == "geometries" {
                    collect(v, lines, points);
                }
            }
        }
        Value::Array(items) => {
            if let Some(p) = pos(v) {
                points.push(p);
            } else if items.iter().all(|i| pos(i).is_some()) && !items.is_empty() {
                lines.push(items.iter().filter_map(pos).collect());
            } else {
                for i in items {
                    collect(i, lines, points);
                }
            }
        }
        _ => {}
    }
}

/// Something of the scene: label, position lists (a lone position is a one-point list), closed,
/// colour.
type Drawn = (String, Vec<Vec<(f64, f64)>>, bool, (f64, f64, f64));

/// A box on the page and the lon/lat window it shows, north up, metres equal both ways.
struct Panel {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    lon0: f64,
    lat0: f64,
    k: f64,
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Panel {
    fn fit(x: f64, y: f64, w: f64, h: f64, (lon0, lat0, lon1, lat1): (f64, f64, f64, f64)) -> Self {
        let k = ((lat0 + lat1) / 2.0).to_radians().cos();
        let dx = ((lon1 - lon0) * k).max(1e-9);
        let dy = (lat1 - lat0).max(1e-9);
        let scale = ((w - 16.0) / dx).min((h - 16.0) / dy);
        Self {
            x,
            y,
            w,
            h,
            lon0,
            lat0,
            k,
            scale,
            ox: x + (w - dx * scale) / 2.0,
            oy: y + (h - dy * scale) / 2.0,
        }
    }

    fn to(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            self.ox + (lon - self.lon0) * self.k * self.scale,
            self.oy + (lat - self.lat0) * self.scale,
        )
    }

    fn path(&self, page: &mut Page, line: &[(f64, f64)], close: bool) {
        page.polyline(&line.iter().map(|&p| self.to(p)).collect::<Vec<_>>(), close);
    }
}

fn bounds<'p>(points: impl IntoIterator<Item = &'p (f64, f64)>) -> (f64, f64, f64, f64) {
    points.into_iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), &(lon, lat)| (a.min(lon), b.min(lat), c.max(lon), d.max(lat)),
    )
}

/// Two panels: the district with the incident marked, and the scene (incident point, affected
/// area, the decision's drawings and order geometries) at least 4 km across.
#[allow(clippy::too_many_arguments)]
fn draw_map(
    page: &mut Page,
    fonts: &mut Fonts<'_>,
    incident: &Incident,
    contents: &[&Content],
    x: f64,
    y: f64,
    w: f64,
    h: f64,
) {
    let outline: Value =
        serde_json::from_str(yitu_domain::space::district::OUTLINE_DETAILED_GEOJSON)
            .unwrap_or(Value::Null);
    let mut district = Vec::new();
    collect(&outline, &mut district, &mut Vec::new());
    let p = incident.point;
    let here = (p.lon, p.lat);
    let mut scene: Vec<Drawn> = Vec::new();
    if let Some(area) = &incident.area {
        let mut rings = Vec::new();
        collect(
            &serde_json::to_value(area).unwrap_or(Value::Null),
            &mut rings,
            &mut Vec::new(),
        );
        scene.push(("影响范围".into(), rings, true, (0.9, 0.5, 0.0)));
    }
    let drawn = contents.iter().flat_map(|c| {
        c.drawings
            .iter()
            .map(|d| (format!("{} {}", d.kind.zh(), d.label), &d.geometry))
            .chain(
                c.orders
                    .iter()
                    .filter_map(|o| o.geometry.as_ref().map(|g| (o.recipient.name.clone(), g))),
            )
    });
    for (label, g) in drawn {
        let (mut lines, mut points) = (Vec::new(), Vec::new());
        collect(
            &serde_json::to_value(g).unwrap_or(Value::Null),
            &mut lines,
            &mut points,
        );
        lines.extend(points.into_iter().map(|pt| vec![pt]));
        let closed = matches!(
            &g.value,
            geojson::GeometryValue::Polygon { .. } | geojson::GeometryValue::MultiPolygon { .. }
        );
        scene.push((label.trim().to_owned(), lines, closed, (0.1, 0.3, 0.8)));
    }

    let half = (w - 10.0) / 2.0;
    let overview = Panel::fit(x, y, half, h, {
        let (a, b, c2, d) = bounds(district.iter().flatten().chain([&here]));
        (a, b, c2, d)
    });
    // The scene window: everything drawn, padded, at least ~4 km (0.04°) across.
    let (mut a, mut b, mut c2, mut d) = bounds(
        scene
            .iter()
            .flat_map(|(_, lines, ..)| lines.iter().flatten())
            .chain([&here]),
    );
    let (cx, cy) = ((a + c2) / 2.0, (b + d) / 2.0);
    let span = ((c2 - a).max(d - b) * 1.3).max(0.04) / 2.0;
    (a, b, c2, d) = (cx - span, cy - span, cx + span, cy + span);
    let detail = Panel::fit(x + half + 10.0, y, half, h, (a, b, c2, d));

    for (panel, title) in [(&overview, "合川区全图"), (&detail, "现场局部")] {
        page.stroke_color(0.6, 0.6, 0.6);
        page.line_width(0.5);
        page.rect(panel.x, panel.y, panel.w, panel.h, false);
        page.save_clip(panel.x, panel.y, panel.w, panel.h);
        page.stroke_color(0.25, 0.25, 0.25);
        page.line_width(0.8);
        for ring in &district {
            panel.path(page, ring, true);
        }
        for (label, lines, closed, (r, g, bl)) in &scene {
            page.stroke_color(*r, *g, *bl);
            page.line_width(1.2);
            for l in lines {
                if l.len() == 1 {
                    let (px, py) = panel.to(l[0]);
                    page.rect(px - 2.0, py - 2.0, 4.0, 4.0, false);
                } else {
                    panel.path(page, l, *closed);
                }
            }
            if std::ptr::eq(panel, &detail) {
                if let Some(&first) = lines.first().and_then(|l| l.first()) {
                    let (px, py) = panel.to(first);
                    page.fill_color(*r, *g, *bl);
                    page.text(fonts, px + 3.0, py + 3.0, 7.0, label);
                }
            }
        }
        let (px, py) = panel.to(here);
        page.fill_color(0.85, 0.0, 0.0);
        page.rect(px - 3.0, py - 3.0, 6.0, 6.0, true);
        if std::ptr::eq(panel, &detail) {
            page.text(fonts, px + 5.0, py - 3.0, 8.0, "事发地点");
        }
        page.restore();
        page.fill_color(0.0, 0.0, 0.0);
        page.text(fonts, panel.x + 4.0, panel.y + panel.h - 11.0, 8.0, title);
    }
    let km = (c2 - a) * detail.k * 111.32;
    page.text(fonts, x + 4.0, y + 4.0, 7.0, "区界：示意，WGS-84");
    page.text(
        fonts,
        detail.x + 4.0,
        detail.y + 4.0,
        7.0,
        &format!("局部宽约 {km:.1} 公里，北向上"),
    );
}
