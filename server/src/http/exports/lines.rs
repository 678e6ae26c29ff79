//! Each exported list's header and how one of its rows reads as a CSV line: text cells are
//! quoted as needed and spreadsheet formulas defused; moments are ISO 8601 UTC.
use app::customers::Customer;
use app::feedback::{Feedback, FollowUpRow};
use app::imports::csv::escape;
use app::incidents::IncidentRow;
use app::stories::StoryCard;

pub const INCIDENTS: &str = "id,customer,category,severity,source,status,assignee,detected_at,acknowledged_at,resolved_at,proactive,subject,description,link\n";

pub const FEEDBACK: &str = "id,customer_id,customer,received_at,channel,question,score,assessment,reasons,comment,order,incident_id,follow_up_id,entered_by,link\n";

pub const FOLLOW_UPS: &str = "id,feedback_id,customer_id,customer,assessment,risk,opened_at,due_at,closed_at,closed_on_time,assignee,question,score,comment,attempts,outcome,customer_said,link\n";

pub const STORIES: &str = "id,title,kind,occurred_on,week,associate,customer_id,customer,excerpt,tags,kudos,comments,spotlighted,shareable,link\n";

pub const CUSTOMERS: &str = "id,external_ref,name,email,phone,segment,loyalty_score,loyalty_segment,referral_code,added_at,link\n";

/// A moment as an ISO 8601 UTC timestamp, or nothing.
fn moment(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn optional(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn line<const N: usize>(cells: [String; N]) -> String {
    let mut line = cells.join(",");
    line.push('\n');
    line
}

pub fn incident(i: &IncidentRow, base: &str) -> String {
    line([
        i.id.to_string(),
        escape(&i.customer_name),
        escape(&i.category),
        i.severity.as_str().into(),
        i.source.as_str().into(),
        i.status.as_str().into(),
        escape(i.assignee_name.as_deref().unwrap_or("")),
        moment(Some(i.detected_at)),
        moment(i.acknowledged_at),
        moment(i.resolved_at),
        if i.proactive { "yes" } else { "no" }.into(),
        escape(i.subject_ref.as_deref().unwrap_or("")),
        escape(&i.description),
        format!("{base}/incidents/{}", i.id),
    ])
}

pub fn feedback(f: &Feedback, base: &str) -> String {
    let reasons: Vec<&str> = f.reasons.iter().map(|r| r.text.as_str()).collect();
    line([
        f.id.to_string(),
        f.customer_id.to_string(),
        escape(&f.customer_name),
        moment(Some(f.received_at)),
        f.channel.as_str().into(),
        f.score_type.as_str().into(),
        f.score.to_string(),
        f.assessment.as_str().into(),
        escape(&reasons.join("; ")),
        escape(&f.comment),
        escape(f.order_ref.as_deref().unwrap_or("")),
        optional(f.incident_id),
        optional(f.follow_up_id),
        escape(&f.entered_by),
        // An answer has no page of its own: its follow-up's, else its customer's.
        match f.follow_up_id {
            Some(id) => format!("{base}/follow-ups/{id}"),
            None => format!("{base}/customers/{}", f.customer_id),
        },
    ])
}

pub fn follow_up(u: &FollowUpRow, base: &str) -> String {
    line([
        u.id.to_string(),
        u.feedback_id.to_string(),
        u.customer_id.to_string(),
        escape(&u.customer_name),
        u.assessment.as_str().into(),
        u.risk.to_string(),
        moment(Some(u.opened_at)),
        moment(Some(u.due_at)),
        moment(u.closed_at),
        match u.closed_at {
            Some(at) if at <= u.due_at => "yes",
            Some(_) => "no",
            None => "",
        }
        .into(),
        escape(u.assignee_name.as_deref().unwrap_or("")),
        u.score_type.as_str().into(),
        u.score.to_string(),
        escape(&u.comment),
        u.attempts.to_string(),
        optional(u.outcome.map(|o| o.as_str())),
        escape(u.customer_said.as_deref().unwrap_or("")),
        format!("{base}/follow-ups/{}", u.id),
    ])
}

pub fn story(s: &StoryCard, base: &str) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    line([
        s.id.to_string(),
        escape(&s.title),
        s.kind.as_str().into(),
        s.occurred_on.clone(),
        s.week.clone(),
        escape(&s.associate_name),
        optional(s.customer_id),
        escape(s.customer_name.as_deref().unwrap_or("")),
        escape(&s.excerpt),
        escape(&s.tags.join("; ")),
        s.kudos.to_string(),
        s.comments.to_string(),
        yes(s.spotlighted),
        yes(s.shareable),
        format!("{base}/stories/{}", s.id),
    ])
}

pub fn customer(c: &Customer, base: &str) -> String {
    line([
        c.id.to_string(),
        escape(c.external_ref.as_deref().unwrap_or("")),
        escape(&c.name),
        escape(c.email.as_deref().unwrap_or("")),
        escape(c.phone.as_deref().unwrap_or("")),
        escape(&c.segment),
        optional(c.loyalty_score),
        escape(c.loyalty_segment.as_deref().unwrap_or("")),
        escape(&c.referral_code),
        moment(Some(c.created_at)),
        format!("{base}/customers/{}", c.id),
    ])
}
