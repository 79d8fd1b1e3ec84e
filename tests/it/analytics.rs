//! Statistics end to end through the router on both backends: ingest, automatic closing with an
//! injected clock, late data and versions, DST days, manual close, recompute jobs, isolation.

use crate::analytics_support::*;
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use mgc_iam::Role;
use mgc_tests::all_databases;
use serde_json::json;

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

#[tokio::test]
async fn a_day_of_minute_data_closes_by_itself_into_hours_and_the_day_in_station_time() {
    for db in all_databases().await {
        // Local day 2026-03-01 in Shanghai (UTC+8) is 2026-02-28T16:00Z .. 2026-03-01T16:00Z.
        let (start, end) = (utc(2026, 2, 28, 16), utc(2026, 3, 1, 16));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(1));
        let s = site(app, "sz", "Asia/Shanghai").await;
        post_minutes(&s, "sz", start, end, 4.0, 2000.0).await;
        s.app.pump().await;
        // Not yet: the last hour ended 1 minute ago, the grace is 5 minutes.
        let round = s.app.analytics_round().await;
        assert_eq!(round.saved.hours_saved, 23, "{}: {round:?}", db.backend);
        assert_eq!(round.saved.days_saved, 0, "{}", db.backend);
        s.app.clock.set(end + Duration::minutes(5));
        let round = s.app.analytics_round().await;
        assert_eq!((round.saved.hours_saved, round.saved.days_saved), (1, 1), "{}", db.backend);
        assert!(round.errors.is_empty(), "{:?}", round.errors);

        let hours = stats(
            &s,
            &s.admin,
            &format!(
                "granularity=hour&from={}&to={}",
                start.to_rfc3339_opts(SecondsFormat::Secs, true),
                end.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        )
        .await;
        assert_eq!(hours["time_zone"], "Asia/Shanghai");
        assert_eq!(energy(&hours, "grid_import_wh"), vec![4000; 24], "{}", db.backend);
        assert_eq!(energy(&hours, "pv_generation_wh"), vec![2000; 24], "{}", db.backend);
        assert_eq!(hours["items"][0]["period"], "2026-03-01T00");
        assert_eq!(hours["items"][0]["coverage"], 1.0);
        let day = stats(
            &s,
            &s.admin,
            &format!(
                "granularity=day&from={}&to={}",
                start.to_rfc3339_opts(SecondsFormat::Secs, true),
                end.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        )
        .await;
        assert_eq!(day["items"][0]["period"], "2026-03-01", "{}: {day}", db.backend);
        assert_eq!(energy(&day, "grid_import_wh"), vec![96_000]);
        assert_eq!(energy(&day, "pv_generation_wh"), vec![48_000]);
        assert_eq!(day["items"][0]["version"], 1);
        assert_eq!(day["items"][0]["coverage"], 1.0);
        assert_eq!(day["items"][0]["sources"].as_array().unwrap().len(), 24);

        // Device point statistics of the meter's power.
        let meter_points = stats(
            &s,
            &s.admin,
            &format!(
                "granularity=day&from={}&to={}&point=active_power_w",
                start.to_rfc3339_opts(SecondsFormat::Secs, true),
                end.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        )
        .await;
        let p = &meter_points["points"][0];
        assert_eq!(
            (p["count"].as_i64(), p["mean"].as_f64(), p["energy_wh"].as_i64()),
            (Some(1440), Some(4000.0), Some(96_000))
        );

        // Viewers read; a round with nothing due changes nothing.
        let viewer = s.app.bearer("acme", Role::Viewer);
        stats(&s, &viewer, "granularity=hour&from=2026-02-28T00:00:00Z&to=2026-03-02T00:00:00Z").await;
        assert_eq!(s.app.analytics_round().await.saved.hours_computed, 0, "{}", db.backend);
    }
}

#[tokio::test]
async fn late_data_for_a_closed_hour_makes_version_2_and_version_1_stays_readable() {
    for db in all_databases().await {
        let (start, end) = (utc(2026, 3, 1, 0), utc(2026, 3, 2, 0));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(10));
        let s = site(app, "late", "UTC").await;
        post_minutes(&s, "late", start, end, 4.0, 0.0).await;
        s.app.pump().await;
        s.app.analytics_round().await;
        // A corrected half hour arrives late: 10:00..10:30 at 8 kW instead of 4 kW.
        post_minutes(&s, "late", utc(2026, 3, 1, 10), utc(2026, 3, 1, 10) + Duration::minutes(29), 8.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        // Hour 09 changes too: its last minute ends at the corrected 10:00 sample.
        assert_eq!(
            (round.saved.hours_saved, round.saved.days_saved, round.saved.months_saved),
            (2, 1, 0),
            "{}: {round:?}",
            db.backend
        );
        let range = format!(
            "from={}&to={}",
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let day = stats(&s, &s.admin, &format!("granularity=day&{range}")).await;
        // 10:00-10:29 at 8 kW, the minutes 09:59-10:00 and 10:29-10:30 ramp 4 <-> 8 kW:
        // 96 kWh + 29 min * 4 kW + 2 min * 2 kW = 98 000 Wh.
        let expected = 96_000 + (29 * 4000 + 2 * 2000) / 60;
        assert_eq!(energy(&day, "grid_import_wh"), vec![expected], "{}", db.backend);
        assert_eq!(day["items"][0]["version"], 2);
        let all = stats(&s, &s.admin, &format!("granularity=day&{range}&versions=all")).await;
        let versions: Vec<(i64, bool, i64)> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["version"].as_i64().unwrap(),
                    i["current"].as_bool().unwrap(),
                    i["energy"]["grid_import_wh"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(versions, vec![(1, false, 96_000), (2, true, expected)], "{}", db.backend);
        // The same late data again (a fresh signature) changes nothing and makes no version.
        s.app.clock.advance(Duration::seconds(1));
        post_minutes(&s, "late", utc(2026, 3, 1, 10), utc(2026, 3, 1, 10) + Duration::minutes(29), 8.0, 0.0).await;
        s.app.pump().await;
        assert_eq!(s.app.analytics_round().await.saved.hours_saved, 0, "{}", db.backend);
    }
}

#[tokio::test]
async fn berlin_dst_days_have_23_and_25_hours_and_exact_day_totals() {
    for db in all_databases().await {
        // 2026-03-29 in Berlin: 23:00Z (28th) .. 22:00Z (29th) = 23 hours.
        let (start, end) = (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::hours(1));
        let s = site(app, "ber", "Europe/Berlin").await;
        post_minutes(&s, "ber", start, end, 1.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        assert_eq!((round.saved.hours_saved, round.saved.days_saved), (23, 1), "{}: {round:?}", db.backend);
        let range = format!(
            "from={}&to={}",
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let hours = stats(&s, &s.admin, &format!("granularity=hour&{range}")).await;
        let labels: Vec<&str> =
            hours["items"].as_array().unwrap().iter().map(|h| h["period"].as_str().unwrap()).collect();
        assert_eq!(labels.len(), 23);
        assert!(
            labels.contains(&"2026-03-29T01")
                && labels.contains(&"2026-03-29T03")
                && !labels.contains(&"2026-03-29T02")
        );
        let day = stats(&s, &s.admin, &format!("granularity=day&{range}")).await;
        assert_eq!(energy(&day, "grid_import_wh"), vec![23_000], "{}", db.backend);
        assert_eq!(day["items"][0]["period"], "2026-03-29");
    }
}

#[tokio::test]
async fn manual_close_and_recompute_job_report_progress_and_are_admin_only() {
    for db in all_databases().await {
        let (start, end) = (utc(2026, 3, 1, 0), utc(2026, 3, 1, 6));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(1));
        let s = site(app, "man", "UTC").await;
        post_minutes(&s, "man", start, end, 2.0, 0.0).await;
        let body = json!({"station_id": s.station, "from": start, "to": end});
        let operator = s.app.bearer("acme", Role::Operator);
        let (status, _) =
            s.app.call(Method::POST, "/api/v1/analytics/window-close", Some(&operator), Some(body.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, report) =
            s.app.call(Method::POST, "/api/v1/analytics/window-close", Some(&s.admin), Some(body.clone())).await;
        assert_eq!(status, StatusCode::OK, "{}: {report}", db.backend);
        assert_eq!((report["hours_computed"].as_u64(), report["hours_saved"].as_u64()), (Some(6), Some(6)));
        // Closed hours are left alone unless asked to recalculate.
        let (_, again) =
            s.app.call(Method::POST, "/api/v1/analytics/window-close", Some(&s.admin), Some(body.clone())).await;
        assert_eq!(again["hours_computed"], 0);
        let future = json!({"station_id": s.station, "from": end + Duration::hours(2), "to": end + Duration::hours(3)});
        let (status, err) =
            s.app.call(Method::POST, "/api/v1/analytics/window-close", Some(&s.admin), Some(future)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(assert_error(&err, "invalid_range").contains("has ended"), "{err}");

        let (status, job) = s.app.call(Method::POST, "/api/v1/analytics/recompute", Some(&s.admin), Some(body)).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        assert_eq!((job["state"].as_str(), job["total"].as_u64()), (Some("queued"), Some(6)));
        s.app.analytics_round().await;
        let path = format!("/api/v1/jobs/{}", job["id"].as_str().unwrap());
        let (status, done) = s.app.call(Method::GET, &path, Some(&s.admin), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (done["state"].as_str(), done["done"].as_u64()),
            (Some("succeeded"), Some(6)),
            "{}: {done}",
            db.backend
        );
        assert_eq!(done["result"]["hours_saved"], 0, "unchanged data makes no new version");

        // Tenant B sees neither the station's statistics nor the job.
        let other = s.app.bearer("globex", Role::Admin);
        let stats_path = format!(
            "/api/v1/stats?station_id={}&granularity=hour&from={}&to={}",
            s.station,
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        assert_eq!(s.app.call(Method::GET, &stats_path, Some(&other), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(s.app.call(Method::GET, &path, Some(&other), None).await.0, StatusCode::NOT_FOUND);
        let close = json!({"station_id": s.station, "from": start, "to": end, "recalculate": true});
        assert_eq!(
            s.app.call(Method::POST, "/api/v1/analytics/window-close", Some(&other), Some(close)).await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn bad_stats_queries_get_clear_4xx() {
    let s = site(TestApp::sqlite().await, "bad", "UTC").await;
    let cases = [
        ("granularity=week&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z", "invalid_query"),
        ("granularity=hour&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "invalid_query"),
        ("granularity=hour&from=2024-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "range_too_long"),
        ("granularity=hour&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&versions=some", "invalid_query"),
    ];
    for (query, code) in cases {
        let path = format!("/api/v1/stats?station_id={}&{query}", s.station);
        let (status, body) = s.app.call(Method::GET, &path, Some(&s.admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_error(&body, code);
    }
    let (status, _) = s
        .app
        .call(
            Method::GET,
            "/api/v1/stats?station_id=nope&granularity=hour&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_month_closes_with_its_last_day_and_counts_missing_days_as_uncovered() {
    for db in all_databases().await {
        // Tracking starts with data on the last day of February.
        let (start, end) = (utc(2026, 2, 28, 0), utc(2026, 3, 1, 0));
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::minutes(10));
        let s = site(app, "feb", "UTC").await;
        post_minutes(&s, "feb", start, end, 1.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        assert_eq!(
            (round.saved.days_saved, round.saved.months_saved, round.saved.years_saved),
            (1, 1, 0),
            "{}: {round:?}",
            db.backend
        );
        let month = stats(&s, &s.admin, "granularity=month&from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z").await;
        let item = &month["items"][0];
        assert_eq!(
            (item["period"].as_str(), item["energy"]["grid_import_wh"].as_i64()),
            (Some("2026-02"), Some(24_000)),
            "{month}"
        );
        assert!((item["coverage"].as_f64().unwrap() - 1.0 / 28.0).abs() < 1e-9, "{month}");
        assert!(item["quality"].as_str().unwrap().contains("648 h without statistics"), "{month}");
        assert_eq!(item["sources"].as_array().unwrap().len(), 1, "{month}");
        // No year yet: December has not closed.
        let year = stats(&s, &s.admin, "granularity=year&from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z").await;
        assert!(year["items"].as_array().unwrap().is_empty(), "{year}");
    }
}
