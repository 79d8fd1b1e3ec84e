//! Reading and writing data fields: a mandatory prefix, then optional trailing fields read only
//! while the data covers them completely (once one is missing, the rest are too), then any
//! bytes left over kept verbatim, so that a decoded message re-encodes byte for byte.

/// Data shorter than a command's mandatory fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("command 0x{command:02X}: data needs at least {needed} bytes, got {got}")]
pub struct MessageError {
    /// The command byte.
    pub command: u8,
    /// Bytes needed.
    pub needed: usize,
    /// Bytes there.
    pub got: usize,
}

/// A cursor over one frame's data.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    command: u8,
    closed: bool,
}

impl<'a> Reader<'a> {
    /// A reader of `data` of a frame with `command`.
    pub fn new(command: u8, data: &'a [u8]) -> Self {
        Self { data, pos: 0, command, closed: false }
    }

    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], MessageError> {
        if self.remaining() < n {
            return Err(MessageError { command: self.command, needed: self.pos + n, got: self.data.len() });
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// A mandatory byte.
    pub fn u8(&mut self) -> Result<u8, MessageError> {
        Ok(self.take(1)?[0])
    }

    /// A mandatory u16 LE.
    pub fn u16(&mut self) -> Result<u16, MessageError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// A mandatory u32 LE.
    pub fn u32(&mut self) -> Result<u32, MessageError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Mandatory raw bytes.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], MessageError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// `n` mandatory raw bytes.
    pub fn bytes(&mut self, n: usize) -> Result<Vec<u8>, MessageError> {
        Ok(self.take(n)?.to_vec())
    }

    fn optional<T>(&mut self, n: usize, read: impl FnOnce(&[u8]) -> T) -> Option<T> {
        if self.closed || self.remaining() < n {
            self.closed = true;
            return None;
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Some(read(s))
    }

    /// An optional trailing byte.
    pub fn opt_u8(&mut self) -> Option<u8> {
        self.optional(1, |b| b[0])
    }

    /// An optional trailing u16 LE.
    pub fn opt_u16(&mut self) -> Option<u16> {
        self.optional(2, |b| u16::from_le_bytes([b[0], b[1]]))
    }

    /// An optional trailing u32 LE.
    pub fn opt_u32(&mut self) -> Option<u32> {
        self.optional(4, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Optional trailing raw bytes.
    pub fn opt_array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.optional(N, |b| {
            let mut out = [0; N];
            out.copy_from_slice(b);
            out
        })
    }

    /// An optional trailing count byte followed by that many bytes (both present or neither).
    pub fn opt_counted(&mut self) -> Option<Vec<u8>> {
        let n = usize::from(*self.data.get(self.pos)?);
        if self.closed || self.remaining() < 1 + n {
            self.closed = true;
            return None;
        }
        self.optional(1 + n, |b| b[1..].to_vec())
    }

    /// Every byte not read yet (kept verbatim); the reader is at the end afterwards.
    pub fn take_rest(&mut self) -> Vec<u8> {
        let rest = self.data[self.pos..].to_vec();
        self.pos = self.data.len();
        rest
    }
}

/// Writes fields in order; optional ones stop at the first absent one.
#[derive(Debug, Default)]
pub struct Writer {
    out: Vec<u8>,
    closed: bool,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A byte.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }

    /// A u16 LE.
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// A u32 LE.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Raw bytes.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.out.extend_from_slice(v);
        self
    }

    fn optional(&mut self, v: Option<&[u8]>) -> &mut Self {
        match v {
            Some(b) if !self.closed => self.out.extend_from_slice(b),
            _ => self.closed = true,
        }
        self
    }

    /// An optional byte.
    pub fn opt_u8(&mut self, v: Option<u8>) -> &mut Self {
        self.optional(v.map(|v| [v]).as_ref().map(|b| &b[..]))
    }

    /// An optional u16 LE.
    pub fn opt_u16(&mut self, v: Option<u16>) -> &mut Self {
        self.optional(v.map(u16::to_le_bytes).as_ref().map(|b| &b[..]))
    }

    /// An optional u32 LE.
    pub fn opt_u32(&mut self, v: Option<u32>) -> &mut Self {
        self.optional(v.map(u32::to_le_bytes).as_ref().map(|b| &b[..]))
    }

    /// Optional raw bytes.
    pub fn opt_bytes(&mut self, v: Option<&[u8]>) -> &mut Self {
        self.optional(v)
    }

    /// An optional count byte and bytes (at most 255 are written).
    pub fn opt_counted(&mut self, v: Option<&[u8]>) -> &mut Self {
        let counted = v.map(|b| {
            let b = &b[..b.len().min(255)];
            let mut out = vec![b.len() as u8];
            out.extend_from_slice(b);
            out
        });
        self.optional(counted.as_deref())
    }

    /// The bytes after the known fields (written even after an absent optional field, since a
    /// decoder keeps them only behind the fields it could read).
    pub fn rest(&mut self, v: &[u8]) -> &mut Self {
        self.out.extend_from_slice(v);
        self
    }

    /// The data.
    pub fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}
