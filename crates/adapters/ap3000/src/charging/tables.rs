//! Code tables between the pile's protocol and the charging context: port status → connector
//! status, stop reason → session stop reason, order number ⇄ transaction id, card → id tag.

use crate::messages::OrderNumber;
use mgc_charging::{ConnectorErrorCode, ConnectorStatus, StopReason, TransactionId};

/// Order numbers the gateway hands out start with these bytes; the transaction id follows (i32 BE).
const ORDER_PREFIX: &[u8; 4] = b"MGC1";

/// The order number of `transaction` (sent in 0x82, echoed in 0x06 and 0x03).
pub fn order_for(transaction: TransactionId) -> OrderNumber {
    let mut order = [0u8; 16];
    order[..4].copy_from_slice(ORDER_PREFIX);
    order[4..8].copy_from_slice(&transaction.0.to_be_bytes());
    order
}

/// The transaction of an order number the gateway handed out; none for orders the pile built
/// itself (offline card or verification-code starts).
pub fn transaction_of(order: &OrderNumber) -> Option<TransactionId> {
    (order[..4] == ORDER_PREFIX[..])
        .then(|| TransactionId(i32::from_be_bytes([order[4], order[5], order[6], order[7]])))
}

/// Connector status and error code of a port status byte (0x01/0x21), none for codes without meaning.
pub fn connector_status(code: u8) -> Option<(ConnectorStatus, ConnectorErrorCode)> {
    use ConnectorErrorCode as E;
    use ConnectorStatus as S;
    Some(match code {
        0 => (S::Available, E::NoError),
        1 | 5 => (S::Charging, E::NoError),
        2 => (S::Preparing, E::NoError),
        3 => (S::SuspendedEv, E::NoError),
        4 => (S::Faulted, E::PowerMeterFailure),
        6 => (S::Faulted, E::InternalError),
        7 | 9 | 0x0B | 0x0E => (S::Faulted, E::PowerSwitchFailure),
        8 | 0x0A | 0x0D | 0x10 => (S::Faulted, E::OtherError),
        0x0F => (S::Faulted, E::ReaderFailure),
        _ => return None,
    })
}

/// The session stop reason of a 0x03 stop reason byte.
pub fn stop_reason(code: u8) -> StopReason {
    match code {
        1..=4 | 9 | 0x1C => StopReason::Local,
        5 | 0x0D => StopReason::EvDisconnected,
        7 | 0x15 | 0x17 => StopReason::Remote,
        0x16 => StopReason::Local,
        0x0E | 0x1B => StopReason::PowerLoss,
        0x10..=0x12 | 0x18 => StopReason::EmergencyStop,
        _ => StopReason::Other,
    }
}

/// Name of a 0x03 stop reason byte.
pub fn stop_reason_name(code: u8) -> &'static str {
    match code {
        1 => "full",
        2 => "max charging time reached",
        3 => "preset time reached",
        4 => "preset energy reached",
        5 => "unplugged",
        6 => "overload",
        7 => "stopped by server",
        8 => "dynamic overload",
        9 => "power too low",
        0x0A => "ambient too hot",
        0x0B => "port too hot",
        0x0C => "over-current",
        0x0E => "no power",
        0x16 => "stopped by card",
        0x1A => "over-voltage",
        0x1B => "under-voltage",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_transaction_then_its_order_number_leads_back_to_it_and_foreign_orders_do_not() {
        for t in [1, 42, i32::MAX, -5] {
            assert_eq!(transaction_of(&order_for(TransactionId(t))), Some(TransactionId(t)));
        }
        assert_eq!(transaction_of(&[0x20, 0x19, 0x09, 0x01, 0x18, 0, 0, 0x13, 0, 0x30, 0x38, 1, 2, 3, 4, 5]), None);
    }

    #[test]
    fn given_port_and_stop_codes_then_they_map_as_documented() {
        assert_eq!(connector_status(0), Some((ConnectorStatus::Available, ConnectorErrorCode::NoError)));
        assert_eq!(connector_status(2), Some((ConnectorStatus::Preparing, ConnectorErrorCode::NoError)));
        assert_eq!(connector_status(0x0F), Some((ConnectorStatus::Faulted, ConnectorErrorCode::ReaderFailure)));
        assert_eq!(connector_status(0x0C), None);
        assert_eq!(
            (stop_reason(7), stop_reason(5), stop_reason(0x99)),
            (StopReason::Remote, StopReason::EvDisconnected, StopReason::Other)
        );
    }
}
