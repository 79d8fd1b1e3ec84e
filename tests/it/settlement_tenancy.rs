//! Tenant isolation of tariffs, assignments, settlements and statements.

use crate::settlement_support::*;
use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn given_tenant_a_data_when_tenant_b_asks_then_404_and_nothing_changes() {
    for db in all_databases().await {
        let app = TestApp::new(&db).await;
        let a = app.bearer("acme", Role::Admin);
        let b = app.bearer("globex", Role::Admin);
        let station_a = station(&app, &a, "a-01", "Asia/Shanghai").await;
        let station_b = station(&app, &b, "b-01", "Asia/Shanghai").await;
        let tariff_a = create_tariff(&app, &a, tou_tariff()).await;
        assign(&app, &a, &station_a, &tariff_a, "2026-03-01").await;
        settle(&app, "acme", &day_event(&station_a, "Asia/Shanghai", "2026-03-10", 1, 333, 77)).await;
        let settlement_a =
            settlements(&app, &a, &station_a, "2026-03-10", "2026-03-10").await[0]["id"].as_str().unwrap().to_owned();
        let (s, statement) = app
            .call(
                Method::POST,
                "/api/v1/statements/generate",
                Some(&a),
                Some(json!({"station_id": station_a, "month": "2026-03"})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{statement}");
        let statement_a = statement["id"].as_str().unwrap().to_owned();

        for path in [
            format!("/api/v1/tariffs/{tariff_a}"),
            format!("/api/v1/stations/{station_a}/tariff"),
            format!("/api/v1/settlements/{settlement_a}"),
            format!("/api/v1/statements/{statement_a}"),
            format!("/api/v1/statements/{statement_a}.pdf"),
        ] {
            let (s, body) = app.call(Method::GET, &path, Some(&b), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{}: {path}: {body}", db.backend);
        }
        let (s, _) = app.call(Method::PUT, &format!("/api/v1/tariffs/{tariff_a}"), Some(&b), Some(tou_tariff())).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.call(Method::DELETE, &format!("/api/v1/tariffs/{tariff_a}"), Some(&b), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let steal = json!({"tariff_id": tariff_a, "effective_from": "2026-03-01"});
        let (s, _) =
            app.call(Method::PUT, &format!("/api/v1/stations/{station_b}/tariff"), Some(&b), Some(steal.clone())).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "B cannot assign A's tariff");
        let (s, _) =
            app.call(Method::PUT, &format!("/api/v1/stations/{station_a}/tariff"), Some(&b), Some(steal)).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "B cannot assign to A's station");
        for path in
            [format!("/api/v1/settlements/{settlement_a}/freeze"), format!("/api/v1/statements/{statement_a}/issue")]
        {
            let (s, _) = app.call(Method::POST, &path, Some(&b), None).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        }
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/statements/generate",
                Some(&b),
                Some(json!({"station_id": station_a, "month": "2026-03"})),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(get_ok(&app, &b, "/api/v1/tariffs").await.as_array().unwrap().len(), 0);
        assert_eq!(get_ok(&app, &b, "/api/v1/statements").await["items"].as_array().unwrap().len(), 0);
        assert!(get_ok(&app, &b, "/api/v1/settlements?from=2026-03-01&to=2026-03-31").await["items"]
            .as_array()
            .unwrap()
            .is_empty());
        // A's data is unchanged.
        let still = settlements(&app, &a, &station_a, "2026-03-10", "2026-03-10").await;
        assert_eq!((still[0]["state"].as_str(), still[0]["version"].as_i64()), (Some("calculated"), Some(1)));
        let statement = get_ok(&app, &a, &format!("/api/v1/statements/{statement_a}")).await;
        assert_eq!(statement["state"], "draft");
    }
}
