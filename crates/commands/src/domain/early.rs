//! Persistent-RPC state messages that arrive before their RPC id is recorded on a command
//! (ThingsBoard may report QUEUED … SUCCESSFUL while the dispatcher is still storing the id).

use crate::domain::command::{Command, Transition};
use crate::domain::error::CommandError;
use crate::domain::remote::RemoteRpcState;
use chrono::{DateTime, Utc};

/// A buffered state message of an RPC id no command carried yet.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlyRpcUpdate {
    /// Reported status.
    pub status: RemoteRpcState,
    /// The device's reply, when the message had one.
    pub response: Option<serde_json::Value>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

impl Command {
    /// Applies buffered state messages once the command's RPC id is known: in life order (the
    /// highest state wins, never backwards, a first final state ends it), each at its receipt
    /// time but never before `not_before` (the command's last transition).
    pub fn apply_early_updates(
        &mut self,
        mut updates: Vec<EarlyRpcUpdate>,
        not_before: DateTime<Utc>,
    ) -> Result<Vec<Transition>, CommandError> {
        updates.sort_by_key(|u| (u.status.rank(), u.received_at));
        let mut out = Vec::new();
        for u in updates {
            let at = u.received_at.max(not_before);
            out.extend(self.apply_remote(u.status, u.response, at)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::command::{NewCommand, RpcOptions};
    use crate::CommandState;
    use chrono::TimeZone;
    use mgc_contracts::CommandOrigin;
    use mgc_kernel::{DeviceId, StationId, TenantId};
    use serde_json::json;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    fn sent_persistent(oneway: bool) -> Command {
        let mut c = Command::issue(
            NewCommand {
                tenant: TenantId::parse("acme").unwrap(),
                device_id: DeviceId::new(),
                station_id: StationId::new(),
                method: "setMode".into(),
                params: json!({}),
                timeout_s: 60,
                options: RpcOptions { oneway, persistent: true, ..RpcOptions::default() },
                protocol: "thingsboard".into(),
                target: "tb-1".into(),
                origin: CommandOrigin::Api { subject: "u".into() },
                idempotency_key: None,
                fingerprint: "f".into(),
            },
            t(0),
        );
        c.transition(CommandState::Sent, "queued", t(2)).unwrap();
        c.rpc_id = Some("rpc-1".into());
        c
    }

    fn early(status: RemoteRpcState, at: i64, response: Option<serde_json::Value>) -> EarlyRpcUpdate {
        EarlyRpcUpdate { status, response, received_at: t(at) }
    }

    fn to_states(ts: &[Transition]) -> Vec<CommandState> {
        ts.iter().map(|t| t.to).collect()
    }

    #[test]
    fn given_out_of_order_updates_when_applied_then_life_order_and_highest_wins() {
        let mut c = sent_persistent(false);
        let new = c
            .apply_early_updates(
                vec![
                    early(RemoteRpcState::Successful, 1, Some(json!({"mode": "eco"}))),
                    early(RemoteRpcState::Queued, 1, None),
                    early(RemoteRpcState::Delivered, 1, None),
                ],
                t(2),
            )
            .unwrap();
        assert_eq!(to_states(&new), [CommandState::Delivered, CommandState::Succeeded]);
        assert_eq!(c.state, CommandState::Succeeded);
        assert_eq!(c.response, Some(json!({"mode": "eco"})));
        assert!(new.iter().all(|tr| tr.at == t(2)), "never before the command's last transition");
    }

    #[test]
    fn given_only_older_states_when_applied_then_nothing_moves_backwards() {
        let mut c = sent_persistent(false);
        let new = c
            .apply_early_updates(
                vec![early(RemoteRpcState::Sent, 3, None), early(RemoteRpcState::Queued, 4, None)],
                t(2),
            )
            .unwrap();
        assert!(new.is_empty());
        assert_eq!(c.state, CommandState::Sent);
    }

    #[test]
    fn given_two_final_states_when_applied_then_first_received_final_wins() {
        let mut c = sent_persistent(false);
        let new = c
            .apply_early_updates(
                vec![early(RemoteRpcState::Failed, 9, None), early(RemoteRpcState::Timeout, 5, None)],
                t(2),
            )
            .unwrap();
        assert_eq!(to_states(&new), [CommandState::TimedOut]);
        assert_eq!(new[0].at, t(5));
    }

    #[test]
    fn given_oneway_delivered_early_when_applied_then_succeeded() {
        let mut c = sent_persistent(true);
        let new = c.apply_early_updates(vec![early(RemoteRpcState::Delivered, 3, None)], t(2)).unwrap();
        assert_eq!(to_states(&new), [CommandState::Delivered, CommandState::Succeeded]);
    }
}
