//! The lukewarm detector: every rule and threshold that turns an answer into unhappy, lukewarm
//! or fine, with reasons in plain words. Pure: the caller supplies the customer's recent history.
//!
//! It combines the score band, the comment's sentiment and intensity (VADER), service-failure
//! terms VADER does not know ("late", "never arrived"), stock bland answers, hedges, contrast
//! clauses, sarcasm markers, a score that contradicts the words, and the customer's recent
//! incidents and answers. Each finding carries the level it alone would justify; the answer
//! takes the highest level found.
use super::{Assessment, Reason, ScoreType};
use std::sync::OnceLock;
use vader_parity::SentimentIntensityAnalyzer;

/// VADER compound at or below this is a clearly negative comment.
const STRONG_NEGATIVE: f64 = -0.5;
/// Below this a comment leans negative.
const NEGATIVE: f64 = -0.05;
/// At or above this a comment is warm enough to count as praise.
const WARM: f64 = 0.5;
/// Each service-failure term shifts the comment's sentiment down by this much.
const FAILURE_TERM_WEIGHT: f64 = 0.35;

/// What the detector knows about the customer besides this answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// An incident of theirs detected in the last 30 days is not resolved yet.
    pub unresolved_incident: bool,
    /// Their unhappy or lukewarm answers in the 90 days before this one.
    pub earlier_poor_answers: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub assessment: Assessment,
    pub reasons: Vec<Reason>,
    /// 0–100, for sorting follow-up queues: how likely this customer is quietly leaving.
    pub risk: i64,
}

fn analyzer() -> &'static SentimentIntensityAnalyzer {
    static ANALYZER: OnceLock<SentimentIntensityAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(SentimentIntensityAnalyzer::new)
}

/// Stock answers that say nothing: "good", "fine", "ok", "it was fine".
const BLAND: &[&str] = &[
    "good",
    "fine",
    "ok",
    "okay",
    "k",
    "alright",
    "all right",
    "not bad",
    "decent",
    "average",
    "satisfactory",
    "acceptable",
    "adequate",
    "fair",
    "so so",
    "soso",
    "meh",
    "nothing special",
    "it was fine",
    "it was good",
    "it was ok",
    "it was okay",
    "it was alright",
    "it was decent",
    "was fine",
    "was good",
    "was ok",
    "its ok",
    "its fine",
    "its good",
    "fine thanks",
    "good thanks",
    "ok thanks",
    "okay thanks",
    "fine thank you",
    "good thank you",
    "ok thank you",
    "it did the job",
    "did the job",
    "does the job",
    "as expected",
    "no comment",
    "nothing to add",
    "its alright",
    "not too bad",
    "good enough",
    "fine i guess",
    "ok i guess",
    "okay i guess",
    "decent enough",
    "pretty good",
    "quite good",
    "reasonable",
    "standard",
    "normal",
    "same as usual",
    "thumbs up",
    "yes",
    "sure",
    "n a",
    "na",
    "none",
];

/// Words people use to soften a complaint.
const HEDGES: &[&str] = &[
    "i guess",
    "i suppose",
    "i think",
    "kind of",
    "kinda",
    "sort of",
    "sorta",
    "mostly",
    "for the most part",
    "more or less",
    "could be better",
    "could have been better",
    "could've been better",
    "not great",
    "not the best",
    "not ideal",
    "so so",
    "ish",
    "somewhat",
    "reasonably",
    "a bit",
    "bit of a",
    "in the end",
    "eventually",
    "at least",
    "i suppose so",
    "not too bad",
    "nothing special",
    "it will do",
    "itll do",
    "fair enough",
    "not amazing",
    "okay i guess",
    "not perfect",
    "almost",
    "wasnt great",
    "was not great",
];

/// Words that turn a sentence: what follows is usually what the customer really means.
const CONTRAST: &[&str] = &[
    "but",
    "however",
    "although",
    "though",
    "except",
    "apart from",
    "other than",
    "shame",
    "only problem",
    "only issue",
    "only thing",
    "just wish",
    "i wish",
    "wish",
    "pity",
    "unfortunately",
    "sadly",
    "yet",
];

/// Service failures VADER's general lexicon does not score ("late", "never arrived").
const FAILURE_TERMS: &[&str] = &[
    "late",
    "delayed",
    "delay",
    "still waiting",
    "still not",
    "still no",
    "waiting",
    "waited",
    "never arrived",
    "didnt arrive",
    "did not arrive",
    "hasnt arrived",
    "not arrived",
    "never came",
    "missing",
    "missed",
    "lost",
    "broken",
    "damaged",
    "crushed",
    "dented",
    "leak",
    "leaking",
    "wrong",
    "incorrect",
    "faulty",
    "defective",
    "cold",
    "stale",
    "rude",
    "ignored",
    "no reply",
    "no response",
    "no answer",
    "nobody answers",
    "nobody answered",
    "no one answers",
    "no one answered",
    "nobody called",
    "no one called",
    "nobody replied",
    "no one replied",
    "nobody got back",
    "no one got back",
    "on hold",
    "chase",
    "chasing",
    "charged twice",
    "overcharged",
    "double charged",
    "cancelled",
    "canceled",
    "buffering",
    "buffered",
    "froze",
    "freezing",
    "crash",
    "crashed",
    "crashes",
    "kept logging",
    "logged out",
    "error",
    "slow",
    "took ages",
    "took forever",
    "took weeks",
    "forever",
    "twice",
    "three times",
    "several times",
    "no refund",
    "not refunded",
    "not working",
    "doesnt work",
    "didnt work",
    "stopped working",
    "not fixed",
    "unusable",
    "a faff",
    "hassle",
    "hard to",
    "too hard",
    "difficult",
    "complicated",
    "confusing",
    "disappointed",
    "disappointing",
    "not good",
    "not happy",
    "unhappy",
    "shame",
    "pity",
];

/// Markers that turn praise into sarcasm.
const SARCASM: &[&str] = &[
    "🙄",
    "😒",
    "yeah right",
    "thanks for nothing",
    "as usual",
    "as always",
    "oh great",
    "oh wonderful",
    "oh fantastic",
    "oh brilliant",
    "just perfect",
    "if you enjoy",
    "if you like",
    "what a surprise",
    "surprise surprise",
    "another",
];

const NEGATIVE_EMOJI: &[&str] = &[
    "😡", "😠", "🤬", "😤", "😞", "😢", "😭", "👎", "💩", "😩", "😫",
];
const POSITIVE_EMOJI: &[&str] = &[
    "😍", "😊", "😀", "😃", "😄", "🥰", "❤", "💯", "🙏", "👏", "🎉", "⭐", "🤩",
];

/// Lower case with punctuation, emoji and apostrophes removed, single-spaced, padded with a
/// space at both ends so phrases can be matched on word boundaries.
fn words(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.to_lowercase().chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn find<'a>(haystack: &str, phrases: &[&'a str]) -> Vec<&'a str> {
    phrases
        .iter()
        .filter(|p| haystack.contains(&format!(" {p} ")))
        .copied()
        .collect()
}

fn has_any(text: &str, marks: &[&str]) -> bool {
    marks.iter().any(|m| text.contains(m))
}

/// A comment shortened for a reason: at most 60 characters, on a word boundary.
fn quote(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() <= 60 {
        return t.to_string();
    }
    let cut: String = t.chars().take(57).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

/// A phrase found in the normalised words, as the customer wrote it when it can be found
/// verbatim (any case), else as normalised.
fn as_written(text: &str, phrase: &str) -> String {
    let lower = text.to_lowercase();
    match find_word(&lower, phrase) {
        Some(i) if lower.len() == text.len() => text[i..i + phrase.len()].to_string(),
        _ => phrase.to_string(),
    }
}

/// Where `word` (lower case) stands on its own in `lower`, not inside a longer word.
fn find_word(lower: &str, word: &str) -> Option<usize> {
    lower.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What follows the first contrast word, if anything does: (the word, the rest as written).
fn after_contrast(text: &str) -> Option<(&'static str, String)> {
    let w = words(text);
    let (_, word) = CONTRAST
        .iter()
        .filter_map(|c| w.find(&format!(" {c} ")).map(|i| (i, *c)))
        .min_by_key(|(i, _)| *i)?;
    // Find the same word in the text as written, to quote the customer's own words.
    let lower = text.to_lowercase();
    let at = find_word(&lower, word)?;
    let tail = if lower.len() == text.len() {
        &text[at + word.len()..]
    } else {
        &lower[at + word.len()..]
    };
    let tail = tail
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    (!tail.is_empty()).then_some((word, tail))
}

#[derive(Debug)]
struct Finding {
    level: Assessment,
    code: &'static str,
    text: String,
}

fn rank(a: Assessment) -> u8 {
    match a {
        Assessment::Fine => 0,
        Assessment::Lukewarm => 1,
        Assessment::Unhappy => 2,
    }
}

/// Where the score alone puts the answer: Some(level, reason) for a low or middling score,
/// None for a good one.
fn score_band(kind: ScoreType, score: i64, says_much: bool) -> Option<Finding> {
    use Assessment::*;
    let (level, code, text) = match (kind, score) {
        (ScoreType::Nps, 0..=6) => (Unhappy, "score_low", format!("detractor NPS ({score})")),
        (ScoreType::Nps, 7..=8) => (Lukewarm, "score_middling", format!("passive NPS ({score})")),
        (ScoreType::Csat, 1..=2) => (
            Unhappy,
            "score_low",
            format!("low satisfaction ({score} of 5)"),
        ),
        (ScoreType::Csat, 3) => (
            Lukewarm,
            "score_middling",
            "neutral satisfaction (3 of 5)".into(),
        ),
        (ScoreType::Csat, 4) if !says_much => (
            Lukewarm,
            "score_middling",
            "a bare 4 of 5 with no praise".into(),
        ),
        (ScoreType::Ces, 1..=3) => (Unhappy, "effort", format!("high effort ({score} of 7)")),
        (ScoreType::Ces, 4) => (Lukewarm, "effort", "middling effort (4 of 7)".into()),
        _ => return None,
    };
    Some(Finding { level, code, text })
}

fn is_good_score(kind: ScoreType, score: i64) -> bool {
    match kind {
        ScoreType::Nps => score >= 9,
        ScoreType::Csat => score >= 4,
        ScoreType::Ces => score >= 5,
    }
}

/// Assesses one answer.
pub fn assess(kind: ScoreType, score: i64, comment: &str, history: &History) -> Verdict {
    use Assessment::*;
    let comment = comment.trim();
    let w = words(comment);
    let lower = comment.to_lowercase();
    let vader = if comment.is_empty() {
        0.0
    } else {
        analyzer().polarity_scores(comment).compound
    };
    let failures = find(&w, FAILURE_TERMS);
    let bland = !comment.is_empty()
        && (BLAND.contains(&w.trim())
            || comment.chars().all(|c| !c.is_alphanumeric())
                && has_any(comment, &["👍", "👌", "🙂", "🆗"]));
    let negative_emoji = has_any(comment, NEGATIVE_EMOJI);
    let enthusiastic = !bland
        && (vader >= WARM
            || comment.contains('!') && vader > 0.2
            || has_any(comment, POSITIVE_EMOJI));
    // Failure terms and angry emoji pull the sentiment down where VADER's lexicon is silent;
    // terms VADER already scores ("wrong", "rude") are not counted twice.
    let unscored = failures
        .iter()
        .filter(|t| analyzer().polarity_scores(t).compound > NEGATIVE)
        .count();
    let sentiment =
        (vader - FAILURE_TERM_WEIGHT * unscored as f64 - if negative_emoji { 0.6 } else { 0.0 })
            .clamp(-1.0, 1.0);
    let says_much = enthusiastic || (!bland && vader >= 0.3 && failures.is_empty());

    let mut found: Vec<Finding> = Vec::new();
    if let Some(f) = score_band(kind, score, says_much) {
        found.push(f);
    }
    let good_score = is_good_score(kind, score);
    let q = quote(comment);

    let sarcastic = !comment.is_empty()
        && (has_any(&lower, &["🙄", "😒", "thanks for nothing", "yeah right"])
            || vader > 0.0 && !failures.is_empty() && !find(&w, SARCASM).is_empty());
    if sarcastic {
        found.push(Finding {
            level: Unhappy,
            code: "sarcasm",
            text: format!("sounds sarcastic: '{q}'"),
        });
    } else if sentiment <= STRONG_NEGATIVE {
        found.push(Finding {
            level: Unhappy,
            code: "negative_words",
            text: format!("negative comment: '{q}'"),
        });
    } else if sentiment < NEGATIVE {
        found.push(Finding {
            level: Lukewarm,
            code: "negative_words",
            text: format!("critical comment: '{q}'"),
        });
    }
    // A good score beside a named failure is politeness, not satisfaction.
    if good_score && (sarcastic || sentiment < NEGATIVE || !failures.is_empty()) {
        found.push(Finding {
            level: Lukewarm,
            code: "contradiction",
            text: format!("score and words disagree: {}, '{q}'", kind.describe(score)),
        });
    }
    if bland {
        found.push(Finding {
            level: Lukewarm,
            code: "bland",
            text: format!("bland comment: '{q}'"),
        });
    }
    if let Some(h) = find(&w, HEDGES).first() {
        let h = as_written(comment, h);
        found.push(Finding {
            level: Lukewarm,
            code: "hedged",
            text: format!("hedged: '{h}'"),
        });
    }
    if let Some((word, tail)) = after_contrast(comment) {
        let tail_sentiment = analyzer().polarity_scores(&tail).compound;
        if tail_sentiment < NEGATIVE
            || !find(&format!(" {tail} "), FAILURE_TERMS).is_empty()
            || word.contains("wish")
        {
            found.push(Finding {
                level: Lukewarm,
                code: "mixed",
                text: format!("mixed: '{word} {}'", quote(&tail)),
            });
        }
    }
    let concern = found
        .iter()
        .map(|f| f.level)
        .max_by_key(|l| rank(*l))
        .unwrap_or(Fine);
    if history.unresolved_incident {
        found.push(Finding {
            level: Lukewarm,
            code: "incident",
            text: "unresolved incident in the last 30 days".into(),
        });
    }
    if history.earlier_poor_answers > 0 && (concern != Fine || history.earlier_poor_answers >= 2) {
        let n = history.earlier_poor_answers;
        found.push(Finding {
            level: Lukewarm,
            code: "history",
            text: if n == 1 {
                "an earlier answer in the last 90 days was lukewarm or unhappy".into()
            } else {
                format!("{n} earlier answers in the last 90 days were lukewarm or unhappy")
            },
        });
    }

    let assessment = found
        .iter()
        .map(|f| f.level)
        .max_by_key(|l| rank(*l))
        .unwrap_or(Fine);
    let mut reasons: Vec<Reason> = found
        .iter()
        .map(|f| Reason {
            code: f.code.into(),
            text: f.text.clone(),
        })
        .collect();
    if assessment == Fine {
        reasons.push(Reason {
            code: "positive".into(),
            text: match (kind, enthusiastic) {
                (ScoreType::Nps, true) => format!("promoter NPS ({score}) and warm words"),
                (ScoreType::Nps, false) => format!("promoter NPS ({score})"),
                (_, true) => format!("good score ({}) and warm words", kind.describe(score)),
                (_, false) => format!("good score ({})", kind.describe(score)),
            },
        });
    }
    let base = match assessment {
        Unhappy => 60,
        Lukewarm => 30,
        Fine => 0,
    };
    let extra = if assessment == Fine {
        0
    } else {
        8 * (found.len() as i64 - 1).max(0)
    };
    let incident = if history.unresolved_incident { 10 } else { 0 };
    Verdict {
        assessment,
        reasons,
        risk: (base + extra + incident).min(100),
    }
}

#[cfg(test)]
mod examples;
