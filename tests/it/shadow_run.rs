//! Shadow runs through the router on both backends: a peak-shaving strategy over a known
//! synthetic day gives the hand-computed costs, savings, peak reduction and cycles; the job
//! shows progress; all four report formats read back; a webhook hears of the completion.

use crate::alarm_support::{webhook_channel, worker, worker_config, Receiver};
use crate::settlement_support::download;
use crate::shadow_support::{peak_shaving_run, run_shadow, shadow_site, DAY};
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::{json, Value};

// The synthetic day (local Asia/Shanghai, one meter sample a minute) and the run, by hand:
// - 00-08 the site draws 20 kW, under the 25 kW recharge level: the battery charges at
//   25 − 20 = 5 kW (within the 10 kW limit), grid 25 kW; it stores 5 kW × 8 h × 0.8 = 32 kWh,
//   SOC 50 % → 82 % (under the 90 % bound, so charging never stops).
// - 08-12 the site draws 60 kW, over the 50 kW limit: discharge 10 kW, grid 50 kW; 40 kWh out,
//   SOC 82 % → 42 % (over the 10 % bound).
// - 12-24 the site draws 30 kW, between the levels: idle, grid 30 kW.
// Baseline import: 20×8 + 60×4 + 30×12 = 160 + 240 + 360 = 760 kWh.
// Strategy import: 25×8 + 50×4 + 30×12 = 200 + 200 + 360 = 760 kWh (same energy, moved in time).
// Baseline cost: 160×0.30 + 240×1.00 + 360×0.60 = 48 + 240 + 216 = 504.00 CNY = 50 400 fen.
// Strategy cost: 200×0.30 + 200×1.00 + 360×0.60 = 60 + 200 + 216 = 476.00 CNY = 47 600 fen.
// Savings 2 800 fen; peaks (15-minute average import) 60 000 W → 50 000 W, reduction 10 000 W;
// battery charged 40 000 Wh from the grid, discharged 40 000 Wh = 0.4 cycles of 100 kWh.
const BASELINE_MINOR: i64 = 50_400;
const STRATEGY_MINOR: i64 = 47_600;
const SAVINGS_MINOR: i64 = 2_800;

async fn post_run(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/shadow-runs", Some(token), Some(body)).await
}

#[tokio::test]
async fn peak_shaving_over_a_known_day_gives_the_hand_computed_savings_in_every_format() {
    for db in all_databases().await {
        let s = shadow_site(TestApp::new(&db).await, "sh1").await;
        let (app, admin) = (&s.app, &s.admin);
        let operator = app.bearer("acme", Role::Operator);
        let hook = Receiver::start().await;
        let (channel, _) = webhook_channel(app, admin, &hook.url).await;
        let mut body = peak_shaving_run(&s.station);
        body["notify_channel_id"] = json!(channel);

        let (status, run) = post_run(app, &operator, body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{}: {run}", db.backend);
        assert_eq!((run["state"].as_str(), run["step_s"].as_i64()), (Some("queued"), Some(60)));
        let (id, job) = (run["id"].as_str().unwrap().to_owned(), run["job_id"].as_str().unwrap().to_owned());
        let (st, queued_job) = app.call(Method::GET, &format!("/api/v1/jobs/{job}"), Some(admin), None).await;
        assert_eq!(st, StatusCode::OK, "{queued_job}");
        assert_eq!((queued_job["kind"].as_str(), queued_job["state"].as_str()), (Some("shadow_run"), Some("queued")));
        assert_eq!((queued_job["done"].as_i64(), queued_job["total"].as_i64()), (Some(0), Some(1)));
        let (st, _, early) = download(app, admin, &format!("/api/v1/shadow-runs/{id}/report.json")).await;
        assert_eq!(st, StatusCode::CONFLICT, "{}", String::from_utf8_lossy(&early));

        assert_eq!(run_shadow(app).await, 1, "{}", db.backend);

        let (_, done_job) = app.call(Method::GET, &format!("/api/v1/jobs/{job}"), Some(admin), None).await;
        assert_eq!(done_job["state"], "succeeded", "{}: {done_job}", db.backend);
        assert_eq!((done_job["done"].as_i64(), done_job["total"].as_i64()), (Some(1), Some(1)));
        assert_eq!(done_job["result"]["savings_minor"], SAVINGS_MINOR);

        let (st, shown) = app.call(Method::GET, &format!("/api/v1/shadow-runs/{id}"), Some(admin), None).await;
        assert_eq!((st, shown["state"].as_str()), (StatusCode::OK, Some("succeeded")), "{shown}");
        let (st, bytes) = {
            let (st, _, b) = download(app, admin, &format!("/api/v1/shadow-runs/{id}/report.json")).await;
            (st, b)
        };
        assert_eq!(st, StatusCode::OK);
        let report: Value = serde_json::from_slice(&bytes).unwrap();
        let day = &report["days"][0];
        assert_eq!(day["date"], DAY);
        assert_eq!(day["priced"], true);
        assert_eq!(
            (day["baseline"]["import_wh"].as_i64(), day["strategy"]["import_wh"].as_i64()),
            (Some(760_000), Some(760_000))
        );
        assert_eq!(day["baseline"]["net_cost_minor"], BASELINE_MINOR, "{}: {day}", db.backend);
        assert_eq!(day["strategy"]["net_cost_minor"], STRATEGY_MINOR, "{}: {day}", db.backend);
        assert_eq!(day["savings_minor"], SAVINGS_MINOR);
        assert_eq!(
            (day["baseline"]["peak_demand_w"].as_i64(), day["strategy"]["peak_demand_w"].as_i64()),
            (Some(60_000), Some(50_000))
        );
        assert_eq!(day["peak_reduction_w"], 10_000);
        assert_eq!(
            (day["battery"]["charged_wh"].as_i64(), day["battery"]["discharged_wh"].as_i64()),
            (Some(40_000), Some(40_000))
        );
        assert_eq!(day["battery"]["cycles"], 0.4);
        assert_eq!((day["battery"]["soc_max"].as_f64(), day["battery"]["soc_end"].as_f64()), (Some(82.0), Some(42.0)));
        assert_eq!(day["gap_minutes"], 0);
        let totals = &report["totals"];
        assert_eq!(
            (totals["savings_minor"].as_i64(), totals["unpriced_days"].as_i64()),
            (Some(SAVINGS_MINOR), Some(0))
        );
        assert_eq!(totals["currency"], "CNY");

        let (st, ct, csv) = download(app, admin, &format!("/api/v1/shadow-runs/{id}/report.csv")).await;
        assert_eq!((st, ct.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], mgc_reports::SHADOW_CSV_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            format!("day,{DAY},true,CNY,760000,0,60000,504.00,760000,0,50000,476.00,28.00,10000,40000,40000,0.4000,42.00,82.00,42.00,0,0")
        );
        assert!(
            lines[2].starts_with("total,,true,CNY,760000,0,60000,504.00,760000,0,50000,476.00,28.00,10000"),
            "{}",
            lines[2]
        );

        let (st, _, xlsx) = download(app, admin, &format!("/api/v1/shadow-runs/{id}/report.xlsx")).await;
        assert_eq!(st, StatusCode::OK);
        {
            use calamine::{Data, Reader, Xlsx};
            let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
            let sheet = book.worksheet_range("Shadow run").unwrap();
            let row = sheet.rows().find(|r| r.first() == Some(&Data::String("day".into()))).unwrap();
            assert_eq!((&row[7], &row[11], &row[12]), (&Data::Float(504.0), &Data::Float(476.0), &Data::Float(28.0)));
            assert_eq!(row[16], Data::Float(0.4));
        }

        let (st, ct, pdf) = download(app, admin, &format!("/api/v1/shadow-runs/{id}/report.pdf")).await;
        assert_eq!((st, ct.as_str()), (StatusCode::OK, "application/pdf"));
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let pdf_text = doc.extract_text(&pages).unwrap();
        assert!(pdf_text.contains("Savings: 28.00 CNY"), "{}: {pdf_text}", db.backend);
        assert!(pdf_text.contains("Peak reduction: 10000 W"), "{pdf_text}");

        let w = worker(app, worker_config());
        while w.run_once().await.unwrap().claimed > 0 {}
        let received = hook.accepted();
        assert_eq!(received.len(), 1, "{}", db.backend);
        let note = received[0].json();
        assert_eq!(note["event"], "shadow_run.completed", "{note}");
        assert_eq!(note["data"]["totals"]["savings_minor"], SAVINGS_MINOR, "{note}");
        assert_eq!(note["data"]["shadow_run_id"], id.as_str());

        // A viewer scoped to another station of the tenant sees neither the run nor its job.
        let scoped = app.bearer_with(&mgc_iam::Claims {
            sub: "scoped".into(),
            tenant_id: Some("acme".into()),
            role: "viewer".into(),
            station_ids: Some(vec![mgc_kernel::StationId::new().to_string()]),
            exp: Some((mgc_kernel::Clock::now(&app.clock) + chrono::Duration::hours(1)).timestamp()),
            iat: None,
            nbf: None,
        });
        for path in [format!("/api/v1/shadow-runs/{id}"), format!("/api/v1/jobs/{job}")] {
            let (st, b) = app.call(Method::GET, &path, Some(&scoped), None).await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {b}");
        }

        // Tenant B sees none of it.
        let other = app.bearer("beta", Role::Admin);
        for path in [
            format!("/api/v1/shadow-runs/{id}"),
            format!("/api/v1/shadow-runs/{id}/report.csv"),
            format!("/api/v1/jobs/{job}"),
        ] {
            let (st, b) = app.call(Method::GET, &path, Some(&other), None).await;
            assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {b}");
        }
        let (_, list) = app.call(Method::GET, "/api/v1/shadow-runs", Some(&other), None).await;
        assert_eq!(list, json!({"items": [], "next_cursor": null}));
        let (_, list) = app.call(Method::GET, "/api/v1/shadow-runs", Some(admin), None).await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
        let mut foreign = peak_shaving_run(&s.station);
        foreign["from"] = json!("2026-02-20");
        let (st, b) = post_run(app, &other, foreign).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn bad_shadow_run_requests_get_422_naming_the_field() {
    for db in all_databases().await {
        let s = shadow_site(TestApp::new(&db).await, "sh2").await;
        let (app, admin) = (&s.app, &s.admin);
        let cases: Vec<(&str, Value, &str)> = vec![
            ("step_s", json!(7), "step_s"),
            ("to", json!("2026-02-20"), "to:"),
            ("to", json!("2026-03-01"), "has not ended"),
            ("from", json!("2025-10-01"), "at most 92 days"),
            ("from", json!("24/02/2026"), "from:"),
            ("notify_channel_id", json!("0191e2a4-0000-7000-8000-000000000000"), "notify_channel_id"),
            ("strategy", json!({"id": "0191e2a4-0000-7000-8000-000000000000"}), "strategy.id"),
            (
                "strategy",
                json!({"type": "peak_shaving", "params": {"import_limit_w": 50000, "recharge_below_w": 60000,
                "battery": {"min_soc_pct": 10.0, "max_soc_pct": 90.0, "max_charge_w": 10000, "max_discharge_w": 20000}}}),
                "strategy.params.recharge_below_w",
            ),
            ("strategy", json!({"type": "rocket", "params": {}}), "strategy:"),
            (
                "battery",
                json!({"capacity_wh": 100000, "max_charge_w": 10000, "max_discharge_w": 20000, "efficiency": 1.5, "initial_soc": 50.0}),
                "battery.efficiency",
            ),
            ("battery", json!({"capacity_wh": 100000}), "battery:"),
            // serde would read a struct from an array of its fields in order: the forms are objects.
            ("battery", json!([100000, 10000, 20000, 0.9, 50.0]), "battery: must be an object"),
            ("strategy", json!(["peak_shaving", {}]), "strategy: must be an object"),
        ];
        for (field, value, expect) in cases {
            let mut body = peak_shaving_run(&s.station);
            body[field] = value.clone();
            let (st, b) = post_run(app, admin, body).await;
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{}: {field}={value}: {b}", db.backend);
            let message = assert_error(&b, "invalid_shadow_run");
            assert!(message.contains(expect), "{field}={value}: {message}");
        }
        let mut unknown = peak_shaving_run(&s.station);
        unknown["station_id"] = json!("0191e2a4-0000-7000-8000-000000000000");
        assert_eq!(post_run(app, admin, unknown).await.0, StatusCode::NOT_FOUND);
        let viewer = app.bearer("acme", Role::Viewer);
        assert_eq!(post_run(app, &viewer, peak_shaving_run(&s.station)).await.0, StatusCode::FORBIDDEN);
        let (st, b) = app.call(Method::GET, "/api/v1/shadow-runs/not-an-id", Some(admin), None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(run_shadow(app).await, 0, "nothing was queued");
    }
}

#[tokio::test]
async fn a_saved_strategy_replayed_by_id_gives_the_same_savings_and_records_its_version() {
    for db in all_databases().await {
        let s = shadow_site(TestApp::new(&db).await, "sh3").await;
        let (app, admin) = (&s.app, &s.admin);
        let inline = peak_shaving_run(&s.station);
        let mut saved = inline["strategy"].clone();
        saved["station_id"] = json!(s.station);
        saved["name"] = json!("peak 50 kW");
        let (st, strategy) = app.call(Method::POST, "/api/v1/strategies", Some(admin), Some(saved.clone())).await;
        assert_eq!(st, StatusCode::CREATED, "{strategy}");
        let strategy_id = strategy["id"].as_str().unwrap().to_owned();

        let mut body = inline.clone();
        body["strategy"] = json!({"id": strategy_id});
        let (st, run) = post_run(app, admin, body.clone()).await;
        assert_eq!(st, StatusCode::ACCEPTED, "{}: {run}", db.backend);
        assert_eq!(run["strategy_ref"], json!({"id": strategy_id, "version": 1}));
        assert_eq!(run["strategy"]["type"], "peak_shaving");
        assert_eq!(run_shadow(app).await, 1);
        let (_, done) = app
            .call(Method::GET, &format!("/api/v1/shadow-runs/{}", run["id"].as_str().unwrap()), Some(admin), None)
            .await;
        assert_eq!(done["totals"]["savings_minor"], SAVINGS_MINOR, "{}: {done}", db.backend);

        // Both forms at once, a strategy of another station, and an id that is not one: 422.
        let mut both = body.clone();
        both["strategy"]["type"] = json!("peak_shaving");
        let (st, b) = post_run(app, admin, both).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_shadow_run").contains("not both"));
        let mut bad = body.clone();
        bad["strategy"] = json!({"id": "nope"});
        let (st, b) = post_run(app, admin, bad).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_shadow_run").contains("strategy.id: 'nope'"));
        let provisioned = crate::ingest_support::provision(
            app,
            admin,
            json!({"code": "sh3b", "name": "other", "time_zone": "Asia/Shanghai",
                "devices": [{"name": "pcs-sh3b", "kind": "pcs"}]}),
        )
        .await;
        saved["station_id"] = provisioned["station"]["id"].clone();
        let (st, foreign) = app.call(Method::POST, "/api/v1/strategies", Some(admin), Some(saved)).await;
        assert_eq!(st, StatusCode::CREATED, "{foreign}");
        let mut elsewhere = body.clone();
        elsewhere["strategy"] = json!({"id": foreign["id"]});
        let (st, b) = post_run(app, admin, elsewhere).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(assert_error(&b, "invalid_shadow_run").contains("belongs to station"), "{b}");
    }
}
