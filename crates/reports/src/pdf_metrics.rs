//! Advance widths of the built-in Helvetica and Helvetica-Bold fonts (Adobe core-14 metrics,
//! 1/1000 em, ASCII 32..=126), so numbers can be set right-aligned at a column's edge.

/// Helvetica, ASCII 32..=126.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

/// Helvetica-Bold, ASCII 32..=126.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
    556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
    280, 389, 584,
];

/// Width assumed for a character outside ASCII (a digit's; such text is never right-aligned).
const OTHER: u16 = 556;

/// Width in points of `text` set in Helvetica (or its bold) at `size`.
pub(crate) fn width(text: &str, bold: bool, size: f32) -> f32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let units: u32 = text
        .chars()
        .map(|c| match u32::from(c) {
            code @ 32..=126 => u32::from(table[(code - 32) as usize]),
            _ => u32::from(OTHER),
        })
        .sum();
    units as f32 * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::width;

    #[test]
    fn given_digits_when_measured_then_every_digit_is_as_wide_and_the_point_narrower() {
        assert_eq!(width("0123456789", false, 10.0), 55.6);
        assert!((width("1.5", true, 10.0) - 13.9).abs() < 1e-4);
        assert_eq!(width("-", false, 1000.0), 333.0);
    }
}
