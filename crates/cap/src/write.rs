//! Writing: a warning as CAP 1.2 XML, the elements in the schema's order, text escaped,
//! coordinates latitude first to at least four decimals, times in Beijing time.

use crate::alert::Reference;
use crate::alert::{Alert, Area, Info, Pair};
use crate::check::check;
use crate::identifier::UnitCode;
use crate::{Error, NAMESPACE};
use yitu_domain::monitoring::warning::Warning;
use yitu_domain::LonLat;

/// What a message needs beyond the warning: who sends it, its sequence among the unit's
/// messages of that second, and for an Update or Cancel the message it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The sender's unit code: the identifier's first part and the message's `sender`.
    pub unit: UnitCode,
    /// 0–9: the identifier's N.
    pub sequence: u8,
    /// The original message an Update or Cancel refers to ([`Reference::to`] it, or
    /// [`Reference::parse`] what was stored); empty for an Alert.
    pub references: Vec<Reference>,
}

/// The CAP 1.2 message of `warning`, checked ([`check`]) before it is written, so a drill is
/// never written `Actual`, an Update never lacks its reference. Refuses what
/// [`Alert::from_warning`] refuses and what `check` finds.
pub fn write(warning: &Warning, ctx: &Context) -> Result<String, Error> {
    let alert = Alert::from_warning(warning, ctx)?;
    check(&alert)?;
    Ok(alert.to_xml())
}

impl Alert {
    /// The message as XML, as it stands (unchecked: `write` checks).
    pub fn to_xml(&self) -> String {
        let mut x = Xml::default();
        x.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.out.push_str(&format!("<alert xmlns=\"{NAMESPACE}\">\n"));
        x.depth = 1;
        x.leaf("identifier", &self.identifier);
        x.leaf("sender", &self.sender);
        x.leaf("sent", &self.sent.to_cap());
        x.leaf("status", self.status.as_str());
        x.leaf("msgType", self.msg_type.as_str());
        x.leaf("scope", self.scope.as_str());
        if let Some(note) = &self.note {
            x.leaf("note", note);
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| r.to_string()).collect();
            x.leaf("references", &refs.join(" "));
        }
        for info in &self.info {
            x.info(info);
        }
        x.out.push_str("</alert>\n");
        x.out
    }
}

#[derive(Default)]
struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn leaf(&mut self, name: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out
            .push_str(&quick_xml::escape::escape(xml_chars(text).as_str()));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    fn pair(&mut self, name: &str, pair: &Pair) {
        self.open(name);
        self.leaf("valueName", &pair.value_name);
        self.leaf("value", &pair.value);
        self.close(name);
    }

    fn info(&mut self, info: &Info) {
        self.open("info");
        self.leaf("language", &info.language);
        for c in &info.categories {
            self.leaf("category", c.as_str());
        }
        self.leaf("event", &info.event);
        for r in &info.response_types {
            self.leaf("responseType", r.as_str());
        }
        self.leaf("urgency", info.urgency.as_str());
        self.leaf("severity", info.severity.as_str());
        self.leaf("certainty", info.certainty.as_str());
        let times = [
            ("effective", info.effective),
            ("onset", info.onset),
            ("expires", info.expires),
        ];
        for (name, time) in times {
            if let Some(t) = time {
                self.leaf(name, &t.to_cap());
            }
        }
        let texts = [
            ("senderName", &info.sender_name),
            ("headline", &info.headline),
            ("description", &info.description),
            ("instruction", &info.instruction),
        ];
        for (name, text) in texts {
            if let Some(t) = text {
                self.leaf(name, t);
            }
        }
        for p in &info.parameters {
            self.pair("parameter", p);
        }
        for a in &info.areas {
            self.area(a);
        }
        self.close("info");
    }

    fn area(&mut self, area: &Area) {
        self.open("area");
        self.leaf("areaDesc", &area.desc);
        for ring in &area.polygons {
            let pairs: Vec<String> = ring.iter().map(|p| lat_lon(*p)).collect();
            self.leaf("polygon", &pairs.join(" "));
        }
        for c in &area.circles {
            self.leaf(
                "circle",
                &format!("{} {}", lat_lon(c.centre), number(c.radius_km, 0)),
            );
        }
        for g in &area.geocodes {
            self.pair("geocode", g);
        }
        self.close("area");
    }
}

/// A point as CAP writes it: `latitude,longitude`.
fn lat_lon(p: LonLat) -> String {
    format!("{},{}", number(p.lat, 4), number(p.lon, 4))
}

/// A number in the fewest digits that read back as the same `f64` (Rust's `Display`), padded to
/// at least `decimals` decimals: four decimals is about 10 m, what receivers expect, and the
/// shortest form loses nothing, so a warning read back is the warning written.
fn number(x: f64, decimals: usize) -> String {
    let mut s = format!("{x}");
    let have = s.find('.').map_or(0, |dot| s.len() - dot - 1);
    if have < decimals {
        if have == 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n('0', decimals - have));
    }
    s
}

/// The text without characters XML 1.0 cannot carry at all (control characters other than
/// tab and line breaks, U+FFFE, U+FFFF): pasted into a headline, they would make the whole
/// message unreadable.
fn xml_chars(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_every_digit_and_at_least_four_decimals() {
        assert_eq!(number(106.27, 4), "106.2700");
        assert_eq!(number(30.0, 4), "30.0000");
        assert_eq!(number(29.123456789, 4), "29.123456789");
        assert_eq!(number(-0.5, 4), "-0.5000");
        assert_eq!(number(2.5, 0), "2.5");
        assert_eq!(number(3.0, 0), "3");
        for x in [106.123_456_789_012_3, 29.1, 1e-7] {
            assert_eq!(number(x, 4).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn control_characters_are_dropped_and_markup_escaped() {
        assert_eq!(xml_chars("暴雨\u{7}预警\n"), "暴雨预警\n");
        let mut x = Xml::default();
        x.leaf("headline", "<b> & \"引号\"");
        assert_eq!(
            x.out,
            "<headline>&lt;b&gt; &amp; &quot;引号&quot;</headline>\n"
        );
    }
}
