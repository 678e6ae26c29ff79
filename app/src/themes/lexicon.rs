//! The words themes are made of: stop words and negations (English, the language the lukewarm
//! detector reads), and a small curated lexicon of service vocabulary — each concept ("late
//! delivery") with the ways customers and staff say it — that an organisation can extend.

/// Words that say nothing about what a comment is about.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "both", "but", "by", "can", "could", "did",
    "do", "does", "doing", "down", "during", "each", "even", "ever", "every", "few", "for",
    "from", "further", "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "i'm", "im", "ive", "if", "in", "into", "is", "it", "its", "just",
    "let", "lot", "me", "more", "most", "much", "my", "myself", "now", "of", "off", "on", "once",
    "one", "only", "or", "other", "our", "out", "over", "own", "quite", "rather", "really",
    "same", "she", "should", "so", "some", "still", "such", "than", "that", "thats", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yet",
    "thanks", "thank", "thx", "please", "ok", "okay", "good", "fine", "great", "nice", "bad",
    "well", "like", "bit", "though", "overall", "think", "thing", "things", "way", "time",
    "times", "day", "days", "week", "weeks", "hour", "hours", "minute", "minutes", "today",
    "yesterday", "again", "always", "usual", "experience", "service", "company", "everything",
    "something", "anything", "nothing", "made", "make", "went", "go", "going", "come", "came",
    "say", "said", "told", "tell", "know", "back", "via", "etc", "yes", "ye", "lol",
];

/// Words that turn the next word around ("not helpful", "never arrived").
#[rustfmt::skip]
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "nothing", "nobody", "none", "cannot", "can't", "cant", "don't", "dont",
    "didn't", "didnt", "doesn't", "doesnt", "isn't", "isnt", "wasn't", "wasnt", "weren't",
    "werent", "won't", "wont", "hasn't", "hasnt", "haven't", "havent", "couldn't", "couldnt",
    "wouldn't", "wouldnt", "without",
];

pub fn is_stop(word: &str) -> bool {
    STOP.contains(&word)
}

pub fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word)
}

/// Each concept and the ways it is said, as customers write them.
#[rustfmt::skip]
const CURATED: &[(&str, &[&str])] = &[
    ("late delivery", &[
        "late", "delay", "delayed", "slow delivery", "slow shipping", "never arrived",
        "not arrived", "still waiting", "waiting for my order", "where is my order",
        "took forever", "days late", "overdue", "missed delivery", "delivery window", "courier",
        "not delivered", "arrived late",
    ]),
    ("refund took too long", &[
        "refund", "refunded", "money back", "reimburse", "not refunded", "waiting for refund",
        "credit back", "return label", "returned",
    ]),
    ("rude on the phone", &[
        "rude", "impolite", "unfriendly", "dismissive", "condescending", "attitude", "hung up",
        "yelled", "shouted", "sarcastic", "not helpful", "unhelpful", "arrogant",
    ]),
    ("app crashes at checkout", &[
        "crash", "crashed", "crashes", "freezes", "frozen", "app", "checkout", "error message",
        "not load", "bug", "glitch", "keeps closing", "website", "login", "payment failed",
    ]),
    ("billing error", &[
        "charged twice", "double charged", "overcharged", "invoice", "wrong amount", "billing",
        "bill", "charge", "vat", "subscription fee", "extra fee", "payment taken twice",
    ]),
    ("damaged item", &[
        "damaged", "broken", "cracked", "dented", "smashed", "scratched", "shattered", "torn",
        "leaking", "box crushed",
    ]),
    ("wrong item", &[
        "wrong item", "wrong size", "wrong colour", "wrong color", "missing item",
        "not what i ordered", "different product", "item missing", "wrong product",
        "half the order",
    ]),
    ("long wait to reach us", &[
        "hold", "hold music", "queue", "waited an hour", "call back", "callback",
        "no one answered", "nobody answered", "not answer", "not reply", "no reply",
        "not respond", "unanswered", "transferred", "ignored",
    ]),
    ("streaming quality", &[
        "buffering", "buffer", "stutter", "stuttering", "playback", "lag", "pixelated", "stream",
        "streaming", "video quality", "sound out of sync",
    ]),
    ("friendly, helpful staff", &[
        "friendly", "helpful", "kind", "lovely", "polite", "patient", "above and beyond",
        "went out of their way", "sorted it", "quick to help",
    ]),
];

/// A concept's phrases as folded word sequences, longest first for matching.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    entries: Vec<(Vec<String>, String)>,
}

impl Lexicon {
    pub fn curated() -> Self {
        let mut lexicon = Self::default();
        for (concept, phrases) in CURATED {
            for phrase in *phrases {
                lexicon.add(concept, phrase);
            }
        }
        lexicon
    }

    /// Teaches the lexicon another way of saying `concept` (an organisation's own words).
    pub fn add(&mut self, concept: &str, phrase: &str) {
        let folded: Vec<String> = super::text::words(phrase)
            .into_iter()
            .map(|w| w.stem)
            .collect();
        // "still waiting" folds to `wait` alone, which would claim every wait: a phrase that
        // loses all but one word to the stop list is not a phrase any more.
        let written: Vec<&str> = phrase.split_whitespace().collect();
        let negated = written.iter().any(|w| is_negation(&w.to_lowercase()));
        if folded.is_empty() || (folded.len() == 1 && written.len() > 1 && !negated) {
            return;
        }
        self.entries.push((folded, concept.to_string()));
        self.entries.sort_by_key(|e| std::cmp::Reverse(e.0.len()));
    }

    /// Where the lexicon's phrases occur in `stems`: (start, length, concept), longest phrase
    /// first at each position, never overlapping.
    pub fn matches(&self, stems: &[&str]) -> Vec<(usize, usize, &str)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let hit = self.entries.iter().find(|(phrase, _)| {
                i + phrase.len() <= stems.len()
                    && phrase
                        .iter()
                        .zip(&stems[i..])
                        .all(|(want, got)| same_word(want, got, phrase.len() == 1))
            });
            match hit {
                Some((phrase, concept)) => {
                    out.push((i, phrase.len(), concept.as_str()));
                    i += phrase.len();
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The same folded word, or (for a lone longer word) one edit away: a misspelling.
fn same_word(want: &str, got: &str, fuzzy: bool) -> bool {
    want == got || (fuzzy && want.chars().count() >= 5 && one_edit(want, got))
}

/// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra[1..] == *rb,
        std::cmp::Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_is_a_misspelling_two_are_not() {
        assert!(one_edit("damag", "damagd"));
        assert!(one_edit("arriv", "ariv"));
        assert!(one_edit("refund", "refnud"));
        assert!(!one_edit("refund", "refuel"));
        assert!(!one_edit("late", "late"));
    }

    #[test]
    fn an_organisation_teaches_the_lexicon_its_own_words() {
        let mut lexicon = Lexicon::curated();
        assert!(lexicon.matches(&["flux", "capacitor"]).is_empty());
        lexicon.add("hardware fault", "flux capacitor");
        assert_eq!(
            lexicon.matches(&["flux", "capacitor"]),
            [(0, 2, "hardware fault")]
        );
    }
}
