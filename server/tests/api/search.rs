//! Keyword search and capped totals: customers, incidents, feedback and stories are found by
//! part of a name, an email, a reference or a word the moment they are saved, stop matching
//! once changed or deleted, and take any typed text (quotes, `*`, `OR`, `-`, `NEAR(`, control
//! characters) as text to find, never as query syntax. Lists count their matches up to 1,000
//! past the page and say "1,000+" beyond.
use crate::helpers::*;
use reqwest::Client;
use serde_json::Value;

/// What each list finds for `q`, as the staff pages ask.
struct Lists<'a> {
    app: &'a TestApp,
    client: &'a Client,
}

impl Lists<'_> {
    async fn customers(&self, q: &str) -> Value {
        let form = [("q", q), ("sort", "name"), ("standing", ""), ("page", "1")];
        self.app
            .call_json(self.client, "customers/list", &form)
            .await
    }

    async fn incidents(&self, q: &str) -> Value {
        self.app
            .call_json(self.client, "incidents/list", &incidents_form(&[("q", q)]))
            .await
    }

    async fn feedback(&self, q: &str) -> Value {
        self.app
            .call_json(self.client, "feedback/list", &feedback_form(&[("q", q)]))
            .await
    }

    async fn stories(&self, q: &str) -> Value {
        self.app
            .call_json(self.client, "stories/list", &stories_form(&[("q", q)]))
            .await
    }

    async fn picker(&self, q: &str) -> Value {
        self.app
            .call_json(self.client, "customers/search", &[("q", q)])
            .await
    }
}

/// The ids of a list's items (or of a bare array).
fn ids(v: &Value) -> Vec<i64> {
    v.get("items")
        .unwrap_or(v)
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// Writes `n` copies of incident `id` at once, the k-th detected k milliseconds before it.
async fn copies_of(app: &TestApp, id: i64, n: i64) {
    sqlx::query(
        "INSERT INTO incidents (customer_id, category_id, severity, source, status, subject_ref,
            description, occurred_at, detected_at, proactive, created_at, updated_at)
         WITH RECURSIVE n (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < $2)
         SELECT customer_id, category_id, severity, source, status, subject_ref,
            description, occurred_at, detected_at - k, proactive, created_at, updated_at
         FROM incidents, n WHERE id = $1",
    )
    .bind(id)
    .bind(n)
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn customers_are_found_by_part_of_their_name_email_or_reference_as_soon_as_saved() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    let dana = customer(&app, &client, "Dana Reyes", "c-1001").await;
    let mei = customer(&app, &client, "Mei Chen", "c-1004").await;
    for (q, expected) in [
        ("reye", vec![dana]),
        ("REYES", vec![dana]),
        ("dana r", vec![dana]),
        ("1004@exam", vec![mei]),
        ("C-100", vec![dana, mei]),
        ("ei", vec![mei]),
        ("z", vec![]),
        ("Reyes Dana", vec![]),
    ] {
        assert_eq!(ids(&lists.customers(q).await), expected, "{q}");
    }
    assert_eq!(ids(&lists.picker("eye").await), vec![dana]);

    let id = dana.to_string();
    let form = customer_form(&[
        ("id", &id),
        ("name", "Dana Okafor"),
        ("email", "dana.okafor@example.org"),
        ("external_ref", "c-1001"),
    ]);
    assert_eq!(
        app.call(&client, "customers/update", &form).await.status(),
        200
    );
    assert_eq!(ids(&lists.customers("reyes").await), Vec::<i64>::new());
    assert_eq!(
        ids(&lists.customers("1001@example.com").await),
        Vec::<i64>::new()
    );
    assert_eq!(ids(&lists.customers("okafor").await), vec![dana]);
    assert_eq!(ids(&lists.customers("example.org").await), vec![dana]);
    assert_eq!(ids(&lists.picker("okaf").await), vec![dana]);

    sqlx::query("DELETE FROM customers WHERE id = $1")
        .bind(mei)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(ids(&lists.customers("mei chen").await), Vec::<i64>::new());
    assert_eq!(lists.customers("c-100").await["total"], 1);
}

#[tokio::test]
async fn incidents_are_found_by_description_reference_or_customer_and_follow_each_change() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    customer(&app, &client, "Dana Reyes", "c-1001").await;
    let mei = customer(&app, &client, "Mei Chen", "c-1004").await;
    let parcel = log_incident_with(
        &app,
        &client,
        &[
            ("description", "Parcel went to the old address"),
            ("subject_ref", "ORD-5521"),
        ],
    )
    .await;
    let ring = log_incident_with(
        &app,
        &client,
        &[("customer", "c-1004"), ("description", "Stuck ring")],
    )
    .await;
    for (q, expected) in [
        ("OLD ADDR", vec![parcel]),
        ("ord-55", vec![parcel]),
        ("5521", vec![parcel]),
        ("reyes", vec![parcel]),
        ("mei", vec![ring]),
        ("ring", vec![ring]),
        ("to", vec![parcel]),
        ("address ring", vec![]),
        // Each text is its own: no term spans a description and a reference or a name.
        ("address\nord-5521", vec![]),
        ("ord-5521\ndana", vec![]),
    ] {
        assert_eq!(ids(&lists.incidents(q).await), expected, "{q}");
    }

    sqlx::query("UPDATE incidents SET description = 'Ring cut off safely' WHERE id = $1")
        .bind(ring)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(ids(&lists.incidents("stuck").await), Vec::<i64>::new());
    assert_eq!(ids(&lists.incidents("cut off").await), vec![ring]);

    let id = mei.to_string();
    let form = customer_form(&[("id", &id), ("name", "Mei Lindqvist")]);
    assert_eq!(
        app.call(&client, "customers/update", &form).await.status(),
        200
    );
    assert_eq!(ids(&lists.incidents("chen").await), Vec::<i64>::new());
    assert_eq!(ids(&lists.incidents("lindq").await), vec![ring]);

    // The JSON API searches the same way.
    let token = api_token(&app, "search").await;
    let res = app
        .api_get(&token, "/api/v1/incidents?q=Old%20Address")
        .await;
    assert_eq!(ids(&ok_json::<Value>(res).await), vec![parcel]);
}

#[tokio::test]
async fn feedback_and_stories_are_found_by_their_words_and_their_customers_name() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    customer(&app, &client, "Dana Reyes", "c-1001").await;
    let res = give_feedback(
        &app,
        &client,
        &[
            ("score", "3"),
            ("comment", "It was fine, the courier was rude"),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let answer = ids(&lists.feedback("").await)[0];
    assert_eq!(ids(&lists.feedback("COURIER").await), vec![answer]);
    assert_eq!(ids(&lists.feedback("reyes").await), vec![answer]);
    assert_eq!(ids(&lists.feedback("polite").await), Vec::<i64>::new());
    sqlx::query("UPDATE feedback SET comment = 'All good' WHERE id = $1")
        .bind(answer)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(ids(&lists.feedback("courier").await), Vec::<i64>::new());
    assert_eq!(ids(&lists.feedback("all goo").await), vec![answer]);

    let story = logged_story(
        &app,
        &client,
        &[
            ("title", "Stuck ring removed"),
            ("customer", "c-1001"),
            ("lesson", "Keep soap at the desk"),
        ],
    )
    .await;
    for (q, expected) in [
        ("ring rem", vec![story]),
        ("SOAP", vec![story]),
        ("removed a parcel", vec![]),
        ("removed the parcel", vec![story]),
        ("reyes", vec![story]),
        ("courier", vec![story]),
        ("yacht", vec![]),
    ] {
        assert_eq!(ids(&lists.stories(q).await), expected, "{q}");
    }
    let id = story.to_string();
    let form = [
        ("id", id.as_str()),
        ("title", "Gift wrapped"),
        ("kind", "went_beyond"),
        ("situation", "S"),
        ("action_taken", "A"),
        ("result", "R"),
    ];
    assert_eq!(
        app.call(&client, "stories/update", &form).await.status(),
        200
    );
    assert_eq!(ids(&lists.stories("stuck ring").await), Vec::<i64>::new());
    assert_eq!(ids(&lists.stories("gift wrap").await), vec![story]);
}

#[tokio::test]
async fn typed_quotes_operators_and_control_characters_are_text_to_find() {
    let app = spawn_app().await;
    let client = app.staff_browser("manager").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    let odd = customer(&app, &client, "O\"Brien *Star* OR-NEAR(x)", "odd-1").await;
    customer(&app, &client, "Dana Reyes", "c-1001").await;
    log_incident(&app, &client, "c-1001", "complaint").await;
    logged_story(&app, &client, &[]).await;
    give_feedback(&app, &client, &[("comment", "fine")]).await;
    let token = api_token(&app, "search").await;
    for q in [
        "\"",
        "\"\"",
        "\"unbalanced",
        "*",
        "reship*",
        "OR",
        "old OR address",
        "-",
        "-old",
        "NEAR(",
        "NEAR(old address, 2)",
        "name : dana",
        "{name}: dana",
        "^dana",
        "dana AND NOT reyes",
        "(((",
        "a\u{1}b",
        "\u{0}",
        "dan\u{0}a",
        "tab\there",
        "\u{7f}\u{1b}[31m",
        "%",
        "_",
        "\\",
        "'; DROP TABLE customers; --",
    ] {
        for (name, v) in [
            ("customers", lists.customers(q).await),
            ("incidents", lists.incidents(q).await),
            ("feedback", lists.feedback(q).await),
            ("stories", lists.stories(q).await),
        ] {
            assert!(v["total"].is_i64(), "{name} {q:?}: {v}");
        }
        assert!(lists.picker(q).await.is_array(), "{q:?}");
        let path = format!("/api/v1/incidents?q={}", app::url_encoding::encode(q));
        assert_eq!(app.api_get(&token, &path).await.status(), 200, "{q:?}");
    }
    for q in ["O\"Brien *Star* OR-NEAR(", "*star*", "\"bri", "or-near(x)"] {
        assert_eq!(ids(&lists.customers(q).await), vec![odd], "{q}");
    }
    assert_eq!(lists.customers("%").await["total"], 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM customers").await,
        2,
        "nothing typed reaches the statement"
    );
}

#[tokio::test]
async fn totals_count_a_thousand_past_the_page_and_say_when_more_match() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    customer(&app, &client, "Dana Reyes", "c-1001").await;
    let first = log_incident(&app, &client, "c-1001", "complaint").await;
    // 1,030 more copies of the incident, written at once.
    copies_of(&app, first, 1030).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM incidents").await, 1031);

    for q in ["", "old address", "reyes"] {
        let page = lists.incidents(q).await;
        assert_eq!(
            (&page["total"], &page["total_capped"]),
            (&Value::from(1000), &Value::from(true)),
            "{q:?}"
        );
        assert_eq!(ids(&page).len(), 25);
        assert_eq!(ids(&page)[0], first, "newest first");
    }
    let on = |page: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let form = incidents_form(&[("q", "old address"), ("page", page)]);
            app.call_json(client, "incidents/list", &form).await
        }
    };
    let second = on("2").await;
    assert_eq!(
        (second["total"].as_i64(), second["total_capped"].as_bool()),
        (Some(1025), Some(true))
    );
    let last = on("42").await;
    assert_eq!(
        (last["total"].as_i64(), last["total_capped"].as_bool()),
        (Some(1031), Some(false))
    );
    assert_eq!(ids(&last).len(), 6);
    assert_eq!(lists.incidents("stuck ring").await["total_capped"], false);
    assert_eq!(lists.customers("").await["total_capped"], false);

    // The JSON API and its schema carry the flag; the page says "1,000+".
    let token = api_token(&app, "search").await;
    let res = app.api_get(&token, "/api/v1/incidents?q=address").await;
    let page: Value = ok_json(res).await;
    assert_eq!(
        (page["total"].as_i64(), page["total_capped"].as_bool()),
        (Some(1000), Some(true))
    );
    let doc = app.api_document().await;
    let schema = &doc["components"]["schemas"]["IncidentPage"];
    assert_eq!(
        schema["properties"]["total_capped"]["type"], "boolean",
        "{schema}"
    );
    let text = app.page_text(&client, "/incidents?q=address").await;
    assert!(text.contains("1–25 of 1,000+"), "{text}");
    let text = app.page_text(&client, "/incidents?q=address&page=42").await;
    assert!(text.contains("1026–1031 of 1031"), "{text}");
}

#[tokio::test]
async fn a_search_walks_the_newest_incidents_and_asks_the_index_when_they_hold_too_few() {
    let app = spawn_app().await;
    let client = app.staff_browser("associate").await;
    let lists = Lists {
        app: &app,
        client: &client,
    };
    customer(&app, &client, "Dana Reyes", "c-1001").await;
    customer(&app, &client, "Lee Nutmeg", "c-1002").await;
    let first = log_incident(&app, &client, "c-1001", "complaint").await;
    // Many times the incidents a search's first walk reads row by row (300), each older than
    // the one before.
    copies_of(&app, first, 2599).await;
    // A word only the three oldest hold; one every 50th holds (too few in the first walk to
    // fill a page); one a recent few and an old few hold; one every 5th holds (the walk fills the
    // page, the index counts the rest); one the oldest 1,450 and every 20th of the newest
    // thousand hold (more than the count's cap, told by the index alone).
    let newest = "SELECT id FROM incidents ORDER BY detected_at DESC";
    let oldest = "SELECT id FROM incidents ORDER BY detected_at ASC";
    let words = [
        (" zephyr", format!("{oldest} LIMIT 3")),
        (
            " marmalade",
            "SELECT id FROM incidents WHERE id % 50 = 0".into(),
        ),
        (
            " quince",
            format!(
                "SELECT id FROM ({newest} LIMIT 4) a UNION SELECT id FROM ({oldest} LIMIT 40) b"
            ),
        ),
        (
            " ginger",
            "SELECT id FROM incidents WHERE id % 5 = 0".into(),
        ),
        (
            " saffron",
            format!(
                "SELECT id FROM ({oldest} LIMIT 1450) a
                 UNION SELECT id FROM ({newest} LIMIT 1000) b WHERE id % 20 = 0"
            ),
        ),
    ];
    for (word, which) in words {
        let sql = format!(
            "UPDATE incidents SET description = description || '{word}' WHERE id IN ({which})"
        );
        sqlx::query(&sql).execute(&app.db).await.unwrap();
    }
    // Lee Nutmeg's are the oldest 1,200 and 40 of the newest thousand: found by name.
    let nutmeg = format!(
        "UPDATE incidents SET customer_id = (SELECT id FROM customers WHERE external_ref = 'c-1002')
         WHERE id IN (SELECT id FROM ({oldest} LIMIT 1200) a
            UNION SELECT id FROM ({newest} LIMIT 1000) b WHERE id % 25 = 1)"
    );
    sqlx::query(&nutmeg).execute(&app.db).await.unwrap();
    sqlx::query("UPDATE incidents SET status = 'resolved' WHERE id % 3 = 0")
        .execute(&app.db)
        .await
        .unwrap();

    // What the list must answer, read straight from the rows.
    let expected = |term: &'static str, status: Option<&'static str>, page: i64| {
        let app = &app;
        async move {
            let mut sql = format!(
                "SELECT i.id FROM incidents i JOIN customers c ON c.id = i.customer_id
                 WHERE (LOWER(i.description) LIKE '%{term}%' OR LOWER(c.name) LIKE '%{term}%')"
            );
            if let Some(s) = status {
                sql.push_str(&format!(" AND i.status = '{s}'"));
            }
            sql.push_str(" ORDER BY i.detected_at DESC, i.id DESC");
            let all: Vec<i64> = sqlx::query_scalar(&sql).fetch_all(&app.db).await.unwrap();
            let offset = ((page - 1) * 25) as usize;
            let limit = offset as i64 + 1000;
            let total = all.len() as i64;
            let counted = if total > limit {
                (limit, true)
            } else {
                (total, false)
            };
            let ids: Vec<i64> = all.into_iter().skip(offset).take(25).collect();
            (ids, counted)
        }
    };
    for (term, status, page) in [
        ("reyes", None, 1),
        ("reyes", None, 2),
        ("reyes", Some("open"), 1),
        ("reyes", Some("resolved"), 3),
        ("zephyr", None, 1),
        ("marmalade", None, 1),
        ("marmalade", None, 2),
        ("marmalade", Some("resolved"), 1),
        ("quince", None, 1),
        ("quince", None, 2),
        ("ginger", None, 1),
        ("ginger", None, 3),
        ("ginger", Some("open"), 2),
        ("saffron", None, 1),
        ("saffron", None, 2),
        ("saffron", Some("open"), 1),
        ("nutmeg", None, 1),
        ("nutmeg", None, 2),
        ("nutmeg", Some("recovering"), 1),
        ("nothing-holds-this", None, 1),
    ] {
        let page_s = page.to_string();
        let mut fields = vec![("q", term), ("page", page_s.as_str())];
        if let Some(s) = status {
            fields.push(("status", s));
        }
        let got = app
            .call_json(&client, "incidents/list", &incidents_form(&fields))
            .await;
        let (want_ids, (total, capped)) = expected(term, status, page).await;
        assert_eq!(ids(&got), want_ids, "{term} {status:?} page {page}");
        assert_eq!(
            (got["total"].as_i64(), got["total_capped"].as_bool()),
            (Some(total), Some(capped)),
            "{term} {status:?} page {page}"
        );
    }
    assert_eq!(ids(&lists.incidents("zephyr").await).len(), 3);
}
