//! Texts placed in the themes already kept, by the phrases each theme holds: a text goes to the
//! theme of its strongest known phrase, and to a second theme when it names that theme's lexicon
//! concept too (a comment about two things), as grouping places them.
use super::text::Phrase;
use std::collections::HashMap;

/// Where a text belongs: a kept theme and the words of the text that put it there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub theme: i64,
    pub because: Vec<String>,
}

/// Places a text by its phrases (`(phrase, as written)`, as `text::phrases` finds them) in the
/// themes of `known` (stored phrase → theme). Empty when no known phrase is in it.
pub fn place(found: &[(Phrase, String)], known: &HashMap<String, i64>) -> Vec<Placement> {
    // (theme, strongest weight, total weight, words, names a concept)
    let mut by_theme: Vec<(i64, f64, f64, Vec<String>, bool)> = Vec::new();
    for (phrase, written) in found {
        let Some(&theme) = known.get(&phrase.stored()) else {
            continue;
        };
        let at = match by_theme.iter().position(|b| b.0 == theme) {
            Some(at) => at,
            None => {
                by_theme.push((theme, 0.0, 0.0, Vec::new(), false));
                by_theme.len() - 1
            }
        };
        let entry = &mut by_theme[at];
        entry.1 = entry.1.max(phrase.weight());
        entry.2 += phrase.weight();
        if !entry.3.contains(written) {
            entry.3.push(written.clone());
        }
        entry.4 |= matches!(phrase, Phrase::Concept(_));
    }
    by_theme.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(b.2.total_cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    by_theme
        .iter()
        .take(1)
        .chain(by_theme.iter().skip(1).filter(|b| b.4).take(1))
        .map(|(theme, _, _, because, _)| Placement {
            theme: *theme,
            because: because.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::lexicon::Lexicon;
    use crate::themes::text::phrases;

    fn known(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
        pairs.iter().map(|(p, t)| (p.to_string(), *t)).collect()
    }

    #[test]
    fn a_text_goes_to_the_theme_of_its_strongest_known_phrase() {
        let lexicon = Lexicon::curated();
        let found = phrases("The parcel arrived late and the box was damaged", &lexicon);
        let concepts: Vec<String> = found
            .iter()
            .filter(|(p, _)| matches!(p, Phrase::Concept(_)))
            .map(|(p, _)| p.stored())
            .collect();
        assert!(concepts.len() >= 2, "{found:?}");
        // One theme holds the first concept, another a mere word of the text.
        let map = known(&[(&concepts[0], 1), ("word:box", 2)]);
        let placed = place(&found, &map);
        assert_eq!(placed[0].theme, 1);
        assert_eq!(placed.len(), 1, "a plain word does not make a second theme");
        // A second concept's theme holds it too: a comment about two things.
        let map = known(&[(&concepts[0], 1), (&concepts[1], 3)]);
        let placed = place(&found, &map);
        assert_eq!(placed.iter().map(|p| p.theme).collect::<Vec<_>>().len(), 2);
    }

    #[test]
    fn a_text_no_known_phrase_names_is_placed_nowhere() {
        let lexicon = Lexicon::curated();
        let found = phrases("lovely staff, thank you", &lexicon);
        assert!(place(&found, &known(&[("concept:late delivery", 1)])).is_empty());
    }

    #[test]
    fn each_placement_names_the_words_that_put_it_there() {
        let lexicon = Lexicon::curated();
        let found = phrases("charged twice for one order", &lexicon);
        let stored: Vec<String> = found.iter().map(|(p, _)| p.stored()).collect();
        let map: HashMap<String, i64> = stored.iter().map(|s| (s.clone(), 9)).collect();
        let placed = place(&found, &map);
        assert_eq!(placed.len(), 1);
        assert!(!placed[0].because.is_empty());
        assert!(placed[0]
            .because
            .iter()
            .all(|w| "charged twice for one order".contains(w.as_str())));
    }
}
