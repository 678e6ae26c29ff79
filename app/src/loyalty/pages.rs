//! The loyalty profile on the customer page: score and how it was made, what they bought, how
//! their recoveries went, who they brought, and what followed the recoveries.
use super::api::{get_loyalty_profile, RecordPost, RecordReferral};
use super::{LoyaltyProfile, Segment};
use crate::components::form::{error_of, FormAlert, SelectField, TextField};
use crate::components::layout::LoadError;
use crate::components::time::format_date;
use leptos::prelude::*;

pub fn money(minor: i64, currency: &str) -> String {
    crate::common::money::Money {
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
    let referral = ServerAction::<RecordReferral>::new();
    let post = ServerAction::<RecordPost>::new();
    let data = Resource::new(
        move || (customer_id, referral.version().get(), post.version().get()),
        |(id, ..)| get_loyalty_profile(id),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading loyalty profile…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(p) => view! { <Profile p=p/><Advocacy customer_id referral post/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// " (120.00 EUR + 30.00 USD as recorded)" when amounts came in another currency than `org`.
fn original(amounts: &[crate::common::money::Money], org: &str) -> Option<String> {
    (amounts.iter().any(|m| m.currency != org)).then(|| {
        let parts: Vec<String> = amounts.iter().map(|m| m.display()).collect();
        format!(" ({} as recorded)", parts.join(" + "))
    })
}

/// " · plus 2 amounts without an exchange rate" when some were left out.
fn unrated(n: i64) -> Option<String> {
    (n > 0).then(|| {
        let s = if n == 1 { "" } else { "s" };
        format!(" · plus {n} amount{s} without an exchange rate (left out)")
    })
}

#[component]
fn Profile(p: LoyaltyProfile) -> impl IntoView {
    let cur = p.currency.clone();
    let r = p.return_on_recovery.clone();
    let line = trend(&p);
    let segment_class = format!("badge segment-{}", p.segment.as_str());
    view! {
        <section class="card loyalty" id="loyalty" data-testid="loyalty">
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
                <dt>"Orders (12 months)"</dt><dd data-testid="orders-12m">{format!("{} · {}", p.orders_12m, money(p.revenue_12m_minor, &cur))}
                    {original(&p.revenue_12m_original, &cur)}{unrated(p.revenue_12m_unrated)}</dd>
                <dt>"Orders in all"</dt><dd>{p.orders_total}{p.last_order_at.map(|t| format!(" · last {}", format_date(t)))}</dd>
                <dt>"Repeat purchases"</dt><dd>{p.repeat_rate.map(|r| format!("{:.0}% of orders", r * 100.0)).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Open follow-ups"</dt><dd>{p.open_follow_ups}</dd>
                <dt>"Referrals"</dt><dd>{format!("{} made · {} converted · {}", p.referrals_made, p.referrals_converted, money(p.referral_revenue_minor, &cur))}{unrated(p.referral_revenue_unrated)}</dd>
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
                            {unrated(i.unrated_amounts)}
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
                )}" "<a href="/customers/return-on-recovery">"Across all customers →"</a></p>
            })}
            {(!p.referrals.is_empty()).then(|| view! {
                <h3>"Referrals"</h3>
                <ul class="plain-list" data-testid="referrals">
                    {p.referrals.iter().map(|f| view! {
                        <li>
                            {match f.referred_customer_id {
                                Some(id) => view! { <a href=format!("/customers/{id}")>{f.who.clone()}</a> }.into_any(),
                                None => view! { <span>{f.who.clone()}</span> }.into_any(),
                            }}
                            {format!(" · {} · {} · {}", if f.converted { "converted" } else { "not yet" }, money(f.revenue_minor, &cur), format_date(f.occurred_at))}{unrated(f.revenue_unrated)}
                            {f.incident_id.map(|i| view! { " · after "<a href=format!("/incidents/{i}")>{format!("incident #{i}")}</a> })}
                            {f.story_id.map(|i| view! { " · after "<a href=format!("/stories/{i}")>{format!("story #{i}")}</a> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!p.posts.is_empty()).then(|| view! {
                <h3>"Reviews and posts"</h3>
                <ul class="plain-list" data-testid="posts">
                    {p.posts.iter().map(|x| view! {
                        <li>
                            {match x.url.clone() {
                                Some(u) => view! { <a href=u rel="noopener noreferrer" target="_blank">{format!("{} on {}", x.kind, x.platform)}</a> }.into_any(),
                                None => view! { <span>{format!("{} on {}", x.kind, x.platform)}</span> }.into_any(),
                            }}
                            {format!(" · {} · reached {} · {}", x.sentiment, x.audience, format_date(x.occurred_at))}
                            {x.incident_id.map(|i| view! { " · after "<a href=format!("/incidents/{i}")>{format!("incident #{i}")}</a> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!p.timeline.is_empty()).then(|| view! {
                <details class="timeline-box">
                    <summary>{format!("Timeline ({} events)", p.timeline.len())}</summary>
                    <ol class="plain-list small" data-testid="timeline">
                        {p.timeline.iter().map(|e| view! {
                            <li>
                                <span class="muted">{format_date(e.at)}" · "</span>
                                {match e.href.clone() {
                                    Some(h) => view! { <a href=h>{e.text.clone()}</a> }.into_any(),
                                    None => view! { <span>{e.text.clone()}</span> }.into_any(),
                                }}
                            </li>
                        }).collect_view()}
                    </ol>
                </details>
            })}
            {(!p.stories.is_empty()).then(|| view! {
                <h3>"Stories about them"</h3>
                <ul class="plain-list">{p.stories.iter().map(|(id, title)| view! { <li><a href=format!("/stories/{id}")>{title.clone()}</a></li> }).collect_view()}</ul>
            })}
        </section>
    }
}

/// Forms for what staff learn by hand: a referral, and a review, post or testimonial.
#[component]
fn Advocacy(
    customer_id: i64,
    referral: ServerAction<RecordReferral>,
    post: ServerAction<RecordPost>,
) -> impl IntoView {
    let referral_error = error_of(referral.value());
    let post_error = error_of(post.value());
    let opt = |v: &[&str]| {
        v.iter()
            .map(|s| (s.to_string(), s[..1].to_uppercase() + &s[1..]))
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>"Record advocacy"</h2>
            <details open=move || referral_error.get().is_some()>
                <summary>"A referral"</summary>
                <ActionForm action=referral attr:class="form">
                    <FormAlert error=referral_error/>
                    <input type="hidden" name="customer_id" value=customer_id/>
                    <TextField label="Referred customer" name="referred" autocomplete="off" error=referral_error
                        hint="Their id, email or reference, if they are a customer now."/>
                    <TextField label="Or a prospect's name" name="prospect_name" autocomplete="off" error=referral_error/>
                    <label class="choice"><input type="checkbox" name="converted" value="on"/><span>"The prospect bought"</span></label>
                    <div class="field-row">
                        <TextField label="Prospect revenue" name="revenue" hint="For prospects; a customer's comes from their orders." error=referral_error/>
                        <TextField label="Currency" name="currency" value="USD" error=referral_error/>
                    </div>
                    <div class="field-row">
                        <TextField label="Because of incident" name="incident" hint="Its number, if a recovery caused it." error=referral_error/>
                        <TextField label="Because of story" name="story" hint="Its number." error=referral_error/>
                    </div>
                    <div class="form-actions"><button class="button" type="submit">"Record referral"</button></div>
                </ActionForm>
            </details>
            <details open=move || post_error.get().is_some()>
                <summary>"A review, post or testimonial"</summary>
                <ActionForm action=post attr:class="form">
                    <FormAlert error=post_error/>
                    <input type="hidden" name="customer_id" value=customer_id/>
                    <div class="field-row">
                        <SelectField label="Kind" name="kind" options=opt(&["review", "post", "testimonial"]) error=post_error/>
                        <SelectField label="Sentiment" name="sentiment" options=opt(&["positive", "neutral", "negative"]) error=post_error/>
                    </div>
                    <TextField label="Platform" name="platform" required=true autocomplete="off" hint="e.g. Google reviews, Instagram." error=post_error/>
                    <TextField label="Link" name="url" kind="url" autocomplete="off" error=post_error/>
                    <div class="field-row">
                        <TextField label="Audience reached" name="audience" hint="Followers or views, if known." error=post_error/>
                        <TextField label="When" name="occurred_on" kind="date" error=post_error/>
                    </div>
                    <div class="field-row">
                        <TextField label="Because of incident" name="incident" error=post_error/>
                        <TextField label="Because of story" name="story" error=post_error/>
                    </div>
                    <div class="form-actions"><button class="button" type="submit">"Record"</button></div>
                </ActionForm>
            </details>
        </section>
    }
}

/// The segment badge for lists.
pub fn segment_badge(segment: Option<Segment>) -> impl IntoView {
    segment
        .map(|s| view! { <span class=format!("badge segment-{}", s.as_str())>{s.label()}</span> })
}
