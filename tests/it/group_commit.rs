//! Group commit of ingest batches: merged recording, per-request outcomes, replays inside one
//! group, and isolation of a failing request, on both backends.

use crate::support::{store, t0, tenant};
use mgc_adapter_thingsboard::pipeline::{CommitError, GroupCommitter, IngestJob};
use mgc_api::IngestConfig;
use mgc_eventing::{OutboxStore, UnitOfWork};
use mgc_kernel::{DeviceId, IntegrationId};
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::{record_batches, BatchInput, RawValue};
use mgc_tests::all_databases;
use mgc_tests::Backend;
use std::time::Duration;

fn point(device: DeviceId, key: &str, ts_secs: i64, v: f64) -> StoredPoint {
    StoredPoint {
        device_id: device,
        point: key.into(),
        ts: t0() + chrono::Duration::seconds(ts_secs),
        num_value: Some(v),
        value: RawValue::Number(v),
        raw_key: key.into(),
    }
}

fn batch(tenant_id: &str, points: Vec<StoredPoint>) -> BatchInput {
    BatchInput { tenant: tenant(tenant_id), points, unrouted: vec![], received_at: t0() }
}

/// `(new, changed, duplicate)` of each report.
fn counts(reports: &[mgc_telemetry::BatchReport]) -> Vec<(u64, u64, u64)> {
    reports.iter().map(|r| (r.stored.new, r.stored.changed, r.stored.duplicate)).collect()
}

#[tokio::test]
async fn batches_recorded_together_report_as_if_recorded_one_after_another() {
    for db in all_databases().await {
        let store = store(&db).await;
        let d = DeviceId::new();
        let batches = [
            batch("acme", vec![point(d, "p", 1, 1.0), point(d, "q", 1, 2.0)]),
            batch("acme", vec![point(d, "p", 2, 3.0)]),
            // Repeats a key of the first batch with another value: recorded after it, so changed.
            batch("acme", vec![point(d, "p", 1, 9.0), point(d, "q", 1, 2.0)]),
            // Same key in another tenant is another point.
            batch("globex", vec![point(d, "p", 1, 1.0)]),
        ];
        let refs: Vec<&BatchInput> = batches.iter().collect();
        let mut uow = store.begin().await.unwrap();
        let reports = record_batches(&mut uow, &refs).await.unwrap();
        uow.commit().await.unwrap();
        assert_eq!(counts(&reports), vec![(2, 0, 0), (1, 0, 0), (0, 1, 1), (1, 0, 0)], "{}", db.backend);
        assert!(reports.iter().all(|r| r.event), "{}: every batch had news", db.backend);

        // One event per merged set: {1st, 2nd} of acme, {3rd} of acme, {4th} of globex.
        let claimed = store.claim("probe", t0(), t0(), 100).await.unwrap();
        let news: Vec<(String, u64, u64)> = claimed
            .iter()
            .filter(|c| c.envelope.event_type == "telemetry.received")
            .map(|c| {
                let p = &c.envelope.payload;
                (
                    c.envelope.tenant_id.to_string(),
                    p["new_points"].as_u64().unwrap(),
                    p["changed_points"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(news, vec![("acme".into(), 3, 0), ("acme".into(), 0, 1), ("globex".into(), 1, 0)], "{}", db.backend);
    }
}

fn job(integration: IntegrationId, signature: &str, points: Vec<StoredPoint>) -> IngestJob {
    IngestJob { integration, signature: Some(signature.into()), batch: batch("acme", points) }
}

/// Long enough that jobs submitted together are gathered into one group.
fn lingering() -> IngestConfig {
    IngestConfig { group_commit_linger: Duration::from_millis(200), ..IngestConfig::default() }
}

#[tokio::test]
async fn a_signature_used_twice_in_one_group_rejects_only_the_later_request() {
    for db in all_databases().await {
        let store = store(&db).await;
        let committer = GroupCommitter::start(store.clone(), &lingering());
        let (i, d) = (IntegrationId::new(), DeviceId::new());
        let (a, b, c) = tokio::join!(
            committer.submit(job(i, "sig-1", vec![point(d, "p", 1, 1.0)])),
            committer.submit(job(i, "sig-1", vec![point(d, "p", 2, 2.0)])),
            committer.submit(job(i, "sig-2", vec![point(d, "p", 3, 3.0)])),
        );
        assert_eq!(a.unwrap().stored.new, 1, "{}", db.backend);
        assert!(matches!(b, Err(CommitError::Replayed)), "{}: {b:?}", db.backend);
        assert_eq!(c.unwrap().stored.new, 1, "{}", db.backend);
        // And later, in another group.
        let again = committer.submit(job(i, "sig-2", vec![point(d, "p", 4, 4.0)])).await;
        assert!(matches!(again, Err(CommitError::Replayed)), "{}: {again:?}", db.backend);
    }
}

#[tokio::test]
async fn a_request_the_database_refuses_does_not_fail_the_others_in_its_group() {
    for db in all_databases().await {
        let store = store(&db).await;
        let committer = GroupCommitter::start(store.clone(), &lingering());
        let (i, d) = (IntegrationId::new(), DeviceId::new());
        // PostgreSQL refuses NUL in text: that request fails, the group is retried one by one.
        let (good, bad, other) = tokio::join!(
            committer.submit(job(i, "s1", vec![point(d, "p", 1, 1.0)])),
            committer.submit(job(i, "s2", vec![point(d, "bad\u{0}key", 1, 1.0)])),
            committer.submit(job(i, "s3", vec![point(d, "p", 2, 2.0)])),
        );
        assert_eq!(good.unwrap().stored.new, 1, "{}", db.backend);
        assert_eq!(other.unwrap().stored.new, 1, "{}", db.backend);
        if db.backend == Backend::Postgres {
            assert!(matches!(bad, Err(CommitError::Store(_))), "{bad:?}");
        }
    }
}

#[tokio::test]
async fn the_replay_log_forgets_signatures_only_once_they_are_older_than_the_cutoff() {
    for db in all_databases().await {
        let store = store(&db).await;
        let committer = GroupCommitter::start(store.clone(), &IngestConfig::default());
        let (i, d) = (IntegrationId::new(), DeviceId::new());
        committer.submit(job(i, "sig-old", vec![point(d, "p", 1, 1.0)])).await.unwrap();
        assert_eq!(store.purge_ingest_signatures(t0()).await.unwrap(), 0, "{}: purged too early", db.backend);
        let later = t0() + chrono::Duration::seconds(1);
        assert_eq!(store.purge_ingest_signatures(later).await.unwrap(), 1, "{}", db.backend);
    }
}
