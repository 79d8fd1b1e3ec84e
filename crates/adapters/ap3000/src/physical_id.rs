//! The physical id: bits 31-24 the identification code (kind of device), bits 23-0 the device
//! number printed in decimal on the label.

use std::fmt;

/// A device's physical id (the u32 read little-endian from the frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhysicalId(pub u32);

impl PhysicalId {
    /// Identification code: 03 single socket, 04 dual, 05 10-way, 06 16-way, 07 12-way, 09/0A host.
    pub fn code(self) -> u8 {
        (self.0 >> 24) as u8
    }

    /// Device number (printed in decimal under the QR code).
    pub fn number(self) -> u32 {
        self.0 & 0x00FF_FFFF
    }

    /// The identity of the pile in the charging context: the u32 as 8 upper-case hex digits
    /// (code first), e.g. `04AB373B`.
    pub fn identity(self) -> String {
        format!("{:08X}", self.0)
    }

    /// Reads an identity written by [`PhysicalId::identity`] (8 hex digits, any case).
    pub fn parse_identity(s: &str) -> Option<Self> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(s, 16).ok().map(Self)
    }
}

impl fmt::Display for PhysicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_the_spec_label_example_then_code_and_number_split_as_documented() {
        let id = PhysicalId(u32::from_le_bytes([0x40, 0xAA, 0xCE, 0x04]));
        assert_eq!((id.code(), id.number()), (0x04, 13_544_000));
        let id = PhysicalId(u32::from_le_bytes([0x3B, 0x37, 0xAB, 0x04]));
        assert_eq!((id.code(), id.number(), id.identity()), (0x04, 11_220_795, "04AB373B".to_owned()));
        assert_eq!(PhysicalId::parse_identity("04ab373b"), Some(id));
        for bad in ["", "04AB373", "04AB373BX", "G4AB373B", "+4AB373B"] {
            assert_eq!(PhysicalId::parse_identity(bad), None, "{bad}");
        }
    }
}
