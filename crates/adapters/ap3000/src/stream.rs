//! Cutting a connection's byte stream into frames, ICCID announcements and `link` keep-alives:
//! frames may arrive split across reads or several to a read, mixed with the raw ASCII the
//! modem sends. Bytes that are none of these are skipped up to the next possible start and
//! reported, so one bad frame never hides the good ones after it.

use crate::frame::{checksum, Frame, HEADER, MIN_LENGTH};
use crate::PhysicalId;

/// The keep-alive the modem sends after 30 s of silence.
pub const LINK: &[u8; 4] = b"link";
/// Length of the ICCID announced at connect.
pub const ICCID_LEN: usize = 20;

/// One thing read from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A frame with a valid length and checksum.
    Frame(Frame),
    /// The SIM's ICCID, sent raw when the modem connects.
    Iccid(String),
    /// The modem's `link` keep-alive.
    Link,
    /// Bytes skipped: not a frame, ICCID or keep-alive (a bad length or checksum included).
    Skipped {
        /// How many bytes.
        bytes: usize,
        /// Why.
        reason: SkipReason,
    },
}

/// Why bytes were skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Not the start of anything known.
    Noise,
    /// A `DNY` header with a length field below 9 or above the limit.
    BadLength,
    /// A `DNY` frame whose checksum does not match.
    BadChecksum,
}

impl SkipReason {
    /// Label for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Noise => "noise",
            Self::BadLength => "bad_length",
            Self::BadChecksum => "bad_checksum",
        }
    }
}

/// Per-connection buffer; holds at most one unfinished frame (bounded by the length limit)
/// plus what the last read brought.
#[derive(Debug)]
pub struct StreamCutter {
    buf: Vec<u8>,
    start: usize,
    max_length: u16,
    pending: Option<Item>,
}

enum Step {
    Item(Item),
    NeedMore,
    Skip(usize, SkipReason),
}

impl StreamCutter {
    /// A cutter accepting length fields up to `max_length` (see [`crate::frame::DEFAULT_MAX_LENGTH`]).
    pub fn new(max_length: u16) -> Self {
        Self { buf: Vec::new(), start: 0, max_length: max_length.max(MIN_LENGTH), pending: None }
    }

    /// Adds bytes read from the connection.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes buffered and not yet cut.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next item, or None until more bytes arrive. Consecutive skipped bytes come as one item.
    pub fn next_item(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.take() {
            return Some(item);
        }
        let mut skipped = 0;
        let mut why = SkipReason::Noise;
        loop {
            match self.step() {
                Step::Item(item) if skipped == 0 => return Some(item),
                Step::Item(item) => {
                    // Report the skip first; the item follows on the next call.
                    self.pending = Some(item);
                    return Some(Item::Skipped { bytes: skipped, reason: why });
                }
                Step::NeedMore if skipped > 0 => return Some(Item::Skipped { bytes: skipped, reason: why }),
                Step::NeedMore => return None,
                Step::Skip(n, reason) => {
                    if reason != SkipReason::Noise {
                        why = reason;
                    }
                    skipped += n;
                    self.start += n;
                }
            }
        }
    }

    fn step(&mut self) -> Step {
        let rest = &self.buf[self.start..];
        let Some(&first) = rest.first() else { return Step::NeedMore };
        match first {
            b'D' => self.frame(),
            b'l' => {
                let step = prefix(rest, LINK, LINK.len(), || Item::Link);
                if matches!(step, Step::Item(_)) {
                    self.start += LINK.len();
                }
                step
            }
            b'8' => self.iccid(),
            _ => Step::Skip(noise_len(rest), SkipReason::Noise),
        }
    }

    fn frame(&mut self) -> Step {
        let rest = &self.buf[self.start..];
        let head = rest.len().min(3);
        if rest[..head] != HEADER[..head] {
            return Step::Skip(1, SkipReason::Noise);
        }
        if rest.len() < 5 {
            return Step::NeedMore;
        }
        let length = u16::from_le_bytes([rest[3], rest[4]]);
        if !(MIN_LENGTH..=self.max_length).contains(&length) {
            return Step::Skip(1, SkipReason::BadLength);
        }
        let total = usize::from(length) + 5;
        if rest.len() < total {
            return Step::NeedMore;
        }
        let found = u16::from_le_bytes([rest[total - 2], rest[total - 1]]);
        if checksum(&rest[..total - 2]) != found {
            return Step::Skip(1, SkipReason::BadChecksum);
        }
        let body = &rest[..total - 2];
        let frame = Frame {
            physical_id: PhysicalId(u32::from_le_bytes([body[5], body[6], body[7], body[8]])),
            message_id: u16::from_le_bytes([body[9], body[10]]),
            command: body[11],
            data: body[12..].to_vec(),
        };
        self.start += total;
        Step::Item(Item::Frame(frame))
    }

    fn iccid(&mut self) -> Step {
        let rest = &self.buf[self.start..];
        let n = rest.len().min(ICCID_LEN);
        let looks = rest.get(1).is_none_or(|b| *b == b'9') && rest[..n].iter().all(u8::is_ascii_hexdigit);
        if !looks {
            return Step::Skip(1, SkipReason::Noise);
        }
        if n < ICCID_LEN {
            return Step::NeedMore;
        }
        let text = String::from_utf8_lossy(&rest[..ICCID_LEN]).into_owned();
        self.start += ICCID_LEN;
        Step::Item(Item::Iccid(text))
    }
}

/// `item` when `rest` starts with `want`; waits while it is a prefix of it; else skips one byte.
fn prefix(rest: &[u8], want: &[u8], len: usize, item: impl FnOnce() -> Item) -> Step {
    let n = rest.len().min(len);
    if rest[..n] != want[..n] {
        Step::Skip(1, SkipReason::Noise)
    } else if n < len {
        Step::NeedMore
    } else {
        Step::Item(item())
    }
}

/// Bytes up to the next possible start (`D`, `l`, `8`), at least one.
fn noise_len(rest: &[u8]) -> usize {
    rest.iter().skip(1).position(|b| matches!(b, b'D' | b'l' | b'8')).map_or(rest.len(), |p| p + 1)
}
