//! `/api/v1/id-tags` and charge point adoption through the real router on both backends: CRUD,
//! pagination and filters, validation codes, who may write, and tenant isolation.

use crate::charging_store::cp;
use crate::support::{assert_error, tenant, TestApp};
use axum::http::{Method, StatusCode};
use mgc_charging::{boot, BootInfo, ChargingSettings};
use mgc_iam::{Claims, Role};
use mgc_kernel::Clock;
use mgc_tests::all_databases;
use serde_json::{json, Value};

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
    app.call(method, path, Some(token), body).await
}

fn station_scoped(app: &TestApp, role: &str) -> String {
    let now = app.clock.now().timestamp();
    app.bearer_with(&Claims {
        sub: "site-user".into(),
        tenant_id: Some("acme".into()),
        role: role.into(),
        station_ids: Some(vec![uuid::Uuid::now_v7().to_string()]),
        exp: Some(now + 600),
        iat: Some(now),
        nbf: None,
    })
}

#[tokio::test]
async fn given_operator_when_managing_id_tags_then_crud_pages_filters_and_422_codes_on_both_backends() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let op = app.bearer("acme", Role::Operator);
        for (tag, status) in [("card-a", "accepted"), ("CARD-B", "blocked"), ("fob-1", "accepted")] {
            let (s, b) =
                call(&app, Method::PUT, &format!("/api/v1/id-tags/{tag}"), &op, Some(json!({"status": status}))).await;
            assert_eq!(s, StatusCode::OK, "{}: {b}", db.backend);
        }
        let body = json!({"status": "accepted", "expires_at": "2027-01-01T00:00:00Z", "parent": "fob-1"});
        let (s, saved) = call(&app, Method::PUT, "/api/v1/id-tags/CARD-A", &op, Some(body)).await;
        assert_eq!((s, saved["list_version"].as_i64()), (StatusCode::OK, Some(4)), "{saved}");

        let (_, first) = call(&app, Method::GET, "/api/v1/id-tags?limit=2", &op, None).await;
        let tags: Vec<_> = first["items"].as_array().unwrap().iter().map(|t| t["id_tag"].as_str().unwrap()).collect();
        assert_eq!(tags, ["CARD-A", "CARD-B"], "{}: {first}", db.backend);
        let cursor = first["next_cursor"].as_str().unwrap();
        let (_, rest) = call(&app, Method::GET, &format!("/api/v1/id-tags?limit=2&cursor={cursor}"), &op, None).await;
        assert_eq!((rest["items"][0]["id_tag"].as_str(), rest["next_cursor"].is_null()), (Some("fob-1"), true));
        let (_, blocked) = call(&app, Method::GET, "/api/v1/id-tags?status=blocked", &op, None).await;
        assert_eq!(blocked["items"].as_array().unwrap().len(), 1);
        let (_, cards) = call(&app, Method::GET, "/api/v1/id-tags?prefix=card", &op, None).await;
        assert_eq!(cards["items"].as_array().unwrap().len(), 2);
        let (s, one) = call(&app, Method::GET, "/api/v1/id-tags/card-a", &op, None).await;
        assert_eq!(
            (s, one["parent"].as_str(), one["expires_at"].as_str()),
            (StatusCode::OK, Some("fob-1"), Some("2027-01-01T00:00:00Z"))
        );

        let (s, removed) = call(&app, Method::DELETE, "/api/v1/id-tags/CARD-B", &op, None).await;
        assert_eq!((s, removed["list_version"].as_i64()), (StatusCode::OK, Some(5)));
        let (s, gone) = call(&app, Method::DELETE, "/api/v1/id-tags/CARD-B", &op, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_error(&gone, "not_found");

        let too_long = "x".repeat(21);
        for (path, body) in [
            (format!("/api/v1/id-tags/{too_long}"), json!({"status": "accepted"})),
            ("/api/v1/id-tags/ok".to_owned(), json!({"status": "maybe"})),
        ] {
            let (s, b) = call(&app, Method::PUT, &path, &op, Some(body)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {b}");
            assert_error(&b, "invalid_charging_input");
        }
        let (s, b) = call(&app, Method::GET, "/api/v1/id-tags?status=maybe", &op, None).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    }
}

#[tokio::test]
async fn given_other_tenant_viewer_or_station_scope_when_touching_id_tags_then_refused_or_invisible() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let op = app.bearer("acme", Role::Operator);
        call(&app, Method::PUT, "/api/v1/id-tags/SECRET", &op, Some(json!({"status": "accepted"}))).await;

        let beta = app.bearer("beta", Role::Admin);
        let (_, page) = call(&app, Method::GET, "/api/v1/id-tags", &beta, None).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{}", db.backend);
        let (s, _) = call(&app, Method::GET, "/api/v1/id-tags/SECRET", &beta, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = call(&app, Method::DELETE, "/api/v1/id-tags/SECRET", &beta, None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "beta cannot remove acme's tag");
        let (s, saved) =
            call(&app, Method::PUT, "/api/v1/id-tags/SECRET", &beta, Some(json!({"status": "blocked"}))).await;
        assert_eq!((s, saved["list_version"].as_i64()), (StatusCode::OK, Some(1)), "beta's own list");
        let (_, acme) = call(&app, Method::GET, "/api/v1/id-tags/SECRET", &op, None).await;
        assert_eq!(acme["status"], "accepted", "acme's tag unchanged by beta");

        let viewer = app.bearer("acme", Role::Viewer);
        let (s, _) = call(&app, Method::PUT, "/api/v1/id-tags/X", &viewer, Some(json!({"status": "accepted"}))).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let scoped = station_scoped(&app, "admin");
        let (s, b) = call(&app, Method::DELETE, "/api/v1/id-tags/SECRET", &scoped, None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    }
}

#[tokio::test]
async fn given_pending_charge_point_when_listed_and_adopted_then_it_is_accepted_on_both_backends() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let info = BootInfo {
            vendor: "V".into(),
            model: "M".into(),
            serial_number: None,
            firmware_version: None,
            meter_type: None,
            meter_serial_number: None,
        };
        let now = app.clock.now();
        boot(app.store.begin().await.unwrap(), &tenant("acme"), &cp("NEW1"), info, &ChargingSettings::default(), now)
            .await
            .unwrap();
        let op = app.bearer("acme", Role::Operator);
        let (s, pending) = call(&app, Method::GET, "/api/v1/charge-points?registration=pending", &op, None).await;
        assert_eq!(s, StatusCode::OK, "{pending}");
        assert_eq!(pending["items"][0]["identity"], "NEW1", "{}", db.backend);
        let id = pending["items"][0]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/charge-points/{id}/registration");
        let (s, b) = call(&app, Method::PUT, &path, &op, Some(json!({"registration": "adopted"}))).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (s, adopted) = call(&app, Method::PUT, &path, &op, Some(json!({"registration": "accepted"}))).await;
        assert_eq!((s, adopted["registration"].as_str()), (StatusCode::OK, Some("accepted")), "{adopted}");
        let (_, left) = call(&app, Method::GET, "/api/v1/charge-points?registration=pending", &op, None).await;
        assert_eq!(left["items"].as_array().map(Vec::len), Some(0));
        let (s, _) =
            call(&app, Method::PUT, &path, &app.bearer("beta", Role::Admin), Some(json!({"registration": "rejected"})))
                .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "another tenant cannot see it");
    }
}
