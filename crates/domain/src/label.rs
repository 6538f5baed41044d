//! The `labelled_enum!` macro: enumerations stored by a stable English code and shown with a
//! Chinese and an English label. One place defines all three, so they cannot drift apart.

/// Declares an enum whose variants each have a stable `code` (stored in databases and files),
/// a Chinese label and an English label; generates `ALL`, `code`, `zh`, `en`, `from_code`,
/// `FromStr` and serde by code.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// Accepts the code, or either label, so that imported spreadsheets in Chinese work.
            pub fn from_code(s: &str) -> Result<Self, $crate::Error> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s || v.zh() == s || v.en().eq_ignore_ascii_case(s))
                    .ok_or_else(|| $crate::Error::UnknownCode {
                        what: stringify!($name),
                        code: s.to_owned(),
                        expected: Self::ALL.iter().map(|v| format!("{} ({})", v.code(), v.zh())).collect::<Vec<_>>().join(", "),
                    })
            }
        }

        impl $crate::label::Labelled for $name {
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn zh(self) -> &'static str { $name::zh(self) }
            fn en(self) -> &'static str { $name::en(self) }
            fn from_code(s: &str) -> Result<Self, $crate::Error> { $name::from_code(s) }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Self::from_code(s) }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.code()) }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::from_code(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

/// What every `labelled_enum!` type offers, for code that works with any of them (a form's
/// select of choices, say).
pub trait Labelled: Copy + PartialEq + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;
    fn from_code(s: &str) -> Result<Self, crate::Error>;
}
