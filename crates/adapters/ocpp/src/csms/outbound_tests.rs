#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use serde_json::json;
use std::time::Duration;
use tokio::sync::oneshot::error::TryRecvError;

fn call(action: &str, deadline: Instant) -> (OutboundCall, oneshot::Receiver<CallOutcome>) {
    let (reply, rx) = oneshot::channel();
    (OutboundCall { action: action.into(), payload: json!({"type": "Soft"}), deadline, reply }, rx)
}

fn parsed(text: &str) -> (String, String) {
    match Frame::parse(text).unwrap() {
        Frame::Call { id, action, .. } => (id, action),
        other => panic!("not a CALL: {other:?}"),
    }
}

fn result(id: &str) -> Frame {
    Frame::CallResult { id: id.into(), payload: json!({"status": "Accepted"}) }
}

#[tokio::test]
async fn given_two_calls_then_the_second_is_written_only_after_the_first_is_answered() {
    let now = Instant::now();
    let later = now + Duration::from_secs(30);
    let mut q = CallQueue::new("c1");
    let (first, mut first_rx) = call("Reset", later);
    let (second, mut second_rx) = call("ClearCache", later);
    q.push(first, "CP1");
    q.push(second, "CP1");
    let (id1, action1) = parsed(&q.next_frame(now).unwrap());
    assert_eq!(action1, "Reset");
    assert_eq!(q.next_frame(now), None, "one outstanding call at a time");
    assert!(q.on_answer(&result(&id1)));
    assert_eq!(first_rx.try_recv().unwrap(), Ok(CallReply::Result(json!({"status": "Accepted"}))));
    assert_eq!(second_rx.try_recv(), Err(TryRecvError::Empty));
    let (id2, action2) = parsed(&q.next_frame(now).unwrap());
    assert_eq!(action2, "ClearCache");
    assert_ne!(id1, id2, "every call gets its own message id");
    let error = Frame::CallError {
        id: id2.clone(),
        code: ErrorCode::NotSupported,
        description: "no cache".into(),
        details: json!({}),
    };
    assert!(q.on_answer(&error));
    assert_eq!(
        second_rx.try_recv().unwrap(),
        Ok(CallReply::Error { code: ErrorCode::NotSupported, description: "no cache".into() })
    );
    assert!(!q.is_outstanding());
}

#[tokio::test]
async fn given_an_answer_to_another_id_then_it_is_ignored_and_the_call_stays_outstanding() {
    let now = Instant::now();
    let mut q = CallQueue::new("c1");
    let (c, mut rx) = call("Reset", now + Duration::from_secs(30));
    q.push(c, "CP1");
    let (id, _) = parsed(&q.next_frame(now).unwrap());
    assert!(!q.on_answer(&result("someone-else")));
    assert!(!q.on_answer(&Frame::Call { id: id.clone(), action: "Heartbeat".into(), payload: json!({}) }));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(q.is_outstanding());
    assert!(q.on_answer(&result(&id)));
    assert!(!q.on_answer(&result(&id)), "a repeated answer matches nothing any more");
}

#[tokio::test]
async fn given_deadlines_then_the_outstanding_call_times_out_as_sent_and_a_queued_one_as_not_sent() {
    let now = Instant::now();
    let mut q = CallQueue::new("c1");
    let (sent, mut sent_rx) = call("Reset", now + Duration::from_secs(5));
    let (waiting, mut waiting_rx) = call("Reset", now + Duration::from_secs(3));
    let (patient, mut patient_rx) = call("Reset", now + Duration::from_secs(60));
    q.push(sent, "CP1");
    let (id, _) = parsed(&q.next_frame(now).unwrap());
    q.push(waiting, "CP1");
    q.push(patient, "CP1");
    assert_eq!(q.next_deadline(), Some(now + Duration::from_secs(3)));
    q.expire(now + Duration::from_secs(3));
    assert_eq!(waiting_rx.try_recv().unwrap(), Err(CallFailure::TimedOut { sent: false }));
    assert_eq!(sent_rx.try_recv(), Err(TryRecvError::Empty));
    q.expire(now + Duration::from_secs(5));
    assert_eq!(sent_rx.try_recv().unwrap(), Err(CallFailure::TimedOut { sent: true }));
    assert!(!q.on_answer(&result(&id)), "a late answer finds nothing");
    let (_, action) = parsed(&q.next_frame(now + Duration::from_secs(5)).unwrap());
    assert_eq!(action, "Reset");
    assert_eq!(patient_rx.try_recv(), Err(TryRecvError::Empty));
}

#[tokio::test]
async fn given_a_queued_call_past_its_deadline_then_it_is_never_written() {
    let now = Instant::now();
    let mut q = CallQueue::new("c1");
    let (late, mut late_rx) = call("Reset", now);
    q.push(late, "CP1");
    assert_eq!(q.next_frame(now), None);
    assert_eq!(late_rx.try_recv().unwrap(), Err(CallFailure::TimedOut { sent: false }));
}

#[tokio::test]
async fn given_the_connection_closes_then_every_pending_call_fails_naming_the_reason() {
    let now = Instant::now();
    let later = now + Duration::from_secs(30);
    let mut q = CallQueue::new("c1");
    let (sent, mut sent_rx) = call("Reset", later);
    let (waiting, mut waiting_rx) = call("Reset", later);
    q.push(sent, "CP1");
    q.next_frame(now).unwrap();
    q.push(waiting, "CP1");
    q.close("replaced by a newer connection");
    let reason = "replaced by a newer connection".to_owned();
    assert_eq!(sent_rx.try_recv().unwrap(), Err(CallFailure::Closed { sent: true, reason: reason.clone() }));
    assert_eq!(waiting_rx.try_recv().unwrap(), Err(CallFailure::Closed { sent: false, reason }));
    assert_eq!((q.is_outstanding(), q.queued(), q.next_deadline()), (false, 0, None));
}

#[tokio::test]
async fn given_a_full_queue_then_a_further_call_is_refused_as_busy() {
    let now = Instant::now();
    let mut q = CallQueue::new("c1");
    let mut receivers = Vec::new();
    for _ in 0..MAX_QUEUED_CALLS {
        let (c, rx) = call("Reset", now + Duration::from_secs(30));
        q.push(c, "CP1");
        receivers.push(rx);
    }
    let (extra, mut extra_rx) = call("Reset", now + Duration::from_secs(30));
    q.push(extra, "CP1");
    assert_eq!(extra_rx.try_recv().unwrap(), Err(CallFailure::Busy("CP1".into())));
    assert_eq!(q.queued(), MAX_QUEUED_CALLS);
}
