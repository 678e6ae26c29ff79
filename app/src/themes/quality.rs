//! The themes' quality on a labelled set: 160 comments written as customers write them —
//! several wordings per theme, misspellings, short "ok but late again" answers, comments about
//! two things and comments about nothing. Purity: the share of each theme's comments that are
//! about its main subject. Coverage: the share of comments about something that land in a theme
//! about it. Both are printed; the test fails below the floor.
use super::grouping::{group, Settings, Text};
use super::lexicon::Lexicon;
use std::collections::BTreeMap;

/// (comment, what it is about: one or two labels, or "" for nothing in particular)
const LABELLED: &[(&str, &str)] = &[
    ("Parcel arrived five days late", "late"),
    ("ok but late again", "late"),
    ("Delivery was delayed twice without any notice", "late"),
    ("Still waiting for my order after two weeks", "late"),
    ("My package never arrived", "late"),
    ("Where is my order?? tracking hasn't moved", "late"),
    ("the courier missed the delivery window again", "late"),
    ("Arrived late, the box was fine though", "late"),
    ("Shipping was super slow", "late"),
    ("Took forever to arrive", "late"),
    ("delivery delayed by a week, no email", "late"),
    ("Order is overdue and nobody tells me why", "late"),
    ("late late late", "late"),
    ("It came a day late for the birthday", "late"),
    ("Not delivered on the promised day", "late"),
    ("Courier left it at the wrong door and it came late", "late"),
    ("the delivary was delayd again", "late"),
    ("Good but slow delivery", "late"),
    ("Fine. Late though.", "late"),
    ("Still waiting on the parcel", "late"),
    ("Waited three weeks for a refund", "refund"),
    ("My refund still hasn't come through", "refund"),
    ("Refund took far too long", "refund"),
    ("Returned the item a month ago, no money back yet", "refund"),
    ("They promised a refund and nothing happened", "refund"),
    ("the refnud is taking ages", "refund"),
    ("Still not refunded after the return", "refund"),
    ("How long does a refund take here?", "refund"),
    ("Return label never came so no refund", "refund"),
    ("Got my money back eventually but it took weeks", "refund"),
    ("Reimbursement was slow", "refund"),
    ("refund processed after 30 days, ridiculous", "refund"),
    ("Sent it back and waited forever for the refund", "refund"),
    ("ok, refund finally arrived", "refund"),
    ("The agent was rude to me on the phone", "rude"),
    ("Very rude staff member hung up on me", "rude"),
    ("Customer service was dismissive and condescending", "rude"),
    ("The person I spoke to had a terrible attitude", "rude"),
    ("Unfriendly and unhelpful", "rude"),
    ("She was sarcastic when I asked a simple question", "rude"),
    ("The guy on the phone yelled at me", "rude"),
    ("rude rude rude", "rude"),
    ("Not helpful at all, quite rude actually", "rude"),
    ("Agent was impolite and hung up", "rude"),
    ("The manager was arrogant and dismissive", "rude"),
    ("Felt talked down to, very condescending", "rude"),
    ("Staff member was rood and unhelpfull", "rude"),
    ("The app crashes at checkout every time", "app"),
    ("App keeps crashing when I pay", "app"),
    ("Checkout froze and I lost my basket", "app"),
    ("Got an error message at checkout", "app"),
    ("The website would not load the payment page", "app"),
    ("Payment failed three times in the app", "app"),
    ("App freezes after the update", "app"),
    ("Login is broken on the app", "app"),
    ("Buggy app, crashed twice", "app"),
    ("checkout glitch, had to order by phone", "app"),
    ("The app crashd again", "app"),
    ("Website keeps logging me out at checkout", "app"),
    ("Great product but the app is a mess, it crashes", "app"),
    ("I was charged twice for one order", "billing"),
    ("Double charged on my card", "billing"),
    ("The invoice had the wrong VAT number", "billing"),
    ("Overcharged for delivery", "billing"),
    ("Wrong amount on my bill", "billing"),
    ("Billing is a mess, three invoices for one order", "billing"),
    ("There was an extra fee nobody mentioned", "billing"),
    ("Payment taken twice", "billing"),
    ("my invoce is wrong", "billing"),
    ("Subscription fee went up without warning", "billing"),
    ("They charged me for something I returned", "billing"),
    ("Good, but the invoice had the wrong VAT number", "billing"),
    ("The vase arrived broken", "damaged"),
    ("Screen was cracked out of the box", "damaged"),
    ("Box crushed and the item inside damaged", "damaged"),
    ("Arrived damaged, scratched all over", "damaged"),
    ("The bottle was leaking in the parcel", "damaged"),
    ("Glass shattered in transit", "damaged"),
    ("Dented and scratched", "damaged"),
    ("the lamp came damagd", "damaged"),
    ("One of the plates was broken", "damaged"),
    ("Item broken on arrival, packaging was poor", "damaged"),
    ("Sent the wrong size", "wrong"),
    ("Wrong item in the box", "wrong"),
    ("Got the wrong colour", "wrong"),
    ("Not what I ordered at all", "wrong"),
    ("An item was missing from my order", "wrong"),
    ("Half the order was missing", "wrong"),
    ("They sent a different product", "wrong"),
    ("Wrong product delivered again", "wrong"),
    ("Missing item and no reply to my email", "wrong|wait"),
    ("wrong size and it came late", "wrong|late"),
    ("On hold for 45 minutes", "wait"),
    ("Waited an hour in the queue", "wait"),
    ("Nobody answered the phone", "wait"),
    ("No reply to three emails", "wait"),
    ("They never called back", "wait"),
    ("Promised a call back that never came", "wait"),
    ("Transferred four times and still no answer", "wait"),
    ("My emails were ignored", "wait"),
    ("Hold music for ages", "wait"),
    ("Still no response from support", "wait"),
    ("no one answered my chat", "wait"),
    ("The movie kept buffering", "streaming"),
    ("Playback stutters every few minutes", "streaming"),
    ("Video quality was pixelated", "streaming"),
    ("Constant buffering on the stream", "streaming"),
    ("Sound out of sync with the picture", "streaming"),
    ("Streaming lags all evening", "streaming"),
    ("The film stuttered and froze", "streaming"),
    ("buffring every 5 min", "streaming"),
    ("Rental was unwatchable, buffering", "streaming"),
    ("Lovely friendly staff", "friendly"),
    ("The agent was so helpful and kind", "friendly"),
    ("Really patient with me, thank you", "friendly"),
    ("She went above and beyond", "friendly"),
    ("Polite and quick to help", "friendly"),
    ("Friendly driver, helpful too", "friendly"),
    ("Helpful staff sorted it in minutes", "friendly"),
    ("Kind and patient on the phone", "friendly"),
    ("The team went out of their way for me", "friendly"),
    ("Very friendly", "friendly"),
    ("Late delivery and the box was damaged", "late|damaged"),
    (
        "Charged twice and the refund is taking forever",
        "billing|refund",
    ),
    ("App crashed and then the agent was rude", "app|rude"),
    ("Rude driver, parcel arrived late", "rude|late"),
    (
        "Buffering all night and nobody answered support",
        "streaming|wait",
    ),
    ("Broken lamp, still waiting for a refund", "damaged|refund"),
    (
        "Invoice wrong and on hold for an hour to fix it",
        "billing|wait",
    ),
    ("ok", ""),
    ("Good.", ""),
    ("fine", ""),
    ("Thanks", ""),
    ("All good", ""),
    ("no complaints", ""),
    ("It was fine I guess", ""),
    ("Nothing to add", ""),
    ("n/a", ""),
    ("Satisfied", ""),
    ("Alright", ""),
    ("Great, thanks!", ""),
    ("Keep it up", ""),
    ("Not bad", ""),
    ("Happy with it", ""),
    ("Would buy again", ""),
    ("10/10", ""),
    ("meh", ""),
    ("Good service as always", ""),
    ("Nice", ""),
    ("Delivered on time, well packed", ""),
    ("Quick and easy", ""),
    ("The colour is nice", ""),
    ("Love the product", ""),
    ("Everything as expected", ""),
    ("Ordered on Monday, here Tuesday", ""),
    ("Perfect", ""),
    ("Cheers", ""),
];

#[test]
fn themes_on_the_labelled_set_are_pure_and_cover_what_comments_are_about() {
    assert!(LABELLED.len() >= 150, "{} comments", LABELLED.len());
    let texts: Vec<Text> = LABELLED
        .iter()
        .enumerate()
        .map(|(i, (text, _))| Text {
            id: i as i64,
            text: text.to_string(),
        })
        .collect();
    let labels =
        |i: usize| -> Vec<&str> { LABELLED[i].1.split('|').filter(|l| !l.is_empty()).collect() };
    let (themes, unthemed) = group(&texts, &Lexicon::curated(), Settings::default());

    let (mut pure, mut members) = (0, 0);
    let mut covered = vec![false; LABELLED.len()];
    println!("{:<45} {:>5} {:>7}  subject", "theme", "size", "purity");
    for theme in &themes {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &theme.members {
            for l in labels(m.index) {
                *votes.entry(l).or_default() += 1;
            }
        }
        let subject = votes
            .iter()
            .max_by_key(|(_, n)| **n)
            .map_or("", |(l, _)| *l);
        let right: Vec<usize> = theme
            .members
            .iter()
            .map(|m| m.index)
            .filter(|i| labels(*i).contains(&subject))
            .collect();
        for i in &right {
            covered[*i] = true;
        }
        pure += right.len();
        members += theme.members.len();
        println!(
            "{:<45} {:>5} {:>6.0}%  {subject}",
            theme.name,
            theme.members.len(),
            100.0 * right.len() as f64 / theme.members.len() as f64
        );
    }
    let about: Vec<usize> = (0..LABELLED.len())
        .filter(|i| !labels(*i).is_empty())
        .collect();
    let coverage = about.iter().filter(|i| covered[**i]).count() as f64 / about.len() as f64;
    let purity = pure as f64 / members as f64;
    let nothing_themed = (0..LABELLED.len())
        .filter(|i| labels(*i).is_empty() && !unthemed.contains(i))
        .count();
    println!(
        "{} themes · purity {:.0}% · coverage {:.0}% · {} of {} comments about nothing put in a theme",
        themes.len(),
        purity * 100.0,
        coverage * 100.0,
        nothing_themed,
        LABELLED.len() - about.len()
    );
    assert!(purity >= 0.85, "purity {purity:.2}");
    assert!(coverage >= 0.85, "coverage {coverage:.2}");
    // Every membership says which words put the comment there.
    assert!(themes
        .iter()
        .all(|t| t.members.iter().all(|m| !m.because.is_empty())));
}
