//! Comments grouped into themes by the key phrases they share, explainably: a phrase shared by
//! enough comments (and not by most of them) seeds a theme, phrases whose comments are largely
//! the same join it, and each comment belongs to the theme of its strongest phrase — and to a
//! second when it names another theme's lexicon concept too (a comment about two things). Every
//! membership carries the words that put it there.
use super::lexicon::Lexicon;
use super::text::{phrases, Phrase};
use std::collections::{BTreeMap, BTreeSet};

/// A text to theme: a feedback comment, what a customer said on a follow-up, or an incident's
/// description, by its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub id: i64,
    pub text: String,
}

/// How themes are formed.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The fewest comments a theme holds.
    pub min_count: usize,
    /// A phrase in more than this share of comments says nothing about any of them.
    pub max_share: f64,
    /// A phrase joins a theme when this share of its comments are already in it.
    pub join_overlap: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            min_count: 2,
            max_share: 0.4,
            join_overlap: 0.6,
        }
    }
}

/// One comment's place in a theme and the words of it that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub index: usize,
    pub id: i64,
    pub because: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Its two most characteristic phrases ("late delivery · courier").
    pub name: String,
    /// Its phrases, strongest first, as folded keys.
    pub phrases: Vec<Phrase>,
    pub members: Vec<Member>,
}

/// The themes of `texts`, largest first, and the comments no theme holds.
pub fn group(texts: &[Text], lexicon: &Lexicon, settings: Settings) -> (Vec<Theme>, Vec<usize>) {
    let found: Vec<Vec<(Phrase, String)>> =
        texts.iter().map(|t| phrases(&t.text, lexicon)).collect();
    // Which comments hold each phrase, and how each was written first.
    let mut holders: BTreeMap<&Phrase, BTreeSet<usize>> = BTreeMap::new();
    let mut written: BTreeMap<&Phrase, &str> = BTreeMap::new();
    for (i, phrases) in found.iter().enumerate() {
        for (p, w) in phrases {
            holders.entry(p).or_default().insert(i);
            written.entry(p).or_insert(w);
        }
    }
    let most = ((texts.len() as f64) * settings.max_share)
        .ceil()
        .max(settings.min_count as f64);
    let mut candidates: Vec<(&Phrase, &BTreeSet<usize>)> = holders
        .iter()
        .map(|(p, h)| (*p, h))
        .filter(|(_, h)| h.len() >= settings.min_count && (h.len() as f64) <= most)
        .collect();
    // Strongest first: shared by more, weighted by what kind of phrase it is.
    candidates.sort_by(|a, b| {
        let score = |(p, h): &(&Phrase, &BTreeSet<usize>)| p.weight() * h.len() as f64;
        score(b).total_cmp(&score(a)).then_with(|| a.0.cmp(b.0))
    });

    // Seeds and joins: each theme is its phrases and the comments holding any of them.
    let mut seeds: Vec<(Vec<&Phrase>, BTreeSet<usize>)> = Vec::new();
    for (phrase, holding) in candidates {
        // Counted from the phrase's side: seeds grow large, most phrases are rare.
        // Two lexicon concepts are two things by definition, however often they are said together.
        let concept = matches!(phrase, Phrase::Concept(_));
        let join = seeds.iter_mut().find(|(phrases, comments)| {
            if concept && phrases.iter().any(|p| matches!(p, Phrase::Concept(_))) {
                return false;
            }
            let shared = holding.iter().filter(|i| comments.contains(i)).count();
            shared as f64 >= settings.join_overlap * holding.len() as f64
        });
        match join {
            Some((phrases, comments)) => {
                phrases.push(phrase);
                comments.extend(holding);
            }
            None => seeds.push((vec![phrase], holding.clone())),
        }
    }

    // Each comment to the theme of its strongest phrase, and to a second theme it names a
    // concept of.
    let strength = |p: &Phrase, holding: usize| p.weight() * holding as f64;
    let theme_of: BTreeMap<&Phrase, usize> = seeds
        .iter()
        .enumerate()
        .flat_map(|(t, (phrases, _))| phrases.iter().map(move |p| (*p, t)))
        .collect();
    let mut members: Vec<Vec<Member>> = vec![Vec::new(); seeds.len()];
    let mut unthemed = Vec::new();
    for (i, phrases) in found.iter().enumerate() {
        // (theme, its strongest phrase here, the words, whether one is a lexicon concept)
        let mut by_theme: Vec<(usize, f64, Vec<String>, bool)> = Vec::new();
        for (p, w) in phrases {
            let Some(&t) = theme_of.get(p) else { continue };
            let at = match by_theme.iter().position(|b| b.0 == t) {
                Some(at) => at,
                None => {
                    by_theme.push((t, 0.0, Vec::new(), false));
                    by_theme.len() - 1
                }
            };
            let entry = &mut by_theme[at];
            entry.1 = entry.1.max(strength(p, holders[p].len()));
            entry.2.push(w.clone());
            entry.3 |= matches!(p, Phrase::Concept(_));
        }
        by_theme.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut kept = by_theme
            .iter()
            .take(1)
            .chain(by_theme.iter().skip(1).filter(|b| b.3).take(1));
        let mut any = false;
        for (t, _, because, _) in kept.by_ref() {
            members[*t].push(Member {
                index: i,
                id: texts[i].id,
                because: because.clone(),
            });
            any = true;
        }
        if !any {
            unthemed.push(i);
        }
    }

    let mut themes: Vec<Theme> = Vec::new();
    for ((phrases, _), members) in seeds.into_iter().zip(members) {
        if members.len() < settings.min_count {
            for m in &members {
                unthemed.push(m.index);
            }
            continue;
        }
        // Its two strongest phrases as people wrote them, the second only if it adds a word.
        let mut name: Vec<String> = Vec::new();
        for p in &phrases {
            let shown = match p {
                Phrase::Concept(c) => c.clone(),
                other => written
                    .get(other)
                    .map_or_else(|| other.key().to_string(), |w| w.to_string()),
            };
            if !name.iter().any(|n| n.contains(&shown)) {
                name.push(shown);
            }
            if name.len() == 2 {
                break;
            }
        }
        themes.push(Theme {
            name: name.join(" · "),
            phrases: phrases.into_iter().cloned().collect(),
            members,
        });
    }
    // A comment whose only theme was too small is unthemed, unless another theme holds it.
    let held: BTreeSet<usize> = themes
        .iter()
        .flat_map(|t| t.members.iter().map(|m| m.index))
        .collect();
    unthemed.retain(|i| !held.contains(i));
    unthemed.sort_unstable();
    unthemed.dedup();
    themes.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    (themes, unthemed)
}
