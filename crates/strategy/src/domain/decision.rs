//! What a strategy decided: set-points per actuator, the reason in words, and the RPC each
//! set-point becomes. Also the no-repeat rule: only set-points that differ from the last ones
//! sent are sent again.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What a set-point acts on; the scheduler maps it to the station's devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actuator {
    /// The battery, through its PCS (or the battery device when there is no PCS).
    Battery,
    /// The PCS's operating mode.
    PcsMode,
    /// The PV inverters' output limit.
    Pv,
}

/// One set-point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Setpoint {
    /// Battery power (W): positive discharges, negative charges, 0 idles.
    BatteryPower {
        /// Watts.
        power_w: i64,
    },
    /// PV output limit (W); `None` lifts the limit.
    PvLimit {
        /// Watts, or no limit.
        limit_w: Option<i64>,
    },
    /// PCS operating mode.
    PcsMode {
        /// Mode name.
        mode: String,
    },
}

/// RPC method of a battery power set-point (`{"power_w": n}`).
pub const METHOD_BATTERY_POWER: &str = "setBatteryPower";
/// RPC method of a PV limit set-point (`{"limit_w": n | null}`).
pub const METHOD_PV_LIMIT: &str = "setPvPowerLimit";
/// RPC method of a PCS mode set-point (`{"mode": s}`).
pub const METHOD_PCS_MODE: &str = "setPcsMode";

impl Setpoint {
    /// What it acts on.
    #[must_use]
    pub fn actuator(&self) -> Actuator {
        match self {
            Setpoint::BatteryPower { .. } => Actuator::Battery,
            Setpoint::PvLimit { .. } => Actuator::Pv,
            Setpoint::PcsMode { .. } => Actuator::PcsMode,
        }
    }

    /// The RPC method and parameters that carry it to a device.
    #[must_use]
    pub fn rpc(&self) -> (&'static str, Value) {
        match self {
            Setpoint::BatteryPower { power_w } => (METHOD_BATTERY_POWER, json!({ "power_w": power_w })),
            Setpoint::PvLimit { limit_w } => (METHOD_PV_LIMIT, json!({ "limit_w": limit_w })),
            Setpoint::PcsMode { mode } => (METHOD_PCS_MODE, json!({ "mode": mode })),
        }
    }

    /// True when `self` is worth sending after `last` was sent: another mode, a limit lifted or
    /// set, or a power that moved by more than `deadband_w`.
    #[must_use]
    pub fn differs_from(&self, last: &Setpoint, deadband_w: i64) -> bool {
        match (self, last) {
            (Setpoint::BatteryPower { power_w: a }, Setpoint::BatteryPower { power_w: b }) => {
                // Stopping (0) is always sent exactly; otherwise small moves are noise.
                (a - b).abs() > deadband_w || ((*a == 0) != (*b == 0))
            }
            (Setpoint::PvLimit { limit_w: a }, Setpoint::PvLimit { limit_w: b }) => match (a, b) {
                (Some(a), Some(b)) => (a - b).abs() > deadband_w,
                (None, None) => false,
                _ => true,
            },
            (a, b) => a != b,
        }
    }
}

/// The outcome of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Set-points that should hold now (empty: nothing to say, e.g. inputs missing).
    pub setpoints: Vec<Setpoint>,
    /// Why, in words.
    pub reason: String,
}

impl Decision {
    /// A decision with no set-points.
    #[must_use]
    pub fn none(reason: impl Into<String>) -> Decision {
        Decision { setpoints: Vec::new(), reason: reason.into() }
    }

    /// The battery power set-point, if the decision has one.
    #[must_use]
    pub fn battery_power_w(&self) -> Option<i64> {
        self.setpoints.iter().find_map(|s| match s {
            Setpoint::BatteryPower { power_w } => Some(*power_w),
            _ => None,
        })
    }

    /// The PV limit set-point: `Some(None)` lifts the limit, `None` says nothing about PV.
    #[must_use]
    pub fn pv_limit_w(&self) -> Option<Option<i64>> {
        self.setpoints.iter().find_map(|s| match s {
            Setpoint::PvLimit { limit_w } => Some(*limit_w),
            _ => None,
        })
    }
}

/// The no-repeat rule: the set-points of `decided` whose actuator was never sent one, or whose
/// last sent set-point differs from it (see [`Setpoint::differs_from`]).
#[must_use]
pub fn to_send(decided: &[Setpoint], last_sent: &[Setpoint], deadband_w: i64) -> Vec<Setpoint> {
    decided
        .iter()
        .filter(|s| match last_sent.iter().find(|l| l.actuator() == s.actuator()) {
            Some(last) => s.differs_from(last, deadband_w),
            None => true,
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_same_setpoint_sent_when_decided_again_then_nothing_to_send() {
        let d = [Setpoint::BatteryPower { power_w: 5000 }];
        assert!(to_send(&d, &d, 0).is_empty());
    }

    #[test]
    fn given_small_move_within_deadband_then_suppressed_but_stop_is_sent() {
        let last = [Setpoint::BatteryPower { power_w: 5000 }];
        assert!(to_send(&[Setpoint::BatteryPower { power_w: 5040 }], &last, 50).is_empty());
        assert_eq!(to_send(&[Setpoint::BatteryPower { power_w: 5100 }], &last, 50).len(), 1);
        let small = [Setpoint::BatteryPower { power_w: 30 }];
        assert_eq!(to_send(&[Setpoint::BatteryPower { power_w: 0 }], &small, 50).len(), 1);
    }

    #[test]
    fn given_pv_limit_lifted_when_compared_then_sent_once() {
        let last = [Setpoint::PvLimit { limit_w: Some(3000) }];
        let lift = [Setpoint::PvLimit { limit_w: None }];
        assert_eq!(to_send(&lift, &last, 100), lift.to_vec());
        assert!(to_send(&lift, &lift, 100).is_empty());
    }

    #[test]
    fn given_new_actuator_when_compared_then_sent() {
        let last = [Setpoint::BatteryPower { power_w: 0 }];
        let d = [Setpoint::BatteryPower { power_w: 0 }, Setpoint::PcsMode { mode: "standby".into() }];
        assert_eq!(to_send(&d, &last, 0), vec![Setpoint::PcsMode { mode: "standby".into() }]);
    }

    #[test]
    fn given_setpoints_when_turned_into_rpc_then_method_and_params_match_docs() {
        assert_eq!(Setpoint::BatteryPower { power_w: -2000 }.rpc(), ("setBatteryPower", json!({"power_w": -2000})));
        assert_eq!(Setpoint::PvLimit { limit_w: None }.rpc(), ("setPvPowerLimit", json!({"limit_w": null})));
    }
}
