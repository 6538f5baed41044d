//! The interface language: Simplified Chinese first, English second. Texts are written as pairs
//! at the place they are used, so a translation cannot drift from its original.

use yitu_domain::Layer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// Picks the text for this language.
    pub fn t(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn layer(self, layer: Layer) -> &'static str {
        self.t(layer.zh(), layer.en())
    }
}
