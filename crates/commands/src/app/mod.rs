//! Command handlers, background rounds and the strategy consumer of the commands context.

pub mod cancel;
pub mod connections;
pub mod consumer;
pub mod deadline;
pub mod dispatch;
pub mod issue;
pub mod online;
pub mod reconcile;
pub mod record;
pub mod rpc_update;
