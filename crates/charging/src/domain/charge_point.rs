//! The charge point aggregate: identity, boot data, registration and connection state.

use crate::domain::named::named_enum;
use crate::{ChargePointId, DeviceReport, OcppIdentity, PasswordHash, ReportedStatus};
use chrono::{DateTime, Duration, Utc};
use mgc_kernel::{DeviceId, StationId, TenantId};
use serde::{Deserialize, Serialize};

named_enum! {
    /// Registration status answered to a BootNotification.
    pub enum RegistrationStatus {
        /// Registered: the charge point may run transactions.
        Accepted => "accepted",
        /// Known but waiting (e.g. for an operator's approval); it retries the boot later.
        Pending => "pending",
        /// Refused by an operator; it retries the boot later.
        Rejected => "rejected",
    }
}

named_enum! {
    /// The protocol a charge point speaks.
    pub enum Protocol {
        /// OCPP 1.6 over JSON/WebSocket.
        Ocpp16J => "ocpp1.6j",
        /// The AP3000 ("DNY") binary protocol over raw TCP (two-wheeler and small AC piles).
        Ap3000 => "ap3000",
    }
}

impl Protocol {
    /// The `protocol` of the masterdata device a charge point of this protocol is linked to
    /// (the commands context sends through the adapter of that name).
    pub fn device_protocol(self) -> &'static str {
        match self {
            Self::Ocpp16J => "ocpp16",
            Self::Ap3000 => "ap3000",
        }
    }
}

named_enum! {
    /// What a charge point charges: the type the fleet statistics count devices by.
    pub enum ChargerType {
        /// An AC pile (the default of a charge point nobody typed yet).
        Ac => "ac",
        /// A DC fast charger.
        Dc => "dc",
        /// A two-wheeler (e-bike, scooter) charger, as AP3000 piles are in the field.
        TwoWheeler => "two_wheeler",
    }
}

impl ChargerType {
    /// The type a charge point first seen speaking `protocol` gets until an operator sets one
    /// (AP3000 piles are two-wheeler chargers; everything else is AC).
    pub fn default_for(protocol: Protocol) -> Self {
        match protocol {
            Protocol::Ap3000 => Self::TwoWheeler,
            Protocol::Ocpp16J => Self::Ac,
        }
    }
}

named_enum! {
    /// Whether a charge point is reachable, derived from its last message and the heartbeat timeout.
    pub enum Connection {
        /// A message arrived within the timeout and the connection was not closed since.
        Online => "online",
        /// Silent longer than the timeout, disconnected, or never seen.
        Offline => "offline",
    }
}

/// What a charge point says about itself in its BootNotification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootInfo {
    /// Vendor.
    pub vendor: String,
    /// Model.
    pub model: String,
    /// Serial number of the charge point (or of its charge box when only that was sent).
    pub serial_number: Option<String>,
    /// Firmware version.
    pub firmware_version: Option<String>,
    /// Type of its main meter.
    pub meter_type: Option<String>,
    /// Serial number of its main meter.
    pub meter_serial_number: Option<String>,
}

/// A charge point of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargePoint {
    /// Id.
    pub id: ChargePointId,
    /// Owner tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Station it belongs to, once assigned.
    pub station_id: Option<StationId>,
    /// Masterdata device it is, once linked.
    pub device_id: Option<DeviceId>,
    /// OCPP identity.
    pub identity: OcppIdentity,
    /// Protocol.
    pub protocol: Protocol,
    /// AC, DC or two-wheeler (set by an operator; defaulted from the protocol).
    pub charger_type: ChargerType,
    /// Data of its last BootNotification (none before the first boot).
    pub boot_info: Option<BootInfo>,
    /// Registration status.
    pub registration: RegistrationStatus,
    /// Whether it was last known connected (switched by messages, disconnects and the sweep).
    pub connected: bool,
    /// When its last message arrived.
    pub last_seen: Option<DateTime<Utc>>,
    /// When its last BootNotification arrived.
    pub last_boot_at: Option<DateTime<Utc>>,
    /// When it was first recorded.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Hash of its HTTP Basic password (none: it cannot connect until an operator sets one).
    #[serde(skip)]
    pub password_hash: Option<PasswordHash>,
    /// Its latest FirmwareStatusNotification.
    pub firmware: Option<ReportedStatus>,
    /// Its latest DiagnosticsStatusNotification.
    pub diagnostics: Option<ReportedStatus>,
}

impl ChargePoint {
    /// A charge point recorded before it ever booted (by an operator) or at its first boot.
    pub fn register(
        tenant: TenantId,
        identity: OcppIdentity,
        registration: RegistrationStatus,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: ChargePointId::new(),
            tenant,
            station_id: None,
            device_id: None,
            identity,
            protocol: Protocol::Ocpp16J,
            charger_type: ChargerType::Ac,
            boot_info: None,
            registration,
            connected: false,
            last_seen: None,
            last_boot_at: None,
            created_at: now,
            updated_at: now,
            password_hash: None,
            firmware: None,
            diagnostics: None,
        }
    }

    /// Keeps the latest firmware or diagnostics status of `report` (a DataTransfer changes nothing).
    pub fn record_report_status(&mut self, report: &DeviceReport, now: DateTime<Utc>) {
        let reported = |status: &String| Some(ReportedStatus { status: status.clone(), at: now });
        match report {
            DeviceReport::FirmwareStatus(status) => self.firmware = reported(status),
            DeviceReport::DiagnosticsStatus(status) => self.diagnostics = reported(status),
            DeviceReport::DataTransfer { .. } => return,
        }
        self.updated_at = now;
    }

    /// Records a BootNotification's data.
    pub fn record_boot(&mut self, info: BootInfo, now: DateTime<Utc>) {
        self.boot_info = Some(info);
        self.last_boot_at = Some(now);
        self.updated_at = now;
    }

    /// Records that a message arrived at `now`; true when it was not connected before (it came online).
    pub fn seen(&mut self, now: DateTime<Utc>) -> bool {
        let came_online = !self.connected;
        self.connected = true;
        self.last_seen = Some(self.last_seen.map_or(now, |seen| seen.max(now)));
        self.updated_at = now;
        came_online
    }

    /// Records that it is no longer connected; true when it was connected before (it went offline).
    pub fn mark_offline(&mut self, now: DateTime<Utc>) -> bool {
        let went_offline = self.connected;
        self.connected = false;
        self.updated_at = now;
        went_offline
    }

    /// Online when connected and its last message is less than `timeout` before `now`.
    pub fn connection(&self, now: DateTime<Utc>, timeout: Duration) -> Connection {
        match self.last_seen {
            Some(seen) if self.connected && now - seen < timeout => Connection::Online,
            _ => Connection::Offline,
        }
    }

    /// Links it to its masterdata device and that device's station; true when that changed anything.
    pub fn link_device(&mut self, device: DeviceId, station: StationId, now: DateTime<Utc>) -> bool {
        if self.device_id == Some(device) && self.station_id == Some(station) {
            return false;
        }
        self.device_id = Some(device);
        self.station_id = Some(station);
        self.updated_at = now;
        true
    }

    /// True when `presented` is its password (never without a stored password).
    pub fn password_matches(&self, presented: &str) -> bool {
        self.password_hash.as_ref().is_some_and(|h| h.verify(presented))
    }

    /// Replaces its password hash (an operator's decision).
    pub fn set_password(&mut self, hash: PasswordHash, now: DateTime<Utc>) {
        self.password_hash = Some(hash);
        self.updated_at = now;
    }

    /// Sets the registration status (an operator's decision).
    pub fn set_registration(&mut self, registration: RegistrationStatus, now: DateTime<Utc>) {
        self.registration = registration;
        self.updated_at = now;
    }

    /// Sets what the charge point charges (an operator's decision); false when it already was.
    pub fn set_charger_type(&mut self, charger_type: ChargerType, now: DateTime<Utc>) -> bool {
        if self.charger_type == charger_type {
            return false;
        }
        self.charger_type = charger_type;
        self.updated_at = now;
        true
    }
}

/// The status a boot gets: a known charge point keeps its status; an unknown one is accepted
/// when the tenant accepts unknown charge points, otherwise it waits (pending) for an operator.
pub fn registration_for_boot(known: Option<RegistrationStatus>, accept_unknown: bool) -> RegistrationStatus {
    match known {
        Some(status) => status,
        None if accept_unknown => RegistrationStatus::Accepted,
        None => RegistrationStatus::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
    }

    fn cp() -> ChargePoint {
        ChargePoint::register(
            TenantId::parse("acme").unwrap(),
            OcppIdentity::parse("CP1").unwrap(),
            RegistrationStatus::Accepted,
            t0(),
        )
    }

    #[test]
    fn given_never_seen_charge_point_then_offline() {
        assert_eq!(cp().connection(t0(), Duration::seconds(60)), Connection::Offline);
    }

    #[test]
    fn given_seen_when_within_timeout_then_online_and_after_it_offline() {
        let mut cp = cp();
        assert!(cp.seen(t0()));
        assert!(!cp.seen(t0()));
        let timeout = Duration::seconds(60);
        assert_eq!(cp.connection(t0() + Duration::seconds(59), timeout), Connection::Online);
        assert_eq!(cp.connection(t0() + Duration::seconds(60), timeout), Connection::Offline);
    }

    #[test]
    fn given_connected_when_marked_offline_then_offline_even_within_timeout() {
        let mut cp = cp();
        cp.seen(t0());
        assert!(cp.mark_offline(t0()));
        assert!(!cp.mark_offline(t0()));
        assert_eq!(cp.connection(t0(), Duration::seconds(60)), Connection::Offline);
    }

    #[test]
    fn given_late_message_time_when_seen_then_last_seen_never_moves_back() {
        let mut cp = cp();
        cp.seen(t0());
        cp.seen(t0() - Duration::seconds(5));
        assert_eq!(cp.last_seen, Some(t0()));
    }

    #[test]
    fn given_unknown_charge_point_when_booting_then_policy_decides_and_known_keeps_its_status() {
        use RegistrationStatus::*;
        assert_eq!(registration_for_boot(None, true), Accepted);
        assert_eq!(registration_for_boot(None, false), Pending);
        for s in [Accepted, Pending, Rejected] {
            assert_eq!(registration_for_boot(Some(s), true), s);
            assert_eq!(registration_for_boot(Some(s), false), s);
        }
    }

    #[test]
    fn given_names_when_parsed_then_round_trip() {
        for s in RegistrationStatus::ALL {
            assert_eq!(s.as_str().parse::<RegistrationStatus>().unwrap(), *s);
        }
        assert!("Accepted".parse::<RegistrationStatus>().is_err());
    }

    #[test]
    fn given_charger_types_when_defaulted_parsed_and_set_then_ap3000_is_two_wheeler_and_unknown_refused() {
        assert_eq!(cp().charger_type, ChargerType::Ac, "a new charge point is AC");
        assert_eq!(ChargerType::default_for(Protocol::Ap3000), ChargerType::TwoWheeler);
        assert_eq!(ChargerType::default_for(Protocol::Ocpp16J), ChargerType::Ac);
        for t in ChargerType::ALL {
            assert_eq!(t.as_str().parse::<ChargerType>().unwrap(), *t);
        }
        let refused = "three_wheeler".parse::<ChargerType>().unwrap_err();
        assert_eq!(refused.code(), "invalid_charging_input");
        let mut c = cp();
        let later = t0() + Duration::minutes(5);
        assert!(c.set_charger_type(ChargerType::Dc, later));
        assert_eq!((c.charger_type, c.updated_at), (ChargerType::Dc, later));
        assert!(!c.set_charger_type(ChargerType::Dc, later + Duration::minutes(1)), "unchanged");
        assert_eq!(c.updated_at, later);
    }
}
