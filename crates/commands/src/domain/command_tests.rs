//! Given/when/then tests of the command aggregate, its state machine and the rules.

use crate::domain::command::{Command, NewCommand, RpcOptions};
use crate::domain::remote::RemoteRpcState;
use crate::domain::rules::{fingerprint, fingerprint_of, key_reuse, KeyReuse};
use crate::{CommandError, CommandSettings, CommandState};
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_contracts::CommandOrigin;
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde_json::json;
use CommandState::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

fn command_for(device: DeviceId, options: RpcOptions, at: DateTime<Utc>) -> Command {
    let params = json!({"p": 1});
    Command::issue(
        NewCommand {
            tenant: TenantId::parse("acme").unwrap(),
            device_id: device,
            station_id: StationId::new(),
            method: "setPower".into(),
            fingerprint: fingerprint(device, "setPower", &params, 30),
            params,
            timeout_s: 30,
            options,
            protocol: "thingsboard".into(),
            target: "tb-1".into(),
            origin: CommandOrigin::Api { subject: "user-1".into() },
            idempotency_key: Some("k1".into()),
        },
        at,
    )
}

fn command() -> Command {
    command_for(DeviceId::new(), RpcOptions::default(), t0())
}

fn in_state(path: &[CommandState]) -> Command {
    let mut c = command();
    for s in path {
        c.transition(*s, "test", t0()).unwrap();
    }
    c
}

#[test]
fn given_new_command_when_issued_then_pending_with_deadline_and_first_transition() {
    let c = command();
    assert_eq!(c.state, Pending);
    assert_eq!(c.deadline, t0() + Duration::seconds(30));
    assert_eq!(c.transitions.len(), 1);
    assert_eq!(c.transitions[0].from, None);
    assert!(c.transitions[0].reason.contains("user-1"));
}

#[test]
fn given_each_legal_path_when_applied_then_every_transition_recorded_with_time_and_reason() {
    let paths: &[&[CommandState]] = &[
        &[Sent, Delivered, Succeeded],
        &[Sent, Succeeded],
        &[Sent, Failed],
        &[Sent, TimedOut],
        &[Sent, Expired],
        &[Sent, Delivered, Failed],
        &[Sent, Delivered, TimedOut],
        &[Failed],
        &[TimedOut],
        &[Expired],
        &[Cancelled],
    ];
    for path in paths {
        let mut c = command();
        for (i, s) in path.iter().enumerate() {
            let at = t0() + Duration::seconds(i as i64 + 1);
            let t = c.transition(*s, format!("step {i}"), at).unwrap();
            assert_eq!(t.to, *s);
            assert_eq!(t.at, at);
        }
        assert_eq!(c.state, *path.last().unwrap());
        assert_eq!(c.transitions.len(), path.len() + 1, "{path:?}");
        assert_eq!(c.reason, format!("step {}", path.len() - 1));
    }
}

#[test]
fn given_terminal_state_when_any_transition_then_illegal_and_unchanged() {
    for end in [Succeeded, Failed, TimedOut, Expired, Cancelled] {
        let mut c = if end == Cancelled || end == Expired { in_state(&[end]) } else { in_state(&[Sent, end]) };
        for to in CommandState::ALL {
            let before = c.clone();
            let err = c.transition(to, "x", t0()).unwrap_err();
            assert_eq!(err, CommandError::IllegalTransition { from: end, to });
            assert_eq!(c, before);
        }
    }
}

#[test]
fn given_illegal_moves_when_tried_then_errors() {
    assert!(command().transition(Delivered, "x", t0()).is_err());
    assert!(command().transition(Succeeded, "x", t0()).is_err());
    assert!(command().transition(Pending, "x", t0()).is_err());
    assert!(in_state(&[Sent]).transition(Cancelled, "x", t0()).is_err());
    assert!(in_state(&[Sent, Delivered]).transition(Sent, "x", t0()).is_err());
    assert!(in_state(&[Sent, Delivered]).transition(Expired, "x", t0()).is_err());
}

#[test]
fn given_pending_when_cancelled_then_cancelled_and_sent_is_not_cancellable() {
    let mut c = command();
    c.cancel("op", t0()).unwrap();
    assert_eq!(c.state, Cancelled);
    let mut sent = in_state(&[Sent]);
    assert!(matches!(sent.cancel("op", t0()), Err(CommandError::NotCancellable { state: Sent, .. })));
    let mut leased = command();
    leased.leased_until = Some(t0() + Duration::seconds(5));
    assert!(matches!(leased.cancel("op", t0()), Err(CommandError::NotCancellable { .. })));
}

#[test]
fn given_deadline_when_never_attempted_then_expired_else_timed_out() {
    let mut c = command();
    assert_eq!(c.on_deadline(t0()).unwrap().to, Expired);
    let mut c = command();
    c.retry_later("connection refused", t0() + Duration::seconds(1), t0());
    let t = c.on_deadline(t0()).unwrap();
    assert_eq!(t.to, TimedOut);
    assert!(t.reason.contains("1 failed attempts") && t.reason.contains("connection refused"), "{}", t.reason);
    assert_eq!(in_state(&[Sent]).on_deadline(t0()).unwrap().to, TimedOut);
    let mut interrupted = command();
    interrupted.lease_owner = Some("dead-dispatcher".into());
    let t = interrupted.on_deadline(t0()).unwrap();
    assert_eq!(t.to, TimedOut);
    assert!(t.reason.contains("unknown"), "{}", t.reason);
    assert_eq!(in_state(&[Sent, Delivered]).on_deadline(t0()).unwrap().to, TimedOut);
}

#[test]
fn given_persistent_rpc_when_states_reported_then_advances_never_backwards_and_repeats_are_noops() {
    let mut c = in_state(&[Sent]);
    assert!(c.apply_remote(RemoteRpcState::Queued, None, t0()).unwrap().is_empty());
    let d = c.apply_remote(RemoteRpcState::Delivered, None, t0()).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(c.state, Delivered);
    assert!(c.apply_remote(RemoteRpcState::Delivered, None, t0()).unwrap().is_empty());
    assert!(c.apply_remote(RemoteRpcState::Sent, None, t0()).unwrap().is_empty());
    let s = c.apply_remote(RemoteRpcState::Successful, Some(json!({"ok": true})), t0()).unwrap();
    assert_eq!(s[0].to, Succeeded);
    assert_eq!(c.response, Some(json!({"ok": true})));
    assert!(c.apply_remote(RemoteRpcState::Failed, None, t0()).unwrap().is_empty());
    assert_eq!(c.state, Succeeded);
}

#[test]
fn given_oneway_persistent_when_delivered_then_succeeded() {
    let mut c =
        command_for(DeviceId::new(), RpcOptions { oneway: true, persistent: true, ..RpcOptions::default() }, t0());
    c.transition(Sent, "x", t0()).unwrap();
    let ts = c.apply_remote(RemoteRpcState::Delivered, None, t0()).unwrap();
    assert_eq!(ts.iter().map(|t| t.to).collect::<Vec<_>>(), vec![Delivered, Succeeded]);
}

#[test]
fn given_reported_failure_states_when_applied_then_mapped() {
    let mut c = in_state(&[Sent]);
    c.apply_remote(RemoteRpcState::Timeout, None, t0()).unwrap();
    assert_eq!(c.state, TimedOut);
    let mut c = in_state(&[Sent]);
    c.apply_remote(RemoteRpcState::Expired, None, t0()).unwrap();
    assert_eq!(c.state, Expired);
    let mut c = in_state(&[Sent, Delivered]);
    c.apply_remote(RemoteRpcState::Expired, None, t0()).unwrap();
    assert_eq!(c.state, TimedOut);
    let mut c = in_state(&[Sent]);
    c.apply_remote(RemoteRpcState::Failed, None, t0()).unwrap();
    assert_eq!(c.state, Failed);
}

#[test]
fn given_status_names_when_parsed_then_case_and_prefix_tolerant() {
    assert_eq!("delivered".parse::<RemoteRpcState>().unwrap(), RemoteRpcState::Delivered);
    assert_eq!("RPC_SUCCESSFUL".parse::<RemoteRpcState>().unwrap(), RemoteRpcState::Successful);
    assert!("DONE".parse::<RemoteRpcState>().unwrap_err().contains("DONE"));
    assert_eq!("timed_out".parse::<CommandState>().unwrap(), TimedOut);
    assert!("nope".parse::<CommandState>().is_err());
}

#[test]
fn given_same_key_when_reused_then_replay_within_24h_conflict_if_different_free_after() {
    let c = command();
    let same = c.fingerprint.clone();
    let other = fingerprint(c.device_id, "setPower", &json!({"p": 2}), 30);
    assert_eq!(key_reuse(&c, &same, t0() + Duration::hours(23)), KeyReuse::Replay);
    assert_eq!(key_reuse(&c, &other, t0() + Duration::hours(1)), KeyReuse::Conflict);
    assert_eq!(key_reuse(&c, &same, t0() + Duration::hours(24)), KeyReuse::Expired);
    assert_eq!(key_reuse(&c, &other, t0() + Duration::hours(25)), KeyReuse::Expired);
}

#[test]
fn given_params_in_any_key_order_when_fingerprinted_then_equal() {
    let d = DeviceId::new();
    let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":2}"#).unwrap();
    let b: serde_json::Value = serde_json::from_str(r#"{"b":2,"a":1}"#).unwrap();
    assert_eq!(fingerprint(d, "m", &a, 30), fingerprint(d, "m", &b, 30));
    assert_ne!(fingerprint(d, "m", &a, 30), fingerprint(d, "m", &a, 31));
    assert_eq!(fingerprint_of(d, "m", &a, 30, false), fingerprint(d, "m", &a, 30), "unchanged without the flag");
    assert_ne!(fingerprint_of(d, "m", &a, 30, true), fingerprint(d, "m", &a, 30), "waiting is another request");
}

#[test]
fn given_settings_when_method_listed_then_options_follow() {
    let s = CommandSettings {
        oneway_methods: vec!["reboot".into()],
        parallel_methods: vec!["getStatus".into()],
        persistent_methods: vec!["reboot".into()],
        ..CommandSettings::default()
    };
    assert_eq!(s.options_for("reboot"), RpcOptions { oneway: true, persistent: true, ..RpcOptions::default() });
    assert_eq!(s.options_for("getStatus"), RpcOptions { parallel: true, ..RpcOptions::default() });
    assert_eq!(s.options_for("setPower"), RpcOptions::default());
}
