//! Third-party platform use cases (mini-programs, apps, billing systems driving piles through this
//! service). A platform addresses a pile by our charge point id or by its protocol identity (OCPP
//! identity, AP3000 physical id), always inside its API key's scope, and starts charging under its
//! own order number: [`start_charge`] opens a [`ChargeOrder`] and issues the protocol's start
//! command in one unit of work, so one order never starts twice; [`stop_charge`] stops it and
//! [`charge_status`] reads a port with its order and open session.
//!
//! This crate sits at the edge floor beside the protocol adapters: it uses the charging and
//! commands contexts' application ports; neither of them knows it.

#![warn(missing_docs)]

mod configuration;
mod device_ref;
mod downlink;
mod error;
mod link;
mod operate;
mod order;
mod ports;
mod queries;
mod start;
mod status;
mod stop;
pub mod subscriptions;

pub use configuration::{last_configuration, ConfigurationKey, ConfigurationRead, PileConfiguration};
pub use device_ref::DeviceRef;
pub use downlink::{reboot_command, start_command, stop_command, Downlink};
pub use error::PlatformError;
pub use link::OrderSessionLinker;
pub use operate::{operate, operation_command, DeviceOperation};
pub use order::{ChargeMode, ChargeOrder, OrderNo, StartCharge, DEFAULT_ID_TAG};
pub use ports::{OrderQueries, OrderRepository, PlatformTx, PlatformUnits};
pub use queries::{ports, sessions};
pub use start::{start_charge, Started};
pub use status::{charge_status, find_device, PortStatus};
pub use stop::{reboot, stop_charge, Controls, Issuer, StopCharge};
pub use subscriptions::app::{create_subscription, delete_subscription, ping_subscription, update_subscription};
pub use subscriptions::domain::{Subscription, SubscriptionId, SubscriptionInput, EVENT_TYPES};
pub use subscriptions::error::SubscriptionError;
pub use subscriptions::notifier::SubscriptionNotifier;
pub use subscriptions::ports::{
    DeliveryFigures, Notice, SubscriptionQueries, SubscriptionRepository, SubscriptionTx, SubscriptionUnits,
};
pub use subscriptions::stats::{stats_of, Latency, SubscriptionStats};
