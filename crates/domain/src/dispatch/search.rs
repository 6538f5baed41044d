//! Search over the registries as a duty officer types: Chinese names, towns, kinds and fields
//! (in Chinese or English), and for depots the material codes and names they stock.

use crate::registries::resource::Resource;
use serde::Serialize;

/// Why a record matched, strongest first: a name match ranks above a town match, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Name,
    Town,
    Kind,
    Material,
}

/// The normalised form of a query or a text: trimmed, full-width ASCII folded to half-width
/// (common in pasted Chinese text), lower case.
pub fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `r` matches the normalised query `q`, and why. `town_name` is the name of its town;
/// `materials` the codes and names a depot stocks (empty for other layers).
pub fn matches(
    r: &Resource,
    q: &str,
    town_name: &str,
    materials: &[(String, String)],
) -> Option<Reason> {
    if q.is_empty() {
        return None;
    }
    let has = |text: &str| normalise(text).contains(q);
    if has(r.name()) {
        return Some(Reason::Name);
    }
    if has(town_name) {
        return Some(Reason::Town);
    }
    let kinds: Vec<(&str, &str)> = match r {
        Resource::Team(t) => {
            let mut v = vec![(t.kind.zh(), t.kind.en())];
            v.extend(t.specialties.iter().map(|s| (s.zh(), s.en())));
            v
        }
        Resource::Expert(e) => vec![(e.field.zh(), e.field.en())],
        Resource::Depot(d) => vec![(d.level.zh(), d.level.en())],
        Resource::Shelter(s) => vec![(s.class.zh(), s.class.en()), (s.grade.zh(), s.grade.en())],
        Resource::Hazard(h) => vec![(h.kind.zh(), h.kind.en())],
    };
    if kinds.iter().any(|(zh, en)| has(zh) || has(en)) {
        return Some(Reason::Kind);
    }
    if materials
        .iter()
        .any(|(code, name)| code.starts_with(q) || has(name))
    {
        return Some(Reason::Material);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(normalise(" ＡＢＣ１２３ "), "abc123");
        assert_eq!(normalise("Water"), "water");
    }

    #[test]
    fn reasons_by_case() {
        let data = demo::generate(demo::DEFAULT_SEED);
        let shelter = data
            .resources
            .iter()
            .find(|r| matches!(r, Resource::Shelter(_)) && r.name().starts_with("钱塘"))
            .unwrap();
        let tent = [("1010101".to_owned(), "救灾帐篷".to_owned())];
        let cases = [
            ("钱塘", "钱塘镇", &[][..], Some(Reason::Name)),
            ("钱塘镇", "钱塘镇", &[][..], Some(Reason::Town)),
            ("不存在", "钱塘镇", &[][..], None),
            ("", "钱塘镇", &[][..], None),
            ("101", "x", &tent[..], Some(Reason::Material)),
            ("帐篷", "x", &tent[..], Some(Reason::Material)),
        ];
        for (q, town, materials, expected) in cases {
            assert_eq!(
                matches(shelter, &normalise(q), town, materials),
                expected,
                "{q}"
            );
        }
        let expert = data.resources.iter().find(|r| matches!(r, Resource::Expert(e) if e.field == crate::registries::expert::ExpertField::Geology)).unwrap();
        assert_eq!(
            matches(expert, &normalise("地质"), "", &[]),
            Some(Reason::Kind)
        );
        assert_eq!(
            matches(expert, &normalise("GEOLOGY"), "", &[]),
            Some(Reason::Kind)
        );
    }
}
