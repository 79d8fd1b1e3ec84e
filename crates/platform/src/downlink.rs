//! The command each protocol needs to start, stop or reboot a pile: the method and parameters the
//! commands context's adapter of that protocol takes (see docs/charging.md and docs/ap3000.md).

use crate::{ChargeMode, PlatformError, StartCharge};
use mgc_charging::{Protocol, TransactionId};
use serde_json::{json, Value};

/// A command's method and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Downlink {
    /// Method of the command.
    pub method: &'static str,
    /// Its parameters.
    pub params: Value,
}

/// Id of the charging profile a power-limited OCPP start carries.
const START_PROFILE_ID: u32 = 1;

/// The start command of `request` for a pile speaking `protocol`.
pub fn start_command(protocol: Protocol, request: &StartCharge) -> Result<Downlink, PlatformError> {
    let unsupported = || PlatformError::ModeNotSupported { protocol: protocol.to_string(), mode: request.mode.name() };
    match protocol {
        Protocol::Ocpp16J => {
            let mut params = json!({ "connectorId": request.port, "idTag": request.id_tag.as_str() });
            match request.mode {
                ChargeMode::Full => {}
                ChargeMode::Power(w) => {
                    params["chargingProfile"] = json!({
                        "chargingProfileId": START_PROFILE_ID,
                        "stackLevel": 0,
                        "chargingProfilePurpose": "TxProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "W",
                            "chargingSchedulePeriod": [{ "startPeriod": 0, "limit": w }]
                        }
                    });
                }
                // OCPP 1.6 has no start that ends by itself after a time or an amount of energy.
                ChargeMode::Time(_) | ChargeMode::Energy(_) => return Err(unsupported()),
            }
            Ok(Downlink { method: "RemoteStartTransaction", params })
        }
        Protocol::Ap3000 => {
            let (mode, limit) = match request.mode {
                ChargeMode::Full => ("full", None),
                ChargeMode::Time(s) => ("seconds", Some(ap3000_limit(s, "seconds")?)),
                // The pile counts energy in 0.01 kWh (10 Wh): round up so the order gets its energy.
                ChargeMode::Energy(wh) => ("energy", Some(ap3000_limit(wh.div_ceil(10), "10 Wh")?)),
                ChargeMode::Power(_) => return Err(unsupported()),
            };
            let mut params = json!({ "port": request.port, "id_tag": request.id_tag.as_str(), "mode": mode });
            if let Some(l) = limit {
                params["limit"] = json!(l);
            }
            Ok(Downlink { method: "start", params })
        }
    }
}

fn ap3000_limit(value: u32, unit: &str) -> Result<u16, PlatformError> {
    u16::try_from(value).map_err(|_| {
        PlatformError::invalid("limit", format!("an AP3000 pile takes at most 65535 {unit} (got {value})"))
    })
}

/// The stop command of a charge on `port`; OCPP stops the session's `transaction`.
pub fn stop_command(
    protocol: Protocol,
    port: u32,
    transaction: Option<TransactionId>,
) -> Result<Downlink, PlatformError> {
    match protocol {
        Protocol::Ocpp16J => {
            let transaction = transaction.ok_or(PlatformError::NoOpenSession(port))?;
            Ok(Downlink { method: "RemoteStopTransaction", params: json!({ "transactionId": transaction.0 }) })
        }
        Protocol::Ap3000 => Ok(Downlink { method: "stop", params: json!({ "port": port }) }),
    }
}

/// The reboot command of a pile.
pub fn reboot_command(protocol: Protocol) -> Downlink {
    match protocol {
        Protocol::Ocpp16J => Downlink { method: "Reset", params: json!({ "type": "Hard" }) },
        Protocol::Ap3000 => Downlink { method: "reboot", params: json!({}) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrderNo;
    use mgc_charging::IdToken;

    fn request(mode: ChargeMode) -> StartCharge {
        StartCharge {
            port: 2,
            mode,
            order_no: OrderNo::parse("O-1").unwrap(),
            id_tag: IdToken::parse("PLATFORM").unwrap(),
        }
    }

    #[test]
    fn given_ocpp_when_started_then_remote_start_with_a_power_profile_or_refused() {
        let full = start_command(Protocol::Ocpp16J, &request(ChargeMode::Full)).unwrap();
        assert_eq!(full.method, "RemoteStartTransaction");
        assert_eq!(full.params, json!({ "connectorId": 2, "idTag": "PLATFORM" }));
        let power = start_command(Protocol::Ocpp16J, &request(ChargeMode::Power(7400))).unwrap();
        assert_eq!(power.params["chargingProfile"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"], 7400);
        for mode in [ChargeMode::Time(60), ChargeMode::Energy(1000)] {
            let err = start_command(Protocol::Ocpp16J, &request(mode)).unwrap_err();
            assert_eq!(err.code(), "mode_not_supported");
        }
    }

    #[test]
    fn given_ap3000_when_started_then_seconds_or_energy_in_10_wh_rounded_up() {
        let energy = start_command(Protocol::Ap3000, &request(ChargeMode::Energy(1001))).unwrap();
        assert_eq!(energy.params, json!({ "port": 2, "id_tag": "PLATFORM", "mode": "energy", "limit": 101 }));
        let time = start_command(Protocol::Ap3000, &request(ChargeMode::Time(3600))).unwrap();
        assert_eq!(time.params["mode"], "seconds");
        let too_long = start_command(Protocol::Ap3000, &request(ChargeMode::Time(70_000))).unwrap_err();
        assert_eq!(too_long.code(), "invalid_charge_request");
        let power = start_command(Protocol::Ap3000, &request(ChargeMode::Power(3000))).unwrap_err();
        assert_eq!(power.code(), "mode_not_supported");
    }

    #[test]
    fn given_ocpp_without_session_when_stopped_then_no_open_session() {
        assert_eq!(stop_command(Protocol::Ocpp16J, 1, None).unwrap_err().code(), "no_open_session");
        let stop = stop_command(Protocol::Ocpp16J, 1, Some(TransactionId(7))).unwrap();
        assert_eq!(stop.params, json!({ "transactionId": 7 }));
        assert_eq!(stop_command(Protocol::Ap3000, 3, None).unwrap().params, json!({ "port": 3 }));
    }
}
