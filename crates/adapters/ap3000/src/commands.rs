//! The commands context's device adapter for AP3000 piles (protocol `ap3000`; the device's name
//! is the pile's physical id, 8 hex digits): each method becomes one downlink, and the pile's
//! answer (or its absence after the protocol's resend) decides the command's outcome.
//!
//! Methods: `start` {port, id_tag, mode: full|seconds|energy, limit}, `stop` {port},
//! `reboot`, `set_run_params` (0x83 fields), `set_run_params_2` (0x84), `set_limits` (0x85),
//! `query_state` (0x81), `locate` {seconds}, `ota_self_download` (0xE4),
//! `ota_chunk` {command: 224|225|226|248, total, packet, data_hex}. Ports are 1-based here.

use crate::charging::{ChargeMode, ChargingHandler, SessionFailure};
use crate::gateway::SendFailure;
use crate::messages::{cmd, Downlink, Limits, RunParams1, RunParams2, UpgradeChunk, Uplink, WithRest};
use crate::PhysicalId;
use async_trait::async_trait;
use mgc_charging::IdToken;
use mgc_commands::{AdapterOutcome, DeviceAdapter, InvalidCommand, RpcRequest};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

/// Every method, for messages.
pub const METHODS: &[&str] = &[
    "start",
    "stop",
    "reboot",
    "set_run_params",
    "set_run_params_2",
    "set_limits",
    "query_state",
    "locate",
    "ota_self_download",
    "ota_chunk",
];

/// One checked command.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Start { port: u8, tag: IdToken, mode: ChargeMode },
    Stop { port: u8 },
    Downlink(Downlink),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartParams {
    port: u16,
    id_tag: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    limit: Option<u16>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PortParams {
    port: u16,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocateParams {
    seconds: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChunkParams {
    command: u8,
    total: u16,
    packet: u16,
    data_hex: String,
}

fn invalid(field: &str, message: impl Into<String>) -> InvalidCommand {
    InvalidCommand { field: field.into(), message: message.into() }
}

fn params<T: for<'de> Deserialize<'de>>(params: &Value) -> Result<T, InvalidCommand> {
    let value = if params.is_null() { json!({}) } else { params.clone() };
    serde_json::from_value(value).map_err(|e| invalid("params", e.to_string()))
}

fn port(port: u16) -> Result<u8, InvalidCommand> {
    u8::try_from(port)
        .ok()
        .filter(|p| (1..=16).contains(p))
        .map(|p| p - 1)
        .ok_or_else(|| invalid("params.port", "must be a port number from 1 to 16"))
}

fn bare(command: u8) -> Action {
    Action::Downlink(Downlink::Bare { command, rest: Vec::new() })
}

fn hex(text: &str) -> Result<Vec<u8>, InvalidCommand> {
    let bad = || invalid("params.data_hex", "must be an even number of hex digits, at most 256 bytes");
    if !text.len().is_multiple_of(2) || text.len() > 512 {
        return Err(bad());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()).ok_or_else(bad))
        .collect()
}

fn action(method: &str, p: &Value) -> Result<Action, InvalidCommand> {
    Ok(match method {
        "start" => {
            let s: StartParams = params(p)?;
            let tag = IdToken::parse(&s.id_tag).map_err(|e| invalid("params.id_tag", e.to_string()))?;
            let mode = match (s.mode.as_deref().unwrap_or("full"), s.limit) {
                ("full", _) => ChargeMode::Full,
                ("seconds", Some(l)) if l > 0 => ChargeMode::Seconds(l),
                ("energy", Some(l)) if l > 0 => ChargeMode::CentiKwh(l),
                _ => {
                    return Err(invalid(
                        "params.mode",
                        "must be full, or seconds / energy (0.01 kWh) with a limit above 0",
                    ))
                }
            };
            Action::Start { port: port(s.port)?, tag, mode }
        }
        "stop" => Action::Stop { port: port(params::<PortParams>(p)?.port)? },
        "reboot" => bare(cmd::REBOOT),
        "query_state" => Action::Downlink(Downlink::QueryState { rest: Vec::new() }),
        "ota_self_download" => bare(cmd::UPGRADE_SELF_DOWNLOAD),
        "set_run_params" => {
            Action::Downlink(Downlink::SetRunParams1(WithRest { value: params::<RunParams1>(p)?, rest: Vec::new() }))
        }
        "set_run_params_2" => {
            Action::Downlink(Downlink::SetRunParams2(WithRest { value: params::<RunParams2>(p)?, rest: Vec::new() }))
        }
        "set_limits" => {
            Action::Downlink(Downlink::SetLimits(WithRest { value: params::<Limits>(p)?, rest: Vec::new() }))
        }
        "locate" => Action::Downlink(Downlink::Setting {
            command: cmd::LOCATE,
            value: params::<LocateParams>(p)?.seconds,
            rest: Vec::new(),
        }),
        "ota_chunk" => {
            let c: ChunkParams = params(p)?;
            if ![cmd::UPGRADE, cmd::UPGRADE_POWER_BOARD, cmd::UPGRADE_HOST_WIDE, cmd::UPGRADE_LEGACY]
                .contains(&c.command)
            {
                return Err(invalid("params.command", "must be 224 (0xE0), 225, 226 or 248 (0xF8)"));
            }
            let chunk = UpgradeChunk { total: c.total, packet: c.packet, chunk: hex(&c.data_hex)? };
            Action::Downlink(Downlink::UpgradeChunk { command: c.command, chunk })
        }
        _ => {
            return Err(invalid(
                "method",
                format!("'{method}' is not an AP3000 command (one of {})", METHODS.join(", ")),
            ))
        }
    })
}

/// Sends the commands context's commands to the piles connected to this gateway.
#[derive(Debug, Clone)]
pub struct Ap3000CommandAdapter<U> {
    piles: ChargingHandler<U>,
}

impl<U: crate::charging::telemetry::PileUnits + 'static> Ap3000CommandAdapter<U> {
    /// An adapter over the gateway's charging mapping (and through it, its connections).
    pub fn new(piles: ChargingHandler<U>) -> Self {
        Self { piles }
    }
}

/// The command outcome of a downlink's end.
fn outcome(pile: PhysicalId, wait_online: bool, result: Result<Option<Uplink>, SendFailure>) -> AdapterOutcome {
    match result {
        Ok(None) => AdapterOutcome::Delivered,
        Ok(Some(answer)) => {
            let response = serde_json::to_value(&answer).unwrap_or(Value::Null);
            let refused = match &answer {
                Uplink::CommandAck { ack, .. } => (ack.result != 0).then(|| format!("result {}", ack.result)),
                Uplink::UpgradeAck { ack, .. } => (ack.result != 0).then(|| format!("upgrade result {}", ack.result)),
                _ => None,
            };
            match refused {
                Some(why) => {
                    AdapterOutcome::Refused { reason: format!("pile {pile} refused the command: {why}"), response }
                }
                None => AdapterOutcome::Succeeded { response: Some(response) },
            }
        }
        Err(SendFailure::NotConnected(_)) if wait_online => AdapterOutcome::Retry {
            reason: format!("pile {pile} is not connected; waiting for it (queue_until_online)"),
        },
        Err(SendFailure::NotConnected(_)) => {
            AdapterOutcome::NotSent { reason: format!("pile {pile} is not connected") }
        }
        Err(e @ (SendFailure::Busy(_) | SendFailure::Closed { sent: false, .. })) => {
            AdapterOutcome::Retry { reason: e.to_string() }
        }
        Err(e @ (SendFailure::NoAnswer { .. } | SendFailure::Closed { sent: true, .. })) => {
            AdapterOutcome::Failed { reason: e.to_string() }
        }
        Err(SendFailure::TimedOut) => {
            AdapterOutcome::TimedOut { reason: format!("pile {pile} did not answer before the command's deadline") }
        }
    }
}

fn session_outcome(
    pile: PhysicalId,
    wait_online: bool,
    result: Result<mgc_charging::TransactionId, SessionFailure>,
) -> AdapterOutcome {
    match result {
        Ok(t) => AdapterOutcome::Succeeded { response: Some(json!({"transaction_id": t.0})) },
        Err(SessionFailure::Downlink(e)) => outcome(pile, wait_online, Err(e)),
        Err(e @ SessionFailure::Refused { .. }) => {
            AdapterOutcome::Refused { reason: e.to_string(), response: Value::Null }
        }
        Err(e) => AdapterOutcome::Failed { reason: e.to_string() },
    }
}

#[async_trait]
impl<U: crate::charging::telemetry::PileUnits + 'static> DeviceAdapter for Ap3000CommandAdapter<U> {
    async fn send(&self, request: &RpcRequest) -> AdapterOutcome {
        let action = match action(&request.method, &request.params) {
            Ok(a) => a,
            Err(e) => return AdapterOutcome::NotSent { reason: format!("{}: {}", e.field, e.message) },
        };
        let Some(pile) = PhysicalId::parse_identity(&request.target) else {
            return AdapterOutcome::NotSent {
                reason: format!("'{}' is not an AP3000 physical id (8 hex digits)", request.target),
            };
        };
        if &request.tenant != self.piles.tenant() {
            return AdapterOutcome::NotSent { reason: format!("pile {pile} is not served for this tenant") };
        }
        let wait = request.options.queue_until_online;
        let result = match action {
            Action::Start { port, tag, mode } => {
                session_outcome(pile, wait, self.piles.start(pile, port, tag, mode).await)
            }
            Action::Stop { port } => session_outcome(pile, wait, self.piles.stop(pile, port).await),
            Action::Downlink(d) => {
                let timeout = Duration::from_millis(request.remaining_ms);
                outcome(pile, wait, self.piles.registry().send(pile, d, timeout).await)
            }
        };
        tracing::info!(%pile, method = %request.method, ?result, "AP3000 command");
        result
    }

    fn validate(&self, method: &str, params: &Value) -> Result<(), InvalidCommand> {
        action(method, params).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_methods_then_params_are_checked_and_ports_become_0_based() {
        let start = action("start", &json!({"port": 2, "id_tag": "2056062429"})).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(start, Action::Start { port: 1, mode: ChargeMode::Full, .. }));
        assert!(matches!(action("stop", &json!({"port": 1})), Ok(Action::Stop { port: 0 })));
        assert_eq!(action("reboot", &Value::Null), Ok(bare(0x87)));
        for (method, p, field) in [
            ("start", json!({"port": 0, "id_tag": "1"}), "params.port"),
            ("start", json!({"port": 1, "id_tag": "1", "mode": "seconds"}), "params.mode"),
            ("stop", json!({"port": 17}), "params.port"),
            ("ota_chunk", json!({"command": 1, "total": 1, "packet": 1, "data_hex": ""}), "params.command"),
            ("ota_chunk", json!({"command": 224, "total": 1, "packet": 1, "data_hex": "zz"}), "params.data_hex"),
            ("launch", json!({}), "method"),
            ("set_limits", json!({"max_time_s": 1}), "params"),
        ] {
            let err = action(method, &p).expect_err(method);
            assert_eq!(err.field, field, "{method} {p}");
        }
    }

    #[test]
    fn given_send_failures_then_each_maps_to_its_command_outcome() {
        let pile = PhysicalId(0x04AB_373B);
        assert_eq!(
            outcome(pile, false, Err(SendFailure::NotConnected(pile))),
            AdapterOutcome::NotSent { reason: "pile 04AB373B is not connected".into() }
        );
        assert!(matches!(outcome(pile, true, Err(SendFailure::NotConnected(pile))), AdapterOutcome::Retry { .. }));
        let AdapterOutcome::Failed { reason } =
            outcome(pile, false, Err(SendFailure::NoAnswer { pile, command: 0x87, waited_s: 15 }))
        else {
            panic!("not failed")
        };
        assert!(reason.contains("sent twice"), "{reason}");
        let ack = |result| {
            Ok(Some(Uplink::CommandAck { command: 0x87, ack: crate::messages::Ack { result, rest: Vec::new() } }))
        };
        assert!(matches!(outcome(pile, false, ack(0)), AdapterOutcome::Succeeded { .. }));
        assert!(matches!(outcome(pile, false, ack(1)), AdapterOutcome::Refused { .. }));
    }
}
