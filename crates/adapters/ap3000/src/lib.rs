//! AP3000 ("DNY") charging piles over plain TCP.
//!
//! Pure wire layer: [`frame`] encodes and decodes one frame (header, length, physical id,
//! message id, command, data, checksum) and never panics; [`stream`] cuts a connection's byte
//! stream into frames, ICCID announcements and `link` keep-alives (sticky and split packets,
//! noise skipped and reported); [`messages`] holds a typed message for every command of the
//! protocol fact sheet, decoded by length (optional trailing fields, unknown bytes kept) so
//! that each re-encodes byte for byte. [`gateway`] is the TCP server that owns the piles'
//! connections.

#![warn(missing_docs)]

pub mod charging;
pub mod commands;
pub mod frame;
pub mod gateway;
pub mod messages;
mod physical_id;
pub mod pile;
pub mod pile_reports;
pub mod stream;

pub use frame::{Frame, FrameError};
pub use messages::{Downlink, MessageError, Uplink};
pub use physical_id::PhysicalId;
pub use stream::{Item, SkipReason, StreamCutter};
