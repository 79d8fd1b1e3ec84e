//! The settlement and statement lists are lists like the others on both backends:
//! `?limit=&cursor=`, `{items, next_cursor}`, newest first, the station scope applied by the query.

use crate::settlement_support::{assign, create_tariff, day_event, get_ok, settle, station, tou_tariff};
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

const ZONE: &str = "Asia/Shanghai";

/// Follows `next_cursor` from `first` (a path with `limit`); returns every page.
async fn pages(app: &TestApp, token: &str, first: &str) -> Vec<Value> {
    let mut out = vec![get_ok(app, token, first).await];
    while let Some(cursor) = out.last().and_then(|p| p["next_cursor"].as_str().map(str::to_owned)) {
        out.push(get_ok(app, token, &format!("{first}&cursor={cursor}")).await);
        assert!(out.len() < 20, "pages do not end: {out:?}");
    }
    out
}

fn days_of(pages: &[Value]) -> Vec<(String, String)> {
    pages
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .map(|i| (i["day"].as_str().unwrap().to_owned(), i["station_id"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn given_settled_days_of_two_stations_when_listed_by_pages_then_every_day_comes_once_newest_first() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let (a, b) = (station(&app, &admin, "pg-a", ZONE).await, station(&app, &admin, "pg-b", ZONE).await);
        for day in 1..=4 {
            for s in [&a, &b] {
                settle(&app, "acme", &day_event(s, ZONE, &format!("2026-03-0{day}"), 1, 100, 10)).await;
            }
        }

        let all = pages(&app, &admin, "/api/v1/settlements?from=2026-03-01&to=2026-03-31&limit=3").await;
        assert_eq!(all.iter().map(|p| p["items"].as_array().unwrap().len()).collect::<Vec<_>>(), vec![3, 3, 2]);
        assert!(all[2]["next_cursor"].is_null(), "{}", db.backend);
        let listed = days_of(&all);
        let mut expected: Vec<(String, String)> =
            (1..=4).flat_map(|d| [a.clone(), b.clone()].map(|s| (format!("2026-03-0{d}"), s))).collect();
        expected.sort();
        expected.reverse();
        assert_eq!(listed, expected, "{}: newest day first, each once", db.backend);

        // A viewer scoped to station A gets full pages of A only.
        let claims = Claims {
            sub: "scoped".into(),
            tenant_id: Some("acme".into()),
            role: "viewer".into(),
            station_ids: Some(vec![a.clone()]),
            exp: Some((app.clock.now() + chrono::Duration::hours(1)).timestamp()),
            iat: None,
            nbf: None,
        };
        let scoped = app.bearer_with(&claims);
        let mine = pages(&app, &scoped, "/api/v1/settlements?from=2026-03-01&to=2026-03-31&limit=2").await;
        assert_eq!(mine.iter().map(|p| p["items"].as_array().unwrap().len()).collect::<Vec<_>>(), vec![2, 2]);
        assert!(days_of(&mine).iter().all(|(_, s)| *s == a), "{}: {mine:?}", db.backend);

        // Limits are checked like everywhere else.
        let (status, body) = app
            .call(Method::GET, "/api/v1/settlements?from=2026-03-01&to=2026-03-31&limit=0", Some(&admin), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_error(&body, "invalid_query");
    }
}

#[tokio::test]
async fn given_statements_of_several_months_when_listed_by_pages_then_limit_and_cursor_work() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let admin = app.bearer("acme", Role::Admin);
        let a = station(&app, &admin, "st-a", ZONE).await;
        let tariff = create_tariff(&app, &admin, tou_tariff()).await;
        assign(&app, &admin, &a, &tariff, "2026-01-01").await;
        for month in ["2026-01", "2026-02", "2026-03"] {
            settle(&app, "acme", &day_event(&a, ZONE, &format!("{month}-10"), 1, 100, 10)).await;
            let body = json!({"station_id": a, "month": month});
            let (status, draft) = app.call(Method::POST, "/api/v1/statements/generate", Some(&admin), Some(body)).await;
            assert_eq!(status, StatusCode::OK, "{draft}");
        }
        let all = pages(&app, &admin, "/api/v1/statements?limit=2").await;
        let months: Vec<&str> =
            all.iter().flat_map(|p| p["items"].as_array().unwrap()).map(|s| s["month"].as_str().unwrap()).collect();
        assert_eq!(months, vec!["2026-03", "2026-02", "2026-01"], "{}", db.backend);
        assert_eq!(all.len(), 2);
    }
}

#[tokio::test]
async fn given_the_openapi_document_then_the_settlement_and_statement_lists_are_described_as_pages() {
    let app = TestApp::sqlite().await;
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    for (path, page) in [("/api/v1/settlements", "SettlementPage"), ("/api/v1/statements", "StatementPage")] {
        let get = &doc["paths"][path]["get"];
        let params: Vec<&str> =
            get["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(params.contains(&"limit") && params.contains(&"cursor"), "{path}: {params:?}");
        let schema = &get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema.as_str(), Some(format!("#/components/schemas/{page}").as_str()), "{path}: {get}");
        let properties = &doc["components"]["schemas"][page]["properties"];
        assert!(properties["items"].is_object() && properties["next_cursor"].is_object(), "{page}: {properties}");
    }
}
