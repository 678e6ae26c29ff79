//! The loyalty profile on the customer page: score and how it was made, what they bought, how
//! their recoveries went, who they brought, and what followed the recoveries.
use super::api::get_loyalty_profile;
use super::{LoyaltyProfile, Segment};
use crate::components::layout::LoadError;
use crate::components::time::format_date;
use leptos::prelude::*;

fn money(minor: i64, currency: &str) -> String {
    crate::incidents::money::Money {
        minor,
        currency: currency.to_string(),
    }
    .display()
}

/// A small line of the customer's answers over time, normalised to 0–100, as inline SVG.
fn trend(p: &LoyaltyProfile) -> Option<String> {
    if p.answers.len() < 2 {
        return None;
    }
    let n = p.answers.len() as f64;
    let points: Vec<String> = p
        .answers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let max = match a.score_type.as_str() {
                "nps" => 10.0,
                "csat" => 5.0,
                _ => 7.0,
            };
            let min = if a.score_type == "nps" { 0.0 } else { 1.0 };
            let v = ((a.score as f64 - min) / (max - min)).clamp(0.0, 1.0);
            format!(
                "{:.1},{:.1}",
                4.0 + i as f64 * 152.0 / (n - 1.0),
                36.0 - v * 32.0
            )
        })
        .collect();
    Some(points.join(" "))
}

#[component]
pub fn LoyaltySection(customer_id: i64) -> impl IntoView {
    let data = Resource::new(move || customer_id, get_loyalty_profile);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading loyalty profile…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) => view! { <Profile p=p/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Profile(p: LoyaltyProfile) -> impl IntoView {
    let cur = p.currency.clone();
    let r = p.return_on_recovery.clone();
    let line = trend(&p);
    let segment_class = format!("badge segment-{}", p.segment.as_str());
    view! {
        <section class="card loyalty" data-testid="loyalty">
            <div class="section-head">
                <h2>"Loyalty"</h2>
                <p class="loyalty-score"><strong data-testid="loyalty-score">{p.score}</strong>" / 100 "<span class=segment_class>{p.segment.label()}</span></p>
            </div>
            <details>
                <summary>"How the score was made"</summary>
                <ul class="plain-list small">
                    {p.score_parts.iter().map(|(part, points)| view! { <li>{format!("{part}: {points:+}")}</li> }).collect_view()}
                </ul>
                <p class="muted small">"The formula and its reasoning are in the README (Loyalty score)."</p>
            </details>
            <dl class="facts">
                <dt>"Tenure"</dt><dd>{format!("{} days", p.tenure_days)}</dd>
                <dt>"Orders (12 months)"</dt><dd data-testid="orders-12m">{format!("{} · {}", p.orders_12m, money(p.revenue_12m_minor, &cur))}</dd>
                <dt>"Orders in all"</dt><dd>{p.orders_total}{p.last_order_at.map(|t| format!(" · last {}", format_date(t)))}</dd>
                <dt>"Repeat purchases"</dt><dd>{p.repeat_rate.map(|r| format!("{:.0}% of orders", r * 100.0)).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Open follow-ups"</dt><dd>{p.open_follow_ups}</dd>
                <dt>"Referrals"</dt><dd>{format!("{} made · {} converted · {}", p.referrals_made, p.referrals_converted, money(p.referral_revenue_minor, &cur))}</dd>
                <dt>"Audience reached"</dt><dd>{p.audience_reached}</dd>
            </dl>
            {line.map(|pts| view! {
                <figure class="trend">
                    <svg viewBox="0 0 160 40" width="160" height="40" role="img" aria-label="Their answers over time, low to high">
                        <polyline points=pts fill="none" stroke="currentColor" stroke-width="2"/>
                    </svg>
                    <figcaption class="muted small">{format!("{} answers, oldest to newest", p.answers.len())}</figcaption>
                </figure>
            })}
            {(!p.incidents.is_empty()).then(|| view! {
                <h3>"Recoveries"</h3>
                <ul class="plain-list">
                    {p.incidents.iter().map(|i| view! {
                        <li>
                            <a href=format!("/incidents/{}", i.id)>{format!("#{} {}", i.id, i.category)}</a>
                            {i.proactive.then_some(" · noticed first")}
                            {format!(" · {}", i.hours_to_recover.map(|h| format!("recovered in {h} h")).unwrap_or_else(|| "not resolved".into()))}
                            {(i.spend_minor > 0).then(|| format!(" · spent {}", money(i.spend_minor, &cur)))}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(r.recoveries > 0).then(|| view! {
                <h3>"Return on recovery"</h3>
                <p data-testid="return-on-recovery">{format!(
                    "{} spent on {} {}; in the {} days after: {} orders worth {}, and {} from customers they referred.",
                    money(r.spend_minor, &cur), r.recoveries, if r.recoveries == 1 { "recovery" } else { "recoveries" },
                    r.window_days, r.orders_after, money(r.revenue_after_minor, &cur), money(r.referral_revenue_after_minor, &cur)
                )}</p>
                <p class="muted small">{format!(
                    "Coincident in time, not proven caused. Explicitly attributed to a recovery by staff: {} referrals, {} posts.",
                    r.attributed_referrals, r.attributed_posts
                )}</p>
            })}
            {(!p.stories.is_empty()).then(|| view! {
                <h3>"Stories about them"</h3>
                <ul class="plain-list">{p.stories.iter().map(|(id, title)| view! { <li><a href=format!("/stories/{id}")>{title.clone()}</a></li> }).collect_view()}</ul>
            })}
        </section>
    }
}

/// The segment badge for lists.
pub fn segment_badge(segment: Option<Segment>) -> impl IntoView {
    segment
        .map(|s| view! { <span class=format!("badge segment-{}", s.as_str())>{s.label()}</span> })
}
