//! A CAP 1.2 message as values: the alert, its info blocks and areas, and the closed lists of
//! words CAP allows (status, message type, scope, category, urgency, severity, certainty,
//! response). What `read` gives and `write` writes; no XML here.

use crate::time::Time;
use crate::Error;
use yitu_domain::LonLat;

/// Declares one of CAP's closed lists: each variant with the word CAP writes for it.
macro_rules! cap_words {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word as CAP writes it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Reads the word; `element` names where it stood, for the error.
            pub fn parse(word: &str, element: &'static str) -> Result<Self, Error> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == word)
                    .ok_or_else(|| Error::Value {
                        element,
                        value: word.to_owned(),
                        expected: Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}

cap_words! {
    /// `Exercise` for a drill: a receiver must never act on it as real.
    Status { Actual => "Actual", Exercise => "Exercise", System => "System", Test => "Test", Draft => "Draft" }
}
cap_words! {
    MsgType { Alert => "Alert", Update => "Update", Cancel => "Cancel", Ack => "Ack", Error => "Error" }
}
cap_words! {
    Scope { Public => "Public", Restricted => "Restricted", Private => "Private" }
}
cap_words! {
    Category {
        Geo => "Geo", Met => "Met", Safety => "Safety", Security => "Security", Rescue => "Rescue",
        Fire => "Fire", Health => "Health", Env => "Env", Transport => "Transport", Infra => "Infra",
        Cbrne => "CBRNE", Other => "Other",
    }
}
cap_words! {
    ResponseType {
        Shelter => "Shelter", Evacuate => "Evacuate", Prepare => "Prepare", Execute => "Execute",
        Avoid => "Avoid", Monitor => "Monitor", Assess => "Assess", AllClear => "AllClear",
        None => "None",
    }
}
cap_words! {
    Urgency { Immediate => "Immediate", Expected => "Expected", Future => "Future", Past => "Past", Unknown => "Unknown" }
}
cap_words! {
    Severity { Extreme => "Extreme", Severe => "Severe", Moderate => "Moderate", Minor => "Minor", Unknown => "Unknown" }
}
cap_words! {
    Certainty { Observed => "Observed", Likely => "Likely", Possible => "Possible", Unlikely => "Unlikely", Unknown => "Unknown" }
}

/// One message.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: Time,
    pub status: Status,
    pub msg_type: MsgType,
    pub scope: Scope,
    pub note: Option<String>,
    /// The earlier messages an Update or Cancel refers to.
    pub references: Vec<Reference>,
    pub info: Vec<Info>,
}

/// An earlier message, as `references` names it: `sender,identifier,sent`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    pub sent: Time,
}

impl Reference {
    /// The reference to `alert`, for the update or cancel that follows it.
    pub fn to(alert: &Alert) -> Self {
        Self {
            sender: alert.sender.clone(),
            identifier: alert.identifier.clone(),
            sent: alert.sent,
        }
    }

    /// Reads one `sender,identifier,sent` triple.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = || Error::Value {
            element: "references",
            value: text.to_owned(),
            expected: "sender,identifier,sent".to_owned(),
        };
        let mut parts = text.split(',');
        let (sender, identifier, sent) = (
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
            parts.next().ok_or_else(bad)?,
        );
        if parts.next().is_some() || sender.is_empty() || identifier.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            sender: sender.to_owned(),
            identifier: identifier.to_owned(),
            sent: Time::parse(sent)?,
        })
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{}", self.sender, self.identifier, self.sent)
    }
}

/// One info block: the warning in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub language: String,
    pub categories: Vec<Category>,
    pub event: String,
    pub response_types: Vec<ResponseType>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub effective: Option<Time>,
    pub onset: Option<Time>,
    pub expires: Option<Time>,
    pub sender_name: Option<String>,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub instruction: Option<String>,
    pub parameters: Vec<Pair>,
    pub areas: Vec<Area>,
}

/// A `valueName` and its `value` (a geocode, a parameter, an event code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub value_name: String,
    pub value: String,
}

impl Pair {
    pub fn new(value_name: &str, value: &str) -> Self {
        Self {
            value_name: value_name.to_owned(),
            value: value.to_owned(),
        }
    }
}

/// One area block. Polygons are kept as written (closed: the first point again at the end), so
/// `check` can hold them to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub desc: String,
    pub polygons: Vec<Vec<LonLat>>,
    pub circles: Vec<Circle>,
    pub geocodes: Vec<Pair>,
}

/// CAP's circle: a centre and a radius in kilometres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub centre: LonLat,
    pub radius_km: f64,
}
