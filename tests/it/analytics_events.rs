//! Closing statistics announces only what has consumers: day (and coarser) versions go to the
//! outbox as `StatisticCalculated`, hour versions do not (nothing consumes them; they are read
//! through the stats API). On both backends.

use crate::analytics_support::{post_minutes, site, stats};
use crate::support::TestApp;
use chrono::{Duration, SecondsFormat, TimeZone, Utc};
use mgc_tests::{all_databases, Backend, TestDatabase};

/// `StatisticCalculated` events of `granularity` in the outbox, delivered or not.
async fn announced(db: &TestDatabase, granularity: &str) -> i64 {
    let ty = "analytics.statistic_calculated";
    if db.backend == Backend::Sqlite {
        let sql =
            "SELECT COUNT(*) FROM outbox_events WHERE event_type = $1 AND json_extract(payload, '$.granularity') = $2";
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(ty).bind(granularity).fetch_one(&pool).await.unwrap()
    } else {
        let sql = "SELECT COUNT(*) FROM outbox_events WHERE event_type = $1 AND payload->>'granularity' = $2";
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).bind(ty).bind(granularity).fetch_one(&pool).await.unwrap()
    }
}

#[tokio::test]
async fn given_a_closed_and_a_recomputed_day_then_only_day_and_coarser_versions_are_announced() {
    for db in all_databases().await {
        // 2026-03-29 in Berlin: 23 hours.
        let (start, end) = (
            Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).unwrap(),
        );
        let app = TestApp::new(&db).await;
        app.clock.set(end + Duration::hours(1));
        let s = site(app, "ev", "Europe/Berlin").await;
        post_minutes(&s, "ev", start, end, 1.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        assert_eq!((round.saved.hours_saved, round.saved.days_saved), (23, 1), "{}: {round:?}", db.backend);
        assert_eq!(announced(&db, "hour").await, 0, "{}: hour versions announced", db.backend);
        assert_eq!(announced(&db, "day").await, 1, "{}", db.backend);

        // Late data makes hour and day version 2: again only the day is announced.
        post_minutes(&s, "ev", start + Duration::seconds(1830), start + Duration::seconds(1830), 50.0, 0.0).await;
        s.app.pump().await;
        let round = s.app.analytics_round().await;
        assert!(round.saved.hours_saved >= 1 && round.saved.days_saved == 1, "{}: {round:?}", db.backend);
        assert_eq!((announced(&db, "hour").await, announced(&db, "day").await), (0, 2), "{}", db.backend);

        // The hours themselves are there, read through the API.
        let range = format!(
            "from={}&to={}",
            start.to_rfc3339_opts(SecondsFormat::Secs, true),
            end.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        let hours = stats(&s, &s.admin, &format!("granularity=hour&{range}")).await;
        assert_eq!(hours["items"].as_array().map(Vec::len), Some(23), "{}", db.backend);
    }
}
