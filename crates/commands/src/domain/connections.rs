//! The directory of device connections, for devices that open a long-lived connection to one
//! `mgc serve` instance (OCPP charge points, AP3000 piles): which instance holds each, so that
//! a command issued on any instance is sent by the one holding the connection.
//!
//! Every process holds a lease it renews; the directory names the process (its *holder* id,
//! also the lease owner of its command claims) that holds a device's newest connection. The
//! rules here are the ones the store's SQL applies ([`may_claim`] in the command claim).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{RepoError, TenantId};

mgc_kernel::define_id!(
    /// Identifies one connection of a device to one process (a reconnect is a new one).
    ConnectionId
);

/// A device as a connection-owning adapter knows it: tenant, protocol (`ocpp16`, `ap3000`, ...)
/// and its address on that protocol (the commands' `target`: an OCPP identity, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectedDevice {
    /// Owner tenant.
    pub tenant: TenantId,
    /// Protocol of the device (the commands' `protocol`).
    pub protocol: String,
    /// Address of the device on its protocol (the commands' `target`).
    pub target: String,
}

/// One connection of a device to this process, as recorded in the directory; hand it back to
/// [`ConnectionDirectory::disconnected`] when the connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionTicket {
    /// The device.
    pub device: ConnectedDevice,
    /// This connection.
    pub connection: ConnectionId,
    /// When it was opened.
    pub connected_at: DateTime<Utc>,
}

/// Who holds a device's connection, as the directory records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    /// Holder id of the process.
    pub holder: String,
    /// End of that process's lease (it is dead after it).
    pub lease_until: DateTime<Utc>,
}

/// Whether the dispatcher of `me` may claim, at `now`, a command to a device the directory
/// records as `held` (None: no row): when no live process other than `me` holds the device.
/// A device held by nobody alive is claimed by any instance, once, and the adapter's
/// "not connected" rule (fail, or wait with `queue_until_online`) applies there.
pub fn may_claim(held: Option<&Holding>, me: &str, now: DateTime<Utc>) -> bool {
    held.is_none_or(|h| h.holder == me || h.lease_until < now)
}

/// Whether a process whose lease ends at `lease_until` is dead at `now` (its connections and
/// claims are then released by any live instance).
pub fn lease_expired(lease_until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    lease_until < now
}

/// The lease of one process: how long it lasts and when it is renewed (a third of it, so two
/// renewals may fail before the process counts as dead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceLease {
    secs: u32,
}

impl InstanceLease {
    /// Shortest lease: one-second renewals.
    pub const MIN_SECS: u32 = 3;

    /// A lease of `secs` seconds, at least [`Self::MIN_SECS`].
    pub fn from_secs(secs: u32) -> Self {
        Self { secs: secs.max(Self::MIN_SECS) }
    }

    /// End of a lease taken or renewed at `now`.
    pub fn until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + chrono::Duration::seconds(i64::from(self.secs))
    }

    /// How often a live process renews it.
    pub fn renew_every(&self) -> std::time::Duration {
        std::time::Duration::from_millis(u64::from(self.secs) * 1000 / 3)
    }
}

/// Storage port of the directory (implemented by `mgc-store` on both databases).
#[async_trait]
pub trait ConnectionRecords: Send + Sync {
    /// Records that process `holder` holds `ticket`'s connection of its device, replacing the
    /// device's earlier connection on whichever process held it (the newest connection wins).
    async fn hold_connection(&self, holder: &str, ticket: &ConnectionTicket) -> Result<(), RepoError>;
    /// Records `ticket` for `holder` unless another process alive at `now` holds the device (a
    /// retry after a failed write, or after this process lost its lease: a newer connection
    /// elsewhere keeps its row); true when recorded.
    async fn restore_connection(
        &self,
        holder: &str,
        ticket: &ConnectionTicket,
        now: DateTime<Utc>,
    ) -> Result<bool, RepoError>;
    /// Removes the device's row when it still records `ticket`'s connection; true when it did
    /// (false: a newer connection, here or on another instance, has taken the device over).
    async fn release_connection(&self, ticket: &ConnectionTicket) -> Result<bool, RepoError>;
}

/// What an adapter that owns device connections calls when one opens and when it ends.
#[async_trait]
pub trait ConnectionDirectory: Send + Sync + std::fmt::Debug {
    /// `device` connected to this process at `now`: this process now holds it, its waiting
    /// commands are due and the dispatcher is woken. Keep the ticket for [`Self::disconnected`].
    /// Never fails: a write the database refused is retried in the background.
    async fn connected(&self, device: ConnectedDevice, now: DateTime<Utc>) -> ConnectionTicket;
    /// The connection of `ticket` ended; true when it was still the device's current connection
    /// (record the device offline then), false when a newer one took over (here or elsewhere).
    /// A storage failure counts as current (the row then names this live process, whose
    /// dispatcher applies the "not connected" rule to the device's commands).
    async fn disconnected(&self, ticket: &ConnectionTicket) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, s).unwrap()
    }

    fn held(holder: &str, until: u32) -> Holding {
        Holding { holder: holder.into(), lease_until: at(until) }
    }

    #[test]
    fn given_a_device_held_by_no_one_then_any_instance_may_claim_its_commands() {
        assert!(may_claim(None, "a", at(10)));
        assert!(may_claim(None, "b", at(10)));
    }

    #[test]
    fn given_a_device_held_by_a_live_instance_then_only_that_instance_claims() {
        let h = held("a", 20);
        assert!(may_claim(Some(&h), "a", at(10)));
        assert!(!may_claim(Some(&h), "b", at(10)), "b must leave it to a");
        assert!(!may_claim(Some(&h), "b", at(20)), "the lease covers its last instant");
    }

    #[test]
    fn given_a_lease_taken_now_when_renewed_on_time_then_it_never_lapses_between_renewals() {
        let lease = InstanceLease::from_secs(15);
        assert_eq!(lease.until(at(0)), at(15));
        assert_eq!(lease.renew_every(), std::time::Duration::from_secs(5));
        let renewed_late = at(0) + chrono::Duration::from_std(lease.renew_every() * 2).unwrap();
        assert!(!lease_expired(lease.until(at(0)), renewed_late), "two missed renewals still leave it alive");
    }

    #[test]
    fn given_a_lease_shorter_than_the_minimum_then_the_minimum_applies() {
        assert_eq!(InstanceLease::from_secs(0), InstanceLease::from_secs(InstanceLease::MIN_SECS));
        assert_eq!(InstanceLease::from_secs(1).renew_every(), std::time::Duration::from_secs(1));
    }

    #[test]
    fn given_the_holder_lease_ran_out_then_any_instance_may_claim_and_the_holder_is_dead() {
        let h = held("a", 20);
        assert!(may_claim(Some(&h), "b", at(21)));
        assert!(lease_expired(h.lease_until, at(21)));
        assert!(!lease_expired(h.lease_until, at(20)));
    }
}
