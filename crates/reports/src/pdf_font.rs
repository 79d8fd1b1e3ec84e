//! The Unicode font of PDF reports: a CJK-capable TrueType font found at build time (see
//! `build.rs`), embedded as a subset (only the glyphs a document uses) in a Type0/CIDFontType2 font
//! with Identity-H encoding and a ToUnicode map, so text stays searchable and copyable.
//!
//! Latin-1 text keeps the built-in Helvetica (WinAnsi); only characters outside it use this font.
//! Without a font at build time [`UNICODE_FONT`] is `None` and such characters print as `?`.

use crate::ReportError;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;

#[cfg(mgc_pdf_font)]
const FONT_FILE: Option<(&str, &[u8])> = Some((env!("MGC_PDF_FONT_PATH"), include_bytes!(env!("MGC_PDF_FONT_PATH"))));
#[cfg(not(mgc_pdf_font))]
const FONT_FILE: Option<(&str, &[u8])> = None;

/// Path (at build time) of the embedded Unicode font, `None` when the build found none.
pub const UNICODE_FONT: Option<&str> = match FONT_FILE {
    Some((path, _)) => Some(path),
    None => None,
};

/// The font's face, when one was built in and parses.
fn face() -> Option<ttf_parser::Face<'static>> {
    FONT_FILE.and_then(|(_, data)| ttf_parser::Face::parse(data, 0).ok())
}

/// How one character is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Glyph {
    /// A byte of Helvetica's WinAnsi encoding (printable ASCII and Latin-1).
    Latin(u8),
    /// A glyph id of the Unicode font.
    Unicode(u16),
}

/// Maps characters to glyphs and remembers the Unicode glyphs a document used.
pub(crate) struct Shaper {
    face: Option<ttf_parser::Face<'static>>,
    used: BTreeMap<u16, char>,
}

impl Shaper {
    pub(crate) fn new() -> Self {
        Self { face: face(), used: BTreeMap::new() }
    }

    /// The glyph of `c`: Latin-1 in Helvetica, else the Unicode font's glyph, else `?`.
    pub(crate) fn glyph(&mut self, c: char) -> Glyph {
        let code = u32::from(c);
        if (0x20..0x7f).contains(&code) || (0xa0..=0xff).contains(&code) {
            return Glyph::Latin(code as u8);
        }
        match self.face.as_ref().and_then(|f| f.glyph_index(c)) {
            Some(id) => {
                self.used.entry(id.0).or_insert(c);
                Glyph::Unicode(id.0)
            }
            None => Glyph::Latin(b'?'),
        }
    }

    /// Writes the Type0 font (and its parts) when any Unicode glyph was used; false otherwise.
    pub(crate) fn write(&self, pdf: &mut Pdf, font: Ref, mut next: impl FnMut() -> Ref) -> Result<bool, ReportError> {
        let (Some(face), Some((_, data))) = (&self.face, FONT_FILE) else { return Ok(false) };
        if self.used.is_empty() {
            return Ok(false);
        }
        let (cid, descriptor, file, cmap) = (next(), next(), next(), next());
        let glyphs: Vec<u16> = std::iter::once(0).chain(self.used.keys().copied()).collect();
        let subset = subsetter::subset(data, 0, subsetter::Profile::pdf(&glyphs))
            .map_err(|e| ReportError(format!("subsetting the PDF font: {e:?}")))?;
        let base = Name(b"MGCSUB+UnicodeFallback");
        let scale = 1000.0 / f32::from(face.units_per_em());
        let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        pdf.type0_font(font)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2).base_font(base).system_info(system).font_descriptor(descriptor);
        c.cid_to_gid_map_predefined(Name(b"Identity")).default_width(1000.0);
        let mut widths = c.widths();
        for id in self.used.keys() {
            let advance = face.glyph_hor_advance(ttf_parser::GlyphId(*id)).unwrap_or(0);
            widths.consecutive(*id, [f32::from(advance) * scale]);
        }
        drop(widths);
        drop(c);
        let b = face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(b.x_min) * scale,
                f32::from(b.y_min) * scale,
                f32::from(b.x_max) * scale,
                f32::from(b.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(80.0)
            .font_file2(file);
        let compressed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
        pdf.stream(file, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
        let mut map = UnicodeCmap::new(Name(b"MGC-UCS"), system);
        for (id, ch) in &self.used {
            map.pair(*id, *ch);
        }
        pdf.cmap(cmap, &map.finish()).name(Name(b"MGC-UCS")).system_info(system);
        Ok(true)
    }
}
