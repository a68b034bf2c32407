//! The laid-out pages as a PDF: the font's subset embedded (with a ToUnicode map, so the text
//! can be searched and extracted), the red of the mark and the line, compressed streams.

use printpdf::{
    Color, Line, LinePoint, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Pt, Rgb, TextItem, TextMatrix,
};

use super::font::LetterFont;
use super::layout::{Ink, Page};
use crate::error::Msg;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;

fn colour(ink: Ink) -> Color {
    match ink {
        Ink::Black => Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None)),
        // The red of official documents.
        Ink::Red => Color::Rgb(Rgb::new(0.86, 0.0, 0.0, None)),
    }
}

/// Writes the pages; a problem printpdf reports as an error (a failed subset would embed
/// the whole font) refuses the letter rather than writing a broken or oversized file.
pub fn render(title: &str, pages: &[Page], font: &LetterFont) -> Result<Vec<u8>, Msg> {
    let mut doc = PdfDocument::new(title);
    let id = doc.add_font(&font.parsed);
    for p in pages {
        let mut ops = Vec::new();
        for r in &p.rules {
            ops.extend([
                Op::SaveGraphicsState,
                Op::SetOutlineColor { col: colour(r.ink) },
                Op::SetOutlineThickness { pt: Pt(r.width) },
                Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point::new(Mm(r.x1), Mm(PAGE_H - r.y1)),
                                bezier: false,
                            },
                            LinePoint {
                                p: Point::new(Mm(r.x2), Mm(PAGE_H - r.y2)),
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                },
                Op::RestoreGraphicsState,
            ]);
        }
        for r in &p.runs {
            ops.extend([
                Op::StartTextSection,
                Op::SetFillColor { col: colour(r.ink) },
                Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(r.size),
                },
                Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Mm(r.x).into(), Mm(PAGE_H - r.baseline).into()),
                },
                Op::ShowText {
                    items: vec![TextItem::Text(r.text.clone())],
                },
                Op::EndTextSection,
            ]);
        }
        doc.pages.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
    }
    let opts = PdfSaveOptions {
        subset_fonts: true,
        optimize: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let bytes = doc.save(&opts, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| matches!(w.severity, PdfParseErrorSeverity::Error))
    {
        return Err(Msg::new(
            format!("生成 PDF 失败：{}", w.msg),
            format!("the PDF could not be written: {}", w.msg),
        ));
    }
    Ok(bytes)
}
