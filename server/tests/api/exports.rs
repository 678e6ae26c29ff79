//! `GET /incidents.csv`: the incidents list with the filters in view, as CSV, streamed in
//! chunks; what a spreadsheet would run as a formula is defused.
use crate::helpers::*;

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn the_incidents_list_exports_every_matching_row_once_with_its_filters() {
    let app = spawn_app().await;
    let (me, staff) = staff_with_id(&app, "associate").await;
    customer(&app, &staff, "Dana, \"the\" Reyes", "c-1").await;
    let id = log_incident_with(
        &app,
        &staff,
        &[
            ("customer", "c-1"),
            ("source", "complaint"),
            ("description", "=HYPERLINK(\"http://evil\")"),
        ],
    )
    .await;
    sqlx::query("UPDATE incidents SET assignee_id = $1 WHERE id = $2")
        .bind(me)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    // 1,201 more, several per moment, so the walk crosses chunks and ties on detection time.
    let start: i64 = 1_790_000_000_000;
    for n in 0..1_201_i64 {
        sqlx::query(
            "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
                 occurred_at, detected_at, proactive, created_at, updated_at)
             SELECT customer_id, category_id, severity, source, 'resolved', 'Copy', $1, $1, 0, $1, $1
             FROM incidents WHERE id = $2",
        )
        .bind(start + (n / 3) * HOUR)
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    }

    let res = app.get(&staff, "/incidents.csv").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,customer,category"));
    assert_eq!(lines.len(), 1 + 1_202, "every incident once");
    let ids: std::collections::BTreeSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 1_202, "no row twice");

    // The filters in view narrow it: the one open incident, assigned to me.
    let text = app
        .get(&staff, &format!("/incidents.csv?status=open&assignee={me}"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[1].starts_with(&format!("{id},\"Dana, \"\"the\"\" Reyes\",")));
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "a formula is defused: {}",
        lines[1]
    );

    assert_eq!(
        app.get(&staff, "/incidents.csv?resolved_week=2026-W99")
            .await
            .status(),
        422
    );
    let anonymous = browser();
    let res = app.get(&anonymous, "/incidents.csv").await;
    assert!(res.status().is_redirection() || res.url().path() == "/login");
    let (customer_client, _) = app.customer_browser().await;
    let res = app.get(&customer_client, "/incidents.csv").await;
    assert!(!res.text().await.unwrap().starts_with("id,"));
}
