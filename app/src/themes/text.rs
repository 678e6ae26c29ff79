//! What a comment says, reduced to comparable words: lower case, no punctuation, plurals and
//! common inflections folded ("deliveries", "delivered" → `deliver`), a negation kept with the
//! word it negates ("not helpful" → `not_helpful`), stop words dropped, and the phrases of the
//! service lexicon recognised (with one-letter misspellings of its longer words).
use super::lexicon::{self, Lexicon};

/// One word of a comment: its folded form and how it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub stem: String,
    pub written: String,
}

/// A key phrase found in a comment: a lexicon concept, or a word or word pair of its own.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phrase {
    /// A lexicon concept, by its name ("late delivery").
    Concept(String),
    /// Two content words side by side, folded ("charg twice").
    Pair(String),
    Single(String),
}

impl Phrase {
    pub fn key(&self) -> &str {
        match self {
            Self::Concept(k) | Self::Pair(k) | Self::Single(k) => k,
        }
    }

    /// The phrase as stored with its theme ("concept:late delivery", "pair:charg twice",
    /// "word:rude"), so a lexicon concept never meets a word of the same spelling.
    pub fn stored(&self) -> String {
        match self {
            Self::Concept(k) => format!("concept:{k}"),
            Self::Pair(k) => format!("pair:{k}"),
            Self::Single(k) => format!("word:{k}"),
        }
    }

    /// Reads back what `stored` wrote.
    pub fn from_stored(stored: &str) -> Option<Self> {
        let (kind, key) = stored.split_once(':')?;
        let key = key.to_string();
        match kind {
            "concept" => Some(Self::Concept(key)),
            "pair" => Some(Self::Pair(key)),
            "word" => Some(Self::Single(key)),
            _ => None,
        }
    }

    /// How much a shared phrase says about two comments being about the same thing.
    pub fn weight(&self) -> f64 {
        match self {
            Self::Concept(_) => 3.0,
            Self::Pair(_) => 1.5,
            Self::Single(_) => 1.0,
        }
    }
}

/// Folds plurals and common inflections so the forms of a word meet.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if n > 4 && w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        w.pop();
    }
    for suffix in ["ing", "ed", "ly"] {
        if w.chars().count() > suffix.len() + 3 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            undouble(&mut w);
            break;
        }
    }
    if w.chars().count() > 4 && w.ends_with('e') {
        w.pop();
    }
    if w.chars().count() > 4 && w.ends_with('y') {
        w.pop();
        w.push('i');
    }
    w
}

/// "shipp" → "ship", but "call" stays.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    if b.len() > 3 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && !matches!(x, b'l' | b's' | b'z') && x.is_ascii_alphabetic() {
            w.pop();
        }
    }
}

/// The comment's words, folded, with negations attached and stop words dropped.
pub fn words(text: &str) -> Vec<Word> {
    let lowered = text.to_lowercase().replace(['’', '`'], "'");
    let mut out = Vec::new();
    let mut negate = false;
    for raw in lowered.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let token = raw.trim_matches('\'');
        if token.is_empty() {
            continue;
        }
        if lexicon::is_negation(token) {
            negate = true;
            continue;
        }
        let bare = token.replace('\'', "");
        if lexicon::is_stop(&bare) || bare.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let folded = stem(&bare);
        out.push(Word {
            stem: if negate {
                format!("not_{folded}")
            } else {
                folded
            },
            written: if negate {
                format!("not {token}")
            } else {
                token.to_string()
            },
        });
        negate = false;
    }
    out
}

/// The comment's key phrases: the lexicon concepts it mentions, then the words and word pairs
/// not already part of one; each once.
pub fn phrases(text: &str, lexicon: &Lexicon) -> Vec<(Phrase, String)> {
    let words = words(text);
    let stems: Vec<&str> = words.iter().map(|w| w.stem.as_str()).collect();
    let mut covered = vec![false; words.len()];
    let mut found: Vec<(Phrase, String)> = Vec::new();
    for (at, len, concept) in lexicon.matches(&stems) {
        covered[at..at + len].iter_mut().for_each(|c| *c = true);
        let written: Vec<&str> = words[at..at + len]
            .iter()
            .map(|w| w.written.as_str())
            .collect();
        push(
            &mut found,
            Phrase::Concept(concept.to_string()),
            written.join(" "),
        );
    }
    for (i, w) in words.iter().enumerate() {
        if covered[i] || w.stem.chars().count() < 3 {
            continue;
        }
        push(
            &mut found,
            Phrase::Single(w.stem.clone()),
            w.written.clone(),
        );
        if let Some(next) = words.get(i + 1).filter(|_| !covered[i + 1]) {
            push(
                &mut found,
                Phrase::Pair(format!("{} {}", w.stem, next.stem)),
                format!("{} {}", w.written, next.written),
            );
        }
    }
    found
}

fn push(found: &mut Vec<(Phrase, String)>, phrase: Phrase, written: String) {
    if !found.iter().any(|(p, _)| *p == phrase) {
        found.push((phrase, written));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_meet() {
        for (a, b) in [
            ("deliveries", "delivery"),
            ("delivered", "delivering"),
            ("charged", "charge"),
            ("charging", "charges"),
            ("shipped", "shipping"),
            ("crashes", "crashed"),
            ("refunds", "refund"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("call"), "call");
    }

    #[test]
    fn a_negation_stays_with_its_word_and_stop_words_go() {
        let w: Vec<String> = words("The staff were NOT helpful, and I didn't get a reply!")
            .into_iter()
            .map(|w| w.stem)
            .collect();
        // "didn't get a reply": the negation passes the stop word to the word that matters.
        assert_eq!(w, ["staff", "not_helpful", "not_repli"]);
    }

    #[test]
    fn lexicon_phrases_are_found_through_misspellings_and_inflections() {
        let lexicon = Lexicon::curated();
        let found = phrases("Parcel arived 5 days late and the box was damagd", &lexicon);
        let concepts: Vec<&str> = found
            .iter()
            .filter_map(|(p, _)| match p {
                Phrase::Concept(c) => Some(c.as_str()),
                _ => None,
            })
            .collect();
        assert!(concepts.contains(&"late delivery"), "{found:?}");
        assert!(concepts.contains(&"damaged item"), "{found:?}");
    }
}
