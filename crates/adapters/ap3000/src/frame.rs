//! The DNY frame: `DNY`, length (u16 LE, counts physical id .. checksum), physical id (u32 LE),
//! message id (u16 LE), command, data, checksum (u16 LE byte sum of everything before it).

use crate::PhysicalId;

/// The three header bytes.
pub const HEADER: &[u8; 3] = b"DNY";
/// Bytes of a frame that are not data: header 3, length 2, id 4, message id 2, command 1, checksum 2.
pub const OVERHEAD: usize = 14;
/// Smallest length field (no data).
pub const MIN_LENGTH: u16 = 9;
/// Default largest length field accepted (the 274-byte legacy firmware frame has 269).
pub const DEFAULT_MAX_LENGTH: u16 = 1024;

/// One frame of the AP3000 protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The device the frame is from or for.
    pub physical_id: PhysicalId,
    /// Message id; a reply carries the id of the request it answers.
    pub message_id: u16,
    /// Command byte; a reply carries the command byte of the request.
    pub command: u8,
    /// Command-specific data.
    pub data: Vec<u8>,
}

/// Why bytes are not one frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Fewer bytes than the smallest frame or than the length field announces.
    #[error("frame too short: {0} bytes")]
    TooShort(usize),
    /// Not starting with `DNY`.
    #[error("frame does not start with DNY")]
    BadHeader,
    /// The length field is below 9 or above the limit.
    #[error("length field {0} out of range")]
    BadLength(u16),
    /// The length field does not match the number of bytes.
    #[error("length field says {expected} bytes, got {actual}")]
    LengthMismatch {
        /// Bytes the length field announces.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// The checksum does not match.
    #[error("checksum 0x{found:04X} on the wire, 0x{computed:04X} computed")]
    Checksum {
        /// On the wire.
        found: u16,
        /// Recomputed.
        computed: u16,
    },
    /// The data does not fit a length field.
    #[error("{0} data bytes do not fit one frame")]
    TooLarge(usize),
}

/// 16-bit sum of `bytes`.
pub fn checksum(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |sum, b| sum.wrapping_add(u16::from(*b)))
}

impl Frame {
    /// A frame.
    pub fn new(physical_id: PhysicalId, message_id: u16, command: u8, data: Vec<u8>) -> Self {
        Self { physical_id, message_id, command, data }
    }

    /// The frame's bytes; fails only when the data is too large for the length field.
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        let length = u16::try_from(self.data.len() + usize::from(MIN_LENGTH))
            .map_err(|_| FrameError::TooLarge(self.data.len()))?;
        let mut out = Vec::with_capacity(self.data.len() + OVERHEAD);
        out.extend_from_slice(HEADER);
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&self.physical_id.0.to_le_bytes());
        out.extend_from_slice(&self.message_id.to_le_bytes());
        out.push(self.command);
        out.extend_from_slice(&self.data);
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Reads exactly one frame from `bytes` (any length field up to `u16::MAX` accepted).
    pub fn decode(bytes: &[u8]) -> Result<Self, FrameError> {
        Self::decode_limited(bytes, u16::MAX)
    }

    /// Reads exactly one frame whose length field is at most `max_length`.
    pub fn decode_limited(bytes: &[u8], max_length: u16) -> Result<Self, FrameError> {
        if bytes.len() < 5 {
            return Err(FrameError::TooShort(bytes.len()));
        }
        if &bytes[..3] != HEADER {
            return Err(FrameError::BadHeader);
        }
        let length = u16::from_le_bytes([bytes[3], bytes[4]]);
        if !(MIN_LENGTH..=max_length).contains(&length) {
            return Err(FrameError::BadLength(length));
        }
        let expected = usize::from(length) + 5;
        if bytes.len() != expected {
            return Err(FrameError::LengthMismatch { expected, actual: bytes.len() });
        }
        let (body, sum) = bytes.split_at(expected - 2);
        let found = u16::from_le_bytes([sum[0], sum[1]]);
        let computed = checksum(body);
        if found != computed {
            return Err(FrameError::Checksum { found, computed });
        }
        let id = u32::from_le_bytes([body[5], body[6], body[7], body[8]]);
        Ok(Self {
            physical_id: PhysicalId(id),
            message_id: u16::from_le_bytes([body[9], body[10]]),
            command: body[11],
            data: body[12..].to_vec(),
        })
    }
}
