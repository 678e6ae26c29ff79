//! Probing questions suggested for each reason a follow-up was opened, and the follow-up
//! settings managers keep (service levels, attempts, survey links, question sets).
use serde::{Deserialize, Serialize};

/// The reasons that have a question set, with the name managers see.
pub const REASON_SETS: &[(&str, &str)] = &[
    ("score_low", "Low score"),
    ("score_middling", "Middling score"),
    ("effort", "High effort"),
    ("negative_words", "Negative or critical words"),
    ("sarcasm", "Sarcasm"),
    ("contradiction", "Score and words disagree"),
    ("bland", "Bland answer"),
    ("hedged", "Hedged answer"),
    ("mixed", "Mixed answer"),
    ("incident", "Unresolved incident"),
    ("history", "Earlier poor answers"),
];

/// The starting questions for a reason, before a manager edits them.
pub fn default_questions(code: &str) -> &'static [&'static str] {
    match code {
        "score_low" => &[
            "What was the one thing that let you down most?",
            "What would we have had to do for you to give us a higher score?",
        ],
        "score_middling" => &[
            "What stopped this from being a 10 for you?",
            "Is there anything you'd have done differently in our place?",
        ],
        "effort" => &[
            "Which step took the most effort?",
            "How many times did you have to get in touch before it was sorted?",
        ],
        "negative_words" => &[
            "You mentioned a problem — can you tell me exactly what happened?",
            "Has it been put right, or is it still affecting you?",
        ],
        "sarcasm" => &[
            "It sounds like this wasn't the first time — what happened before?",
            "What would make you trust us again?",
        ],
        "contradiction" => &[
            "You scored us well but mentioned a problem — how much did it bother you?",
            "Would you still recommend us to a friend after that?",
        ],
        "bland" => &[
            "If you could change one thing about your last order, what would it be?",
            "Was anything even slightly off — timing, packaging, how we kept you informed?",
        ],
        "hedged" => &[
            "You said it was fine, more or less — what was the 'less'?",
            "What would have made it clearly great?",
        ],
        "mixed" => &[
            "Tell me more about the part that didn't go well.",
            "Did that part change how you feel about ordering again?",
        ],
        "incident" => &[
            "Is the problem from your recent incident fully sorted for you?",
            "Is there anything still outstanding that we promised?",
        ],
        "history" => &[
            "This isn't the first time things weren't quite right — what keeps going wrong?",
            "What one change would make the biggest difference for you?",
        ],
        _ => &["How did we really do? What could we have done better?"],
    }
}

/// Questions suggested on one follow-up, at most.
pub const MAX_QUESTIONS: usize = 6;

/// What managers configure for follow-ups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpSettings {
    /// Working days to follow up a lukewarm answer.
    pub lukewarm_days: i64,
    /// Working days to follow up an unhappy answer (sooner).
    pub unhappy_days: i64,
    /// Unanswered attempts before a follow-up may close as unreachable.
    pub unreachable_after: i64,
    /// Days a survey link stays open.
    pub survey_days: i64,
    /// Send a satisfaction survey to the customer when an incident is resolved.
    pub survey_after_resolve: bool,
    /// (reason code, questions) for every reason in `REASON_SETS`.
    pub questions: Vec<(String, Vec<String>)>,
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        Self {
            lukewarm_days: 2,
            unhappy_days: 1,
            unreachable_after: 3,
            survey_days: 14,
            survey_after_resolve: true,
            questions: REASON_SETS
                .iter()
                .map(|(code, _)| {
                    (
                        code.to_string(),
                        default_questions(code)
                            .iter()
                            .map(|q| q.to_string())
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

impl FollowUpSettings {
    /// The questions for a follow-up's reasons, in reason order (the detector lists the
    /// weightiest first): the first question of each reason, then the others, at most six, so
    /// a phone call has a short script.
    pub fn questions_for(&self, codes: &[String]) -> Vec<String> {
        let sets: Vec<&Vec<String>> = codes
            .iter()
            .filter_map(|code| {
                self.questions
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, q)| q)
            })
            .collect();
        let mut out: Vec<String> = Vec::new();
        let deepest = sets.iter().map(|s| s.len()).max().unwrap_or(0);
        for round in 0..deepest {
            for q in sets.iter().filter_map(|s| s.get(round)) {
                if out.len() < MAX_QUESTIONS && !out.contains(q) {
                    out.push(q.clone());
                }
            }
        }
        out
    }
}

#[cfg(feature = "ssr")]
pub mod queries {
    use super::*;
    use crate::audit::{Actor, Entry};
    use crate::db::Db;
    use crate::error::AppError;

    const KEY: &str = "follow_up_settings";

    /// The saved settings, with defaults for anything never saved.
    pub async fn load<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
        db: E,
    ) -> Result<FollowUpSettings, AppError> {
        let raw = crate::org_settings::get(db, KEY).await?;
        let mut settings: FollowUpSettings = raw
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or_default();
        // A reason added since the settings were saved gets its default questions.
        for (code, _) in REASON_SETS {
            if !settings.questions.iter().any(|(c, _)| c == code) {
                settings.questions.push((
                    code.to_string(),
                    default_questions(code)
                        .iter()
                        .map(|q| q.to_string())
                        .collect(),
                ));
            }
        }
        Ok(settings)
    }

    pub async fn save(db: &Db, settings: &FollowUpSettings, actor: &Actor) -> Result<(), AppError> {
        let before = load(db).await?;
        let mut tx = crate::db::begin_write(db).await?;
        let value =
            serde_json::to_string(settings).map_err(|e| AppError::internal("settings", e))?;
        crate::org_settings::put(&mut *tx, KEY, &value).await?;
        Entry::new(actor, "follow_up_settings.update", "org_settings")
            .before(&before)
            .after(settings)
            .write(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_gets_its_first_question_before_any_second_one() {
        let s = FollowUpSettings::default();
        let q = s.questions_for(&["bland".into(), "hedged".into()]);
        assert_eq!(q[0], default_questions("bland")[0]);
        assert_eq!(q[1], default_questions("hedged")[0]);
        assert_eq!(q[2], default_questions("bland")[1]);
        let all: Vec<String> = REASON_SETS.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(s.questions_for(&all).len(), MAX_QUESTIONS);
        assert!(s.questions_for(&["unknown".into()]).is_empty());
    }
}
