//! Reading: a CAP 1.2 document into an [`Alert`]. The XML is parsed into a small tree first
//! (quick-xml, namespaces resolved), then each element the schema requires is looked for and
//! its words and times read; a document that is not well formed, not an alert of CAP 1.2's
//! namespace, or lacks what CAP requires is refused saying which. The rules beyond the schema
//! are [`crate::check`]'s.

use crate::alert::{
    Alert, Area, Category, Certainty, Circle, Info, MsgType, Pair, Reference, ResponseType, Scope,
    Severity, Status, Urgency,
};
use crate::time::Time;
use crate::{Error, NAMESPACE};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use yitu_domain::LonLat;

/// Reads a CAP 1.2 message.
pub fn read(xml: &str) -> Result<Alert, Error> {
    let root = tree(xml)?;
    if root.name != "alert" {
        return Err(Error::NotCap(format!(
            "根元素是 <{}>，不是 <alert> (the root element is not alert)",
            root.name
        )));
    }
    match root.ns.as_deref() {
        Some(NAMESPACE) => {}
        Some(other) if other.starts_with("urn:oasis:names:tc:emergency:cap:") => {
            return Err(Error::NotCap(format!(
                "命名空间 {other} 不是 CAP 1.2 的，只读 CAP 1.2 (namespace of another CAP version; only 1.2 is read)"
            )))
        }
        other => {
            return Err(Error::NotCap(format!(
                "命名空间为 {}，应为 {NAMESPACE} (wrong namespace)",
                other.unwrap_or("（无）")
            )))
        }
    }
    alert(&root)
}

/// An element of the document: its local name, namespace, text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    ns: Option<String>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    /// The children of that name in the CAP namespace (a signature's elements are another's).
    fn all<'a>(&'a self, name: &'static str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name == name && c.ns.as_deref() == Some(NAMESPACE))
    }

    fn first(&self, name: &'static str) -> Option<&Node> {
        self.all(name).next()
    }

    /// The trimmed text of an optional child.
    fn text_of(&self, name: &'static str) -> Option<String> {
        self.first(name).map(|c| c.text.trim().to_owned())
    }

    /// The trimmed text of a required child.
    fn required(&self, name: &'static str, parent: &'static str) -> Result<String, Error> {
        self.text_of(name).ok_or(Error::Missing {
            element: name,
            parent,
        })
    }
}

fn xml_error(reader: &NsReader<&[u8]>, e: impl std::fmt::Display) -> Error {
    Error::Xml {
        at: reader.buffer_position(),
        message: e.to_string(),
    }
}

/// The document as a tree of elements.
fn tree(xml: &str) -> Result<Node, Error> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(n), event)) => (Some(n.0.to_owned()), event),
            Ok((ResolveResult::Unbound, event)) => (None, event),
            Ok((ResolveResult::Unknown(p), _)) => {
                return Err(xml_error(
                    &reader,
                    format!("未声明的命名空间前缀 {p} (undeclared namespace prefix)"),
                ))
            }
            Err(e) => return Err(xml_error(&reader, e)),
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(xml_error(
                    &reader,
                    "根元素之后还有元素 (content after the root element)",
                ));
            }
            Event::Start(e) => stack.push(Node {
                name: e.local_name().as_ref().to_owned(),
                ns,
                ..Node::default()
            }),
            Event::Empty(e) => {
                let node = Node {
                    name: e.local_name().as_ref().to_owned(),
                    ns,
                    ..Node::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .expect("quick-xml checks that ends match starts");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => {
                        return Err(xml_error(
                            &reader,
                            "元素之外有文字 (text outside the root element)",
                        ))
                    }
                }
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&name)
                        .ok_or_else(|| {
                            xml_error(&reader, format!("未定义的实体 &{name}; (undefined entity)"))
                        })?
                        .to_owned(),
                    Err(e) => return Err(xml_error(&reader, e)),
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            // A DTD could define entities that expand without end; CAP has none to define.
            Event::DocType(_) => {
                return Err(Error::NotCap(
                    "含 DOCTYPE 声明，CAP 消息不用 DTD (a DOCTYPE: CAP messages have none)"
                        .to_owned(),
                ))
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(xml_error(
            &reader,
            "文档在元素结束前中断 (the document ends inside an element)",
        ));
    }
    root.ok_or_else(|| Error::NotCap("文档为空 (the document is empty)".to_owned()))
}

fn time(node: &Node, name: &'static str) -> Result<Option<Time>, Error> {
    node.text_of(name).map(|t| Time::parse(&t)).transpose()
}

fn alert(root: &Node) -> Result<Alert, Error> {
    const A: &str = "alert";
    let sent = Time::parse(&root.required("sent", A)?)?;
    let references = match root.text_of("references") {
        Some(text) => text
            .split_whitespace()
            .map(Reference::parse)
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(Alert {
        identifier: root.required("identifier", A)?,
        sender: root.required("sender", A)?,
        sent,
        status: Status::parse(&root.required("status", A)?, "status")?,
        msg_type: MsgType::parse(&root.required("msgType", A)?, "msgType")?,
        scope: Scope::parse(&root.required("scope", A)?, "scope")?,
        note: root.text_of("note"),
        references,
        info: root.all("info").map(info).collect::<Result<_, _>>()?,
    })
}

fn info(node: &Node) -> Result<Info, Error> {
    const I: &str = "info";
    let categories = node
        .all("category")
        .map(|c| Category::parse(c.text.trim(), "category"))
        .collect::<Result<Vec<_>, _>>()?;
    if categories.is_empty() {
        return Err(Error::Missing {
            element: "category",
            parent: I,
        });
    }
    Ok(Info {
        // CAP's default language.
        language: node
            .text_of("language")
            .unwrap_or_else(|| "en-US".to_owned()),
        categories,
        event: node.required("event", I)?,
        response_types: node
            .all("responseType")
            .map(|c| ResponseType::parse(c.text.trim(), "responseType"))
            .collect::<Result<_, _>>()?,
        urgency: Urgency::parse(&node.required("urgency", I)?, "urgency")?,
        severity: Severity::parse(&node.required("severity", I)?, "severity")?,
        certainty: Certainty::parse(&node.required("certainty", I)?, "certainty")?,
        effective: time(node, "effective")?,
        onset: time(node, "onset")?,
        expires: time(node, "expires")?,
        sender_name: node.text_of("senderName"),
        headline: node.text_of("headline"),
        description: node.text_of("description"),
        instruction: node.text_of("instruction"),
        parameters: node
            .all("parameter")
            .map(|p| pair(p, "parameter"))
            .collect::<Result<_, _>>()?,
        areas: node.all("area").map(area).collect::<Result<_, _>>()?,
    })
}

fn pair(node: &Node, parent: &'static str) -> Result<Pair, Error> {
    Ok(Pair {
        value_name: node.required("valueName", parent)?,
        value: node.required("value", parent)?,
    })
}

fn area(node: &Node) -> Result<Area, Error> {
    Ok(Area {
        desc: node.required("areaDesc", "area")?,
        polygons: node
            .all("polygon")
            .map(|p| polygon(p.text.trim()))
            .collect::<Result<_, _>>()?,
        circles: node
            .all("circle")
            .map(|c| circle(c.text.trim()))
            .collect::<Result<_, _>>()?,
        geocodes: node
            .all("geocode")
            .map(|g| pair(g, "geocode"))
            .collect::<Result<_, _>>()?,
    })
}

/// `latitude,longitude` (WGS-84, as CAP says).
fn point(text: &str, element: &'static str, whole: &str) -> Result<LonLat, Error> {
    let bad = || Error::Coordinates {
        element,
        value: whole.to_owned(),
    };
    let (lat, lon) = text.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    LonLat::new(lon, lat).map_err(|_| bad())
}

fn polygon(text: &str) -> Result<Vec<LonLat>, Error> {
    text.split_whitespace()
        .map(|pair| point(pair, "polygon", text))
        .collect()
}

fn circle(text: &str) -> Result<Circle, Error> {
    let bad = || Error::Coordinates {
        element: "circle",
        value: text.to_owned(),
    };
    let mut parts = text.split_whitespace();
    let (centre, radius) = (parts.next().ok_or_else(bad)?, parts.next().ok_or_else(bad)?);
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(Circle {
        centre: point(centre, "circle", text)?,
        radius_km: radius.parse().map_err(|_| bad())?,
    })
}
