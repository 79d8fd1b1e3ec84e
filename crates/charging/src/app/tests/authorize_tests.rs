//! Authorize and the local authorization list.

use super::*;
use crate::{authorize, remove_id_tag, AuthorizationStatus, RegistrationStatus};

#[tokio::test]
async fn given_tags_when_authorized_then_accepted_blocked_expired_or_invalid() {
    let w = World::new();
    w.booted().await;
    w.tag_with("GOOD", AuthorizationStatus::Accepted, Some(at(3600))).await;
    w.tag_with("BLOCKED", AuthorizationStatus::Blocked, None).await;
    w.tag_with("OLD", AuthorizationStatus::Accepted, Some(at(-1))).await;
    let cases = [
        ("good", AuthorizationStatus::Accepted),
        ("BLOCKED", AuthorizationStatus::Blocked),
        ("OLD", AuthorizationStatus::Expired),
        ("NOBODY", AuthorizationStatus::Invalid),
    ];
    for (name, want) in cases {
        let info = authorize(w.store.tx(), &tenant(), &cp1(), &tag(name), t0()).await.unwrap();
        assert_eq!(info.status, want, "{name}");
    }
}

#[tokio::test]
async fn given_tag_in_running_session_when_authorized_again_then_concurrent_tx() {
    let w = World::new();
    w.booted().await;
    w.tag_with("TAG1", AuthorizationStatus::Accepted, None).await;
    w.start(1, 0, 0).await;
    let info = authorize(w.store.tx(), &tenant(), &cp1(), &tag("TAG1"), at(5)).await.unwrap();
    assert_eq!(info.status, AuthorizationStatus::ConcurrentTx);
}

#[tokio::test]
async fn given_pending_charge_point_when_authorizing_then_refused() {
    let w = World::rejecting_unknown();
    assert_eq!(w.booted().await.status, RegistrationStatus::Pending);
    let err = authorize(w.store.tx(), &tenant(), &cp1(), &tag("TAG1"), t0()).await.unwrap_err();
    assert_eq!(err.code(), "charge_point_not_accepted");
}

#[tokio::test]
async fn given_list_when_tags_put_and_removed_then_version_counts_changes_only() {
    let w = World::new();
    w.tag_with("A", AuthorizationStatus::Accepted, None).await;
    w.tag_with("A", AuthorizationStatus::Accepted, None).await;
    w.tag_with("B", AuthorizationStatus::Accepted, None).await;
    assert_eq!(remove_id_tag(w.store.tx(), &tenant(), &tag("a")).await.unwrap(), 3);
    assert_eq!(remove_id_tag(w.store.tx(), &tenant(), &tag("a")).await.unwrap(), 3);
    let list = &w.store.snapshot().lists[0];
    assert_eq!((list.version, list.len()), (3, 1));
}
