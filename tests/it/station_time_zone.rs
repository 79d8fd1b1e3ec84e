//! A station's time zone can change until it has statistics; then the change is refused with
//! 409 `time_zone_locked` (PATCH and provisioning alike), and the documented way forward (a new
//! station in the new zone, devices moved to it) works. On both backends, with a DST zone.

use crate::analytics_support::{energy, post_minutes, site, stats};
use crate::ingest_support::{device_id, provision};
use crate::support::{assert_error, TestApp};
use axum::http::{Method, StatusCode};
use chrono::{Duration, SecondsFormat, TimeZone, Utc};
use mgc_tests::all_databases;
use serde_json::json;

#[tokio::test]
async fn given_statistics_in_a_dst_zone_when_time_zone_changed_then_409_and_statistics_stay() {
    for db in all_databases().await {
        // 2026-03-29 in Berlin: 23:00Z (28th) .. 22:00Z (29th) = 23 hours.
        let (start, end) = (
            Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).unwrap(),
        );
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::hours(1));
        let s = site(app, "ber", "Asia/Shanghai").await;
        let path = format!("/api/v1/stations/{}", s.station);

        // Without statistics the zone may change, and the windows follow the new zone.
        let (st, b) =
            s.app.call(Method::PATCH, &path, Some(&s.admin), Some(json!({"time_zone": "Europe/Berlin"}))).await;
        assert_eq!((st, b["time_zone"].as_str()), (StatusCode::OK, Some("Europe/Berlin")), "{}: {b}", db.backend);
        post_minutes(&s, "ber", start, end, 1.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        assert_eq!((round.saved.hours_saved, round.saved.days_saved), (23, 1), "{}: {round:?}", db.backend);
        let range = format!(
            "from={}&to={}",
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let day = stats(&s, &s.admin, &format!("granularity=day&{range}")).await;
        assert_eq!((energy(&day, "grid_import_wh"), &day["items"][0]["period"]), (vec![23_000], &json!("2026-03-29")));

        // With statistics it may not, by PATCH or by provisioning; nothing changes.
        let (st, b) =
            s.app.call(Method::PATCH, &path, Some(&s.admin), Some(json!({"time_zone": "America/New_York"}))).await;
        assert_eq!(st, StatusCode::CONFLICT, "{}: {b}", db.backend);
        assert!(assert_error(&b, "time_zone_locked").contains("Europe/Berlin"), "{b}");
        let body = json!({"code": "ber", "name": "station ber", "time_zone": "UTC"});
        let (st, b) = s.app.call(Method::POST, "/api/v1/provisioning/stations", Some(&s.admin), Some(body)).await;
        assert_eq!(st, StatusCode::CONFLICT, "{}: {b}", db.backend);
        assert_error(&b, "time_zone_locked");
        let (_, got) = s.app.call(Method::GET, &path, Some(&s.admin), None).await;
        assert_eq!(got["time_zone"], "Europe/Berlin", "{}: {got}", db.backend);
        let (st, b) = s
            .app
            .call(Method::PATCH, &path, Some(&s.admin), Some(json!({"name": "renamed", "time_zone": "Europe/Berlin"})))
            .await;
        assert_eq!((st, b["name"].as_str()), (StatusCode::OK, Some("renamed")), "{b}");
        let day = stats(&s, &s.admin, &format!("granularity=day&{range}")).await;
        assert_eq!(energy(&day, "grid_import_wh"), vec![23_000], "{}", db.backend);

        // The documented way forward: a station in the new zone, the devices moved to it.
        let body = json!({"code": "ber-ny", "name": "station ber (New York)", "time_zone": "America/New_York"});
        let moved_to = provision(&s.app, &s.admin, body).await["station"]["id"].as_str().unwrap().to_owned();
        let meter = device_id(&s.app, &s.admin, "meter-ber").await;
        let (st, b) = s
            .app
            .call(
                Method::PATCH,
                &format!("/api/v1/devices/{meter}"),
                Some(&s.admin),
                Some(json!({"station_id": moved_to})),
            )
            .await;
        assert_eq!((st, b["station_id"].as_str()), (StatusCode::OK, Some(moved_to.as_str())), "{}: {b}", db.backend);
    }
}
