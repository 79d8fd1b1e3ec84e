//! Command handlers of the settlement context; each takes the ports it needs.

pub mod consumer;
pub mod freeze;
pub mod price_view;
pub mod settle;
pub mod statements;
pub mod tariffs;
