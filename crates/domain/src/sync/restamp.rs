//! Stamps a desk made while its clock ran far ahead of the server's, made again from the
//! server's time before they are pushed, and the stored text they appear in rewritten.
//!
//! The server quarantines a change stamped more than [`MAX_AHEAD_MS`] ahead of its clock (a fast
//! clock would otherwise win every edit). A desk's own clock never goes back, so once it has
//! stamped far ahead every later stamp is far ahead too, even after its clock is set right: each
//! change would be quarantined until real time caught up. The desk learns the server's time at
//! the start of each pass; stamps it made that the server would refuse never left the desk, so
//! it may give them new ones, in their order, after every stamp it holds that the server could
//! have admitted. Every order the desk's merges saw is kept (the new stamps still sort after
//! everything else it holds), so nothing it shows changes but the times.

use super::policy::MAX_AHEAD_MS;
use super::Stamp;
use std::collections::HashMap;

/// The stamps to give again: `own` are this desk's changes the server has not taken, in the
/// order it made them, each with whether the server quarantined it already; `known` the newest
/// stamp the desk holds that the server could have admitted; `server_ms` the server's clock.
/// From the first the server quarantined or would, each gets a stamp after `known` and the one
/// before it, from the server's time (so the order among them and after everything else is
/// kept). Empty when none was or would be quarantined.
pub fn plan(
    own: &[(Stamp, bool)],
    known: Option<&Stamp>,
    server_ms: u64,
    node: &str,
) -> Vec<(Stamp, Stamp)> {
    let bound = server_ms.saturating_add(MAX_AHEAD_MS);
    let Some(first) = own
        .iter()
        .position(|(s, quarantined)| *quarantined || s.ms > bound)
    else {
        return Vec::new();
    };
    let mut last = known.cloned();
    own[first..]
        .iter()
        .map(|(old, _)| {
            let new = Stamp::tick(last.as_ref(), server_ms, node);
            last = Some(new.clone());
            (old.clone(), new)
        })
        .collect()
}

/// The text form of the first stamp past `server_ms`'s bound: every stamp the server admits at
/// that time sorts below it as text, every one it would quarantine at or above.
pub fn bound_text(server_ms: u64) -> String {
    Stamp {
        ms: server_ms.saturating_add(MAX_AHEAD_MS) + 1,
        counter: 0,
        node: String::new(),
    }
    .to_string()
}

/// `text` with every stamp of `node` that `new` names replaced by its new stamp (bases in a
/// change's fields, versions of a conflict); `None` when it names none. One pass over the
/// text, whatever the number of stamps.
pub fn rewrite(text: &str, node: &str, new: &HashMap<String, String>) -> Option<String> {
    // A stamp's text is 16 digits, '-', 10 digits, '-', then the node.
    const HEAD: usize = 16 + 1 + 10 + 1;
    if node.is_empty() || new.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut changed = false;
    for (at, _) in text.match_indices(node) {
        let (Some(start), end) = (at.checked_sub(HEAD), at + node.len()) else {
            continue;
        };
        // The node must end there too (not a longer name that starts with it).
        let whole_node = !text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if start < done || !whole_node || !text.is_char_boundary(start) {
            continue;
        }
        if let Some(replacement) = new.get(&text[start..end]) {
            out.push_str(&text[done..start]);
            out.push_str(replacement);
            done = end;
            changed = true;
        }
    }
    changed.then(|| {
        out.push_str(&text[done..]);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ms: u64, counter: u32, node: &str) -> Stamp {
        Stamp {
            ms,
            counter,
            node: node.into(),
        }
    }

    const DAY: u64 = 86_400_000;
    const NOW: u64 = 1_764_300_000_000;

    #[test]
    fn nothing_changes_while_every_stamp_is_within_the_bound() {
        let own = [
            (s(NOW, 0, "a"), false),
            (s(NOW + MAX_AHEAD_MS, 0, "a"), false),
        ];
        assert!(plan(&own, None, NOW, "a").is_empty());
    }

    #[test]
    fn from_the_first_stamp_too_far_ahead_on_each_gets_a_new_one_in_order() {
        let known = s(NOW - 1000, 4, "b");
        let own = [
            s(NOW - 5000, 0, "a"),
            s(NOW + DAY, 0, "a"),
            s(NOW + DAY, 1, "a"),
            s(NOW + DAY + 7, 0, "a"),
        ];
        let own: Vec<_> = own.into_iter().map(|s| (s, false)).collect();
        let plan = plan(&own, Some(&known), NOW, "a");
        // The first, admitted as it is, keeps its stamp; the others follow from the server's time.
        assert_eq!(plan.len(), 3);
        assert_eq!(plan[0].0, own[1].0);
        let new: Vec<&Stamp> = plan.iter().map(|(_, n)| n).collect();
        assert_eq!(*new[0], s(NOW, 0, "a"));
        assert!(new.windows(2).all(|w| w[0] < w[1]));
        assert!(new
            .iter()
            .all(|n| **n > known && n.ms <= NOW + MAX_AHEAD_MS));
    }

    #[test]
    fn new_stamps_come_after_what_the_desk_holds_even_when_that_is_a_little_ahead() {
        let known = s(NOW + 60_000, 2, "b");
        let plan = plan(&[(s(NOW + DAY, 0, "a"), false)], Some(&known), NOW, "a");
        assert_eq!(plan[0].1, s(NOW + 60_000, 3, "a"));
    }

    #[test]
    fn a_change_quarantined_already_is_stamped_again_even_once_its_stamp_is_past() {
        // Quarantined ten minutes ahead an hour ago; what followed waits.
        let own = [
            (s(NOW - 50 * 60_000, 0, "a"), true),
            (s(NOW - 40 * 60_000, 0, "a"), false),
        ];
        let plan = plan(&own, None, NOW, "a");
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].1, s(NOW, 0, "a"));
        assert_eq!(plan[1].1, s(NOW, 1, "a"));
    }

    #[test]
    fn the_bound_text_splits_admitted_from_quarantined_stamps_as_sql_compares_them() {
        let bound = bound_text(NOW);
        assert!(s(NOW + MAX_AHEAD_MS, u32::MAX, "ffff").to_string() < bound);
        assert!(s(NOW + MAX_AHEAD_MS + 1, 0, "0").to_string() >= bound);
    }

    #[test]
    fn rewrite_replaces_this_nodes_named_stamps_and_nothing_else() {
        let old = s(NOW + DAY, 0, "a1b2").to_string();
        let other = s(NOW + DAY, 1, "a1b2").to_string();
        let longer = s(NOW + DAY, 0, "a1b2c3").to_string();
        let new: HashMap<String, String> = [(old.clone(), s(NOW, 0, "a1b2").to_string())].into();
        let text = format!(
            r#"{{"capacity":{{"value":5,"base":"{old}"}},"x":"{other}","y":"{longer}","z":"{old}"}}"#
        );
        let out = rewrite(&text, "a1b2", &new).expect("it names the stamp");
        let expected = text.replace(&old, &s(NOW, 0, "a1b2").to_string());
        // `longer` contains `old`'s head and node as a prefix: untouched.
        assert_eq!(
            out,
            expected.replace(&s(NOW, 0, "a1b2c3").to_string(), &longer)
        );
        assert!(out.contains(&other) && out.contains(&longer));
        assert_eq!(
            rewrite(r#"{"a":"no stamps, 中文 a1b2"}"#, "a1b2", &new),
            None
        );
    }
}
