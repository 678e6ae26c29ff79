//! Demo stories: a dozen over eight weeks, two teams, one associate on a four-week streak, others
//! whose streaks broke, one who never logged a story, kudos, comments and spotlights.
use app::accounts::{Role, StaffViewer};
use app::audit::Actor;
use app::db::{now_ms, Db};
use app::error::AppError;
use app::stories::fields::StoryDraft;
use app::stories::{queries, recognition};
use chrono::Duration;

/// (associate, weeks ago, customer, kind, title, situation, what was done, result, lesson, tags, shareable)
type Seed = (
    &'static str,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const STORIES: &[Seed] = &[
    ("priya@example.com", 0, "c-1002", "turned_around",
     "Parcel sent to his old address, reshipped within the hour",
     "Tomás moved last month; the order went to the old flat and the new tenants had left it in the hallway.",
     "Reshipped a fresh one by same-day courier instead of waiting for the lost one to come back, and updated his address everywhere it was stored.",
     "He had the parcel by 6 pm and wrote back that he had expected a week of phone calls.",
     "Do not wait for the return before reshipping when the customer did nothing wrong.",
     "reship, address", false),
    ("lena@example.com", 0, "c-1001", "went_beyond",
     "Warned Dana about the storm before her delivery slipped",
     "The regional hub closed for a storm with Dana's birthday order on the truck.",
     "Called her before the tracking page changed, offered pickup at our shop the same afternoon and kept it gift-wrapped.",
     "She picked it up on time for the party and said nobody had ever called her first.",
     "Call before the tracking page tells them.",
     "proactive, delivery", true),
    ("priya@example.com", 1, "c-1003", "went_beyond",
     "Dropped a gift order off on the way home",
     "Hannah's order for a Saturday party missed the last courier pickup on Friday.",
     "It was on my route home, so I delivered it myself with a handwritten card.",
     "The gift arrived Friday evening; Hannah has since ordered twice more.",
     "", "delivery, personal touch", false),
    ("sam@example.com", 1, "c-1005", "turned_around",
     "Wrong size swapped at his office the same afternoon",
     "Oskar received the wrong jacket size the day before a trip.",
     "Booked a courier to swap it at his office and packed the right size myself.",
     "He had the right jacket three hours later and flew with it.",
     "A swap beats a return label when the customer is on a deadline.",
     "reship, sizing", false),
    ("priya@example.com", 2, "", "good_samaritan",
     "Reunited a lost child with her dad at the entrance",
     "A little girl was crying near the tills; she had lost her father in the car park.",
     "Stayed with her, used the tannoy, and walked the car park rows with security.",
     "Her dad found us within ten minutes. They had bought nothing; they came back the next week.",
     "", "store, community", false),
    ("sam@example.com", 2, "", "good_samaritan",
     "Got a stuck ring off a visitor's finger",
     "A visitor came in asking for soap: her ring was stuck and her finger was swelling.",
     "Cold water, hand cream and the thread trick from a first-aid course; took twenty minutes.",
     "The ring came off unharmed. She bought nothing and told everyone at her office.",
     "Kindness with no sale attached is still the brand.",
     "store, community", false),
    ("lena@example.com", 2, "c-1010", "went_beyond",
     "Translated the setup guide for a customer's mother",
     "The espresso machine was a gift for a mother who reads only Polish.",
     "Wrote a one-page Polish setup guide and emailed it as a PDF.",
     "The customer sent a photo of her mother's first coffee.",
     "", "translation", false),
    ("priya@example.com", 3, "c-1008", "turned_around",
     "Double charge refunded with a personal note",
     "A payment retry charged the card twice.",
     "Refunded the duplicate at once, confirmed it by email and added a handwritten note to the parcel.",
     "The customer left a five-star review mentioning the note.",
     "Confirm refunds in writing straight away; people check their statements.",
     "refund, payments", false),
    ("sam@example.com", 4, "c-1007", "went_beyond",
     "Found a discontinued part in the back warehouse",
     "A long-time customer needed a hinge for a cabinet we stopped selling in 2021.",
     "Searched the returns shelves and found two; sent one free.",
     "The cabinet is back in use and the customer ordered a matching table.",
     "", "parts", false),
    ("jonah@example.com", 5, "c-1004", "turned_around",
     "Refunded a stuttering film before she asked",
     "The playback signals showed Mei's rental buffering for most of the film.",
     "Refunded the rental and wrote to say so before she contacted us.",
     "She replied that she had not planned to complain, and shared the email with friends.",
     "Signals tell us before customers do; act on them.",
     "streaming, refund, proactive", true),
    ("sam@example.com", 5, "c-1009", "went_beyond",
     "Stayed late so a customer could print boarding passes",
     "A customer's printer died the night before an early flight.",
     "Kept the shop open ten minutes longer and printed them at the counter.",
     "They made the flight and stopped by with biscuits the week after.",
     "", "store", false),
    ("jonah@example.com", 6, "c-1006", "went_beyond",
     "Talked a customer through router setup at 10 pm",
     "The new router would not connect and the customer worked from home the next morning.",
     "Stayed on the phone for forty minutes until everything worked.",
     "The customer worked the next day without a hitch.",
     "", "phone, setup", false),
    ("jonah@example.com", 7, "", "good_samaritan",
     "Jump-started a stranded driver in the car park",
     "A driver's battery was dead in our car park on a cold evening.",
     "Fetched the jump leads from the van and got the car going.",
     "They were on their way in ten minutes.",
     "", "community", false),
];

/// (story title, who gives kudos)
const KUDOS: &[(&str, &str)] = &[
    (
        "Got a stuck ring off a visitor's finger",
        "priya@example.com",
    ),
    (
        "Got a stuck ring off a visitor's finger",
        "jonah@example.com",
    ),
    (
        "Got a stuck ring off a visitor's finger",
        "manager@example.com",
    ),
    (
        "Refunded a stuttering film before she asked",
        "sam@example.com",
    ),
    (
        "Refunded a stuttering film before she asked",
        "manager@example.com",
    ),
    (
        "Parcel sent to his old address, reshipped within the hour",
        "lena@example.com",
    ),
    (
        "Warned Dana about the storm before her delivery slipped",
        "priya@example.com",
    ),
];

async fn viewer(db: &Db, email: &str) -> Result<StaffViewer, AppError> {
    let (id, name, role): (i64, String, String) =
        sqlx::query_as("SELECT id, name, role FROM staff_users WHERE email = $1")
            .bind(email)
            .fetch_one(db)
            .await?;
    Ok(StaffViewer {
        id,
        name,
        email: email.to_string(),
        role: Role::decode(&role, "staff_users", id)?,
    })
}

async fn teams(db: &Db, actor: &Actor) -> Result<(), AppError> {
    let front = app::org::teams::create(db, "Front desk", actor).await?;
    let phone = app::org::teams::create(db, "Phone and chat", actor).await?;
    for (email, team) in [
        ("manager@example.com", front),
        ("priya@example.com", front),
        ("sam@example.com", front),
        ("lena@example.com", front),
        ("jonah@example.com", phone),
        ("omar@example.com", phone),
    ] {
        let v = viewer(db, email).await?;
        app::org::teams::assign(db, v.id, Some(team), actor).await?;
    }
    Ok(())
}

pub async fn seed(db: &Db) -> Result<(), AppError> {
    let system = Actor::system("demo seed");
    teams(db, &system).await?;
    let tz = app::org::clock::time_zone(db).await?;
    let today = app::org::clock::day_of(tz, now_ms());
    let monday = app::common::moment::monday_of(today);
    let mut ids = Vec::new();
    for (
        email,
        weeks_ago,
        customer,
        kind,
        title,
        situation,
        action,
        result,
        lesson,
        tags,
        shareable,
    ) in STORIES
    {
        let who = viewer(db, email).await?;
        let day = if *weeks_ago == 0 {
            today
        } else {
            monday - Duration::weeks(*weeks_ago) + Duration::days(2)
        };
        let draft = StoryDraft {
            customer: customer.to_string(),
            occurred_on: day.to_string(),
            title: title.to_string(),
            situation: situation.to_string(),
            action_taken: action.to_string(),
            result: result.to_string(),
            lesson: lesson.to_string(),
            kind: kind.to_string(),
            tags: tags.to_string(),
            shareable: *shareable,
            internal_notes: if *shareable {
                String::new()
            } else {
                "Cost absorbed by the store budget.".into()
            },
            ..Default::default()
        };
        let checked = draft.check(today)?;
        let resolved = queries::people::resolve(db, &checked, &who).await?;
        let actor = Actor::staff(who.id, email);
        ids.push((
            *title,
            queries::write::create(db, &checked, &resolved, who.id, &actor).await?,
        ));
    }
    let id_of = |title: &str| {
        ids.iter()
            .find(|(t, _)| *t == title)
            .map(|(_, id)| *id)
            .unwrap_or(0)
    };
    for (title, email) in KUDOS {
        let giver = viewer(db, email).await?;
        recognition::kudos(
            db,
            id_of(title),
            &giver,
            true,
            &Actor::staff(giver.id, email),
        )
        .await?;
    }
    let manager = viewer(db, "manager@example.com").await?;
    let manager_actor = Actor::staff(manager.id, &manager.email);
    for title in [
        "Refunded a stuttering film before she asked",
        "Got a stuck ring off a visitor's finger",
    ] {
        recognition::spotlight(db, id_of(title), manager.id, true, &manager_actor).await?;
    }
    recognition::comment(
        db,
        id_of("Got a stuck ring off a visitor's finger"),
        manager.id,
        "This is who we are. Sharing it at Monday's huddle.",
        &manager_actor,
    )
    .await?;
    let priya = viewer(db, "priya@example.com").await?;
    recognition::comment(
        db,
        id_of("Refunded a stuttering film before she asked"),
        priya.id,
        "Going to watch the playback signals on my shift too.",
        &Actor::staff(priya.id, &priya.email),
    )
    .await?;
    Ok(())
}
