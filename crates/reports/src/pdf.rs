//! PDF rendering of a statement: A4 pages with a header naming the station, period, version,
//! state, units and content hash, then the day table, band totals, adjustments and the totals
//! (numbers right-aligned at their column's edge), set in the built-in Helvetica fonts, with text outside
//! Latin-1 (Chinese station names, ...) in the embedded Unicode font (see `pdf_font`).

use crate::meta::{StatementMeta, StationLabel, ENERGY_UNIT};
use crate::pdf_font::{Glyph, Shaper};
use crate::pdf_metrics::width;
use crate::table::{amount, kwh};
use crate::ReportError;
use mgc_settlement::Statement;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
pub(crate) const MARGIN: f32 = 50.0;
const LEADING: f32 = 14.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const UNICODE: Name<'static> = Name(b"F3");

/// One text cell: left-aligned at `x`, or right-aligned ending at `x`.
#[derive(Clone)]
pub(crate) struct Cell {
    x: f32,
    text: String,
    right: bool,
}

/// One line of text cells.
pub(crate) struct Line {
    bold: bool,
    size: f32,
    cells: Vec<Cell>,
}

/// A line of left-aligned `cells` in the bold or regular font at `size`.
pub(crate) fn line(bold: bool, size: f32, cells: &[(f32, String)]) -> Line {
    let cells = cells.iter().map(|(x, text)| Cell { x: *x, text: text.clone(), right: false }).collect();
    Line { bold, size, cells }
}

/// An empty line.
pub(crate) fn blank() -> Line {
    Line { bold: false, size: 10.0, cells: Vec::new() }
}

/// Left edge of the first (text) column of a table.
const FIRST: f32 = MARGIN;
/// Right edges of the number columns 2..=6 of a table (the last on the right margin).
const RIGHT_EDGES: [f32; 5] = [210.0, 300.0, 390.0, 470.0, PAGE_W - MARGIN];

/// A table row: the first cell left-aligned, the other five (numbers) right-aligned.
fn row(bold: bool, values: [String; 6]) -> Line {
    let [first, rest @ ..] = values;
    let mut cells = vec![Cell { x: FIRST, text: first, right: false }];
    cells.extend(RIGHT_EDGES.iter().zip(rest).map(|(x, text)| Cell { x: *x, text, right: true }));
    Line { bold, size: 9.0, cells }
}

/// The adjustments row: date and reason left-aligned, the three amounts right-aligned.
fn adjustment_row(bold: bool, date: String, reason: String, amounts: [String; 3]) -> Line {
    let mut cells = vec![Cell { x: FIRST, text: date, right: false }, Cell { x: 125.0, text: reason, right: false }];
    cells.extend(RIGHT_EDGES[2..].iter().zip(amounts).map(|(x, text)| Cell { x: *x, text, right: true }));
    Line { bold, size: 9.0, cells }
}

fn lines(s: &Statement, station: Option<StationLabel<'_>>) -> Vec<Line> {
    let c = &s.content;
    let cur = c.currency.to_string();
    let meta = StatementMeta::of(s);
    let hash_note = if s.content_hash.is_some() { "" } else { " (of this draft; stamped when issued)" };
    let mut out = vec![
        line(true, 16.0, &[(MARGIN, format!("Monthly energy statement {}", c.month))]),
        line(false, 10.0, &[(MARGIN, station_line(c.station_id, station))]),
        line(false, 10.0, &[(MARGIN, format!("Period {} (local days)", meta.period(s)))]),
        line(
            false,
            10.0,
            &[(MARGIN, format!("Version {} - {} - energy in {ENERGY_UNIT}, amounts in {cur}", s.version, s.state))],
        ),
        line(false, 8.0, &[(MARGIN, format!("Content SHA-256: {}{hash_note}", meta.hash))]),
        blank(),
        row(true, ["Date", "Import kWh", "Import cost", "Export kWh", "Export revenue", "Net"].map(String::from)),
    ];
    for d in &c.days {
        let (iw, ew): (i64, i64) = (d.import.iter().map(|l| l.wh).sum(), d.export.iter().map(|l| l.wh).sum());
        out.push(row(
            false,
            [
                d.date.to_string(),
                kwh(iw),
                amount(s, d.import_cost_minor),
                kwh(ew),
                amount(s, d.export_revenue_minor),
                amount(s, d.net_minor),
            ],
        ));
    }
    out.push(blank());
    out.push(row(true, ["Band", "Import kWh", "Import cost", "Export kWh", "Export revenue", ""].map(String::from)));
    for b in &c.bands {
        out.push(row(
            false,
            [
                b.band.clone(),
                kwh(b.import_wh),
                amount(s, b.import_cost_minor),
                kwh(b.export_wh),
                amount(s, b.export_revenue_minor),
                String::new(),
            ],
        ));
    }
    if !c.adjustments.is_empty() {
        out.push(blank());
        out.push(adjustment_row(
            true,
            "Adjusted day".into(),
            "Reason".into(),
            ["Import cost", "Export revenue", "Net"].map(String::from),
        ));
        for a in &c.adjustments {
            let reason: String = a.reason.chars().take(36).collect();
            out.push(adjustment_row(
                false,
                a.date.to_string(),
                reason,
                [amount(s, a.import_cost_minor), amount(s, a.export_revenue_minor), amount(s, a.net_minor)],
            ));
        }
    }
    let t = &c.totals;
    out.push(blank());
    out.push(line(false, 10.0, &[(MARGIN, format!("Import cost: {} {cur}", amount(s, t.import_cost_minor)))]));
    out.push(line(false, 10.0, &[(MARGIN, format!("Export revenue: {} {cur}", amount(s, t.export_revenue_minor)))]));
    out.push(line(
        false,
        10.0,
        &[(MARGIN, format!("Adjustments (net): {} {cur}", amount(s, t.adjustments_net_minor)))],
    ));
    out.push(line(true, 12.0, &[(MARGIN, format!("Total due: {} {cur}", amount(s, t.net_minor)))]));
    out
}

/// `Station <name> (<code>)`, or its id when the station is not known any more.
fn station_line(id: impl std::fmt::Display, station: Option<StationLabel<'_>>) -> String {
    match station {
        Some(st) => format!("Station {} ({})", st.name, st.code),
        None => format!("Station {id}"),
    }
}

/// The statement as a PDF document (one or more A4 pages); `station` names it in the header.
pub fn statement_pdf(s: &Statement, station: Option<StationLabel<'_>>) -> Result<Vec<u8>, ReportError> {
    render(&lines(s, station))
}

/// Shows `text` from the current position: runs of Latin-1 in `latin`, others in the Unicode font.
fn show(content: &mut Content, shaper: &mut Shaper, latin: Name<'static>, size: f32, text: &str) {
    let glyphs: Vec<Glyph> = text.chars().map(|c| shaper.glyph(c)).collect();
    for run in glyphs.chunk_by(|a, b| matches!(a, Glyph::Latin(_)) == matches!(b, Glyph::Latin(_))) {
        let mut bytes = Vec::with_capacity(run.len() * 2);
        let font = match run.first() {
            Some(Glyph::Latin(_)) => latin,
            _ => UNICODE,
        };
        for g in run {
            match g {
                Glyph::Latin(b) => bytes.push(*b),
                Glyph::Unicode(id) => bytes.extend_from_slice(&id.to_be_bytes()),
            }
        }
        content.set_font(font, size);
        content.show(Str(&bytes));
    }
}

/// Sets `all` on as many A4 pages as they need, numbered.
pub(crate) fn render(all: &[Line]) -> Result<Vec<u8>, ReportError> {
    let per_page = ((PAGE_H - 2.0 * MARGIN) / LEADING) as usize;
    let pages: Vec<&[Line]> = all.chunks(per_page.max(1)).collect();
    let mut shaper = Shaper::new();
    let contents: Vec<Vec<u8>> = pages
        .iter()
        .enumerate()
        .map(|(number, lines)| page_content(&mut shaper, lines, number + 1, pages.len()))
        .collect();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold) = (Ref::new(3), Ref::new(4));
    let ids: Vec<(Ref, Ref)> =
        (0..pages.len()).map(|i| (Ref::new(5 + 2 * i as i32), Ref::new(6 + 2 * i as i32))).collect();
    let mut next = Ref::new(5 + 2 * pages.len() as i32);
    let unicode = next.bump();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(ids.iter().map(|(page, _)| *page)).count(ids.len() as i32);
    pdf.type1_font(regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    let has_unicode = shaper.write(&mut pdf, unicode, || next.bump())?;
    for (content, (page_id, content_id)) in contents.iter().zip(&ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, regular).pair(BOLD, bold);
        if has_unicode {
            fonts.pair(UNICODE, unicode);
        }
        drop(fonts);
        drop(resources);
        drop(page);
        pdf.stream(*content_id, content);
    }
    Ok(pdf.finish())
}

/// The content stream of page `number` of `count`.
fn page_content(shaper: &mut Shaper, lines: &[Line], number: usize, count: usize) -> Vec<u8> {
    let mut content = Content::new();
    let mut y = PAGE_H - MARGIN;
    for l in lines {
        for cell in &l.cells {
            let x = if cell.right { cell.x - width(&cell.text, l.bold, l.size) } else { cell.x };
            content.begin_text();
            content.next_line(x, y);
            show(&mut content, shaper, if l.bold { BOLD } else { REGULAR }, l.size, &cell.text);
            content.end_text();
        }
        y -= LEADING;
    }
    content.begin_text();
    content.set_font(REGULAR, 8.0);
    content.next_line(PAGE_W - MARGIN - 40.0, MARGIN / 2.0);
    content.show(Str(format!("page {number} / {count}").as_bytes()));
    content.end_text();
    content.finish().to_vec()
}
