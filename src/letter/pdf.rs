//! The laid-out pages as a PDF: the font's subset embedded (with a ToUnicode map, so the text
//! can be searched and extracted), the red of the mark and the line, compressed streams.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use lopdf::Object;
use printpdf::{
    Color, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, Rgb, TextItem, TextMatrix,
};

use super::cff;
use super::font::{Fonts, LetterFont};
use super::layout::{Face, Ink, Page};
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

/// How a batch's font is embedded in each of its letters.
enum Embed {
    /// A CID-keyed CFF (Noto CJK, Source Han, most Chinese OpenType fonts): each letter
    /// carries its own desubroutinised subset, cut from the batch's in well under a
    /// millisecond ([`cff`]).
    Cut(Box<cff::Source>),
    /// Anything else (a TrueType font such as 仿宋 on Windows): printpdf subsets the font
    /// for each letter, slower but as small.
    Printpdf,
}

/// One face of a batch: the subset of the font for every character the batch prints in it
/// (so each letter's PDF is built from a small font rather than the whole face), and how
/// each letter carries it.
struct PressFont {
    font: ParsedFont,
    embed: Embed,
}

/// The fonts of a batch of letters, parsed and subset once: the body's, and the title's when
/// the agency set one apart.
pub struct Press {
    body: PressFont,
    title: Option<PressFont>,
    level: Level,
}

/// How streams are deflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    pub level: i32,
    pub strategy: zlib_rs::Strategy,
}

thread_local! {
    /// One deflater per thread, reset for each stream: making one allocates and clears
    /// hundreds of kilobytes, which cost more than deflating a letter's small streams.
    static DEFLATER: std::cell::RefCell<Option<(Level, zlib_rs::Deflate)>> =
        const { std::cell::RefCell::new(None) };
}

/// Deflates with zlib's header (as `FlateDecode` wants).
fn deflate(data: &[u8], level: Level) -> Result<Vec<u8>, Msg> {
    let mut out = vec![0u8; zlib_rs::compress_bound(data.len())];
    let done = DEFLATER.with_borrow_mut(|slot| {
        let d = match slot {
            Some((l, d)) if *l == level => {
                d.reset();
                d
            }
            _ => {
                let config = zlib_rs::DeflateConfig {
                    level: level.level,
                    method: zlib_rs::Method::Deflated,
                    window_bits: 15,
                    mem_level: 8,
                    strategy: level.strategy,
                };
                &mut slot
                    .insert((level, zlib_rs::Deflate::new_with_config(config)))
                    .1
            }
        };
        match d.compress(data, &mut out, zlib_rs::DeflateFlush::Finish) {
            Ok(zlib_rs::Status::StreamEnd) => Ok(d.total_out()),
            other => Err(failed(format!("deflate: {other:?}"))),
        }
    })?;
    out.truncate(usize::try_from(done).unwrap_or(0));
    Ok(out)
}

/// Where a letter's time goes, summed over letters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// printpdf: the document, its content streams, widths and ToUnicode map.
    pub build: Duration,
    /// The letter's own font program cut from the batch's.
    pub cut: Duration,
    /// Deflating every stream.
    pub compress: Duration,
    /// Writing the file's bytes.
    pub save: Duration,
}

/// The compression of every stream (the font's outlines are most of a letter's bytes).
/// Measured with `grantdesk bench letters` on the sample's letters: level 2 is 52.1 KB a
/// letter, level 6 51.6 KB at a fifth more time; Huffman only or RLE, 63 KB.
pub const LEVEL: Level = Level {
    level: 2,
    strategy: zlib_rs::Strategy::Default,
};

fn failed(why: impl std::fmt::Display) -> Msg {
    Msg::new(
        format!("生成 PDF 失败：{why}"),
        format!("the PDF could not be written: {why}"),
    )
}

impl PressFont {
    /// One face of the press, for the characters the batch prints in it.
    fn new(font: &LetterFont, chars: &[char]) -> Result<PressFont, Msg> {
        let glyphs: BTreeMap<u16, String> = chars
            .iter()
            .filter_map(|c| font.glyph(*c).map(|g| (g, c.to_string())))
            .collect();
        let subset = printpdf::subset_font(&font.parsed, &glyphs).map_err(failed)?;
        // A CID-keyed CFF: the batch's font without its subroutines (printpdf reads it for
        // every letter, and reads a CJK face's tens of thousands of subroutines slowly),
        // from which each letter then cuts its own.
        let flat = printpdf::extract_cid_keyed_cff(&subset.bytes, 0)
            .and_then(cff::Source::read)
            .and_then(|s| s.flattened())
            .and_then(|cff| {
                let sfnt = cff::with_cff(&subset.bytes, &cff)?;
                Some((sfnt, cff::Source::read(cff)?))
            });
        let (bytes, embed) = match flat {
            Some((sfnt, source)) => (sfnt, Embed::Cut(Box::new(source))),
            None => (subset.bytes, Embed::Printpdf),
        };
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
            .ok_or_else(|| failed(format!("{warnings:?}")))?;
        Ok(PressFont {
            font: parsed,
            embed,
        })
    }
}

impl Press {
    /// The press for a batch of laid-out letters (the caller has checked the fonts have
    /// every character they print).
    pub fn new(fonts: &Fonts, letters: &[super::Laid]) -> Result<Press, Msg> {
        let (body, title) = match &fonts.title {
            Some(t) => (
                PressFont::new(&fonts.body, &super::printed(letters, Some(Face::Body)))?,
                Some(PressFont::new(
                    t,
                    &super::printed(letters, Some(Face::Title)),
                )?),
            ),
            None => (
                PressFont::new(&fonts.body, &super::printed(letters, None))?,
                None,
            ),
        };
        Ok(Press {
            body,
            title,
            level: LEVEL,
        })
    }

    fn faces(&self) -> impl Iterator<Item = &PressFont> {
        std::iter::once(&self.body).chain(self.title.as_ref())
    }

    /// Whether each letter gets its own subset cut from the batch's (the fast way).
    pub fn cuts(&self) -> bool {
        self.faces().all(|f| matches!(f.embed, Embed::Cut(_)))
    }

    /// The PDF of a letter's pages, dated `at` (Unix seconds). A problem printpdf reports as
    /// an error (a failed subset would embed the whole font) refuses the letter rather than
    /// writing a broken or oversized file.
    pub fn render(&self, title: &str, pages: &[Page], at: i64) -> Result<Vec<u8>, Msg> {
        self.render_timed(title, pages, at, &mut Timings::default())
    }

    /// [`Press::render`], adding the time of each step to `t` (for the benchmark).
    pub fn render_timed(
        &self,
        title: &str,
        pages: &[Page],
        at: i64,
        t: &mut Timings,
    ) -> Result<Vec<u8>, Msg> {
        let start = Instant::now();
        let mut doc = PdfDocument::new(title);
        doc.metadata.info.creator = "GrantDesk".into();
        doc.metadata.info.producer =
            concat!("GrantDesk ", env!("CARGO_PKG_VERSION"), " (printpdf)").into();
        if let Ok(t) = printpdf::OffsetDateTime::from_unix_timestamp(at) {
            doc.metadata.info.creation_date = t;
            doc.metadata.info.modification_date = t;
            doc.metadata.info.metadata_date = t;
        }
        let body = doc.add_font(&self.body.font);
        let title = self
            .title
            .as_ref()
            .map_or_else(|| body.clone(), |t| doc.add_font(&t.font));
        for p in pages {
            doc.pages.push(page(p, &body, &title));
        }
        let opts = PdfSaveOptions {
            subset_fonts: !self.cuts(),
            optimize: false,
            ..Default::default()
        };
        let mut warnings = Vec::new();
        let mut lo = printpdf::to_lopdf_doc(&doc, &opts, &mut warnings);
        if let Some(w) = warnings
            .iter()
            .find(|w| matches!(w.severity, PdfParseErrorSeverity::Error))
        {
            return Err(failed(&w.msg));
        }
        let built = Instant::now();
        t.build += built - start;
        let sources: Vec<&cff::Source> = self
            .faces()
            .filter_map(|f| match &f.embed {
                Embed::Cut(s) => Some(&**s),
                Embed::Printpdf => None,
            })
            .collect();
        if !sources.is_empty() {
            cut(&mut lo, &sources)?;
        }
        let cut_at = Instant::now();
        t.cut += cut_at - built;
        for obj in lo.objects.values_mut() {
            if let Object::Stream(s) = obj
                && s.dict.get(b"Filter").is_err()
            {
                let packed = deflate(&s.content, self.level)?;
                s.dict.set("Filter", "FlateDecode");
                s.set_content(packed);
            }
        }
        let packed = Instant::now();
        t.compress += packed - cut_at;
        let mut bytes = Vec::new();
        lo.save_to(&mut bytes).map_err(failed)?;
        t.save += packed.elapsed();
        Ok(bytes)
    }
}

/// The codes of a CID font's `/W` widths: every glyph the letter shows.
fn codes(w: &[Object], into: &mut BTreeSet<u16>) {
    let mut i = 0;
    while i < w.len() {
        let first = w[i].as_i64().ok();
        match (first, w.get(i + 1)) {
            (Some(c), Some(Object::Array(ws))) => {
                for k in 0..ws.len() as i64 {
                    into.extend(u16::try_from(c + k).ok());
                }
                i += 2;
            }
            (Some(c1), Some(Object::Integer(c2))) => {
                into.extend((c1..=*c2).filter_map(|c| u16::try_from(c).ok()));
                i += 3;
            }
            _ => i += 1,
        }
    }
}

/// Replaces each batch font program by the letter's own cut of it, and names each font as
/// a subset (`ABCDEF+Name`, the tag from the glyphs it holds) as PDF readers expect. A font
/// program that is none of the batch's (printpdf subset it itself) is left as it is.
fn cut(doc: &mut lopdf::Document, sources: &[&cff::Source]) -> Result<(), Msg> {
    use lopdf::ObjectId;
    // Each font: its dictionary, its descriptor and program, and the codes it shows.
    struct Used {
        font: ObjectId,
        descriptor: ObjectId,
        program: ObjectId,
        codes: BTreeSet<u16>,
    }
    let mut fonts = Vec::new();
    for (id, obj) in &doc.objects {
        let Object::Dictionary(d) = obj else { continue };
        let Ok(Object::Array(desc)) = d.get(b"DescendantFonts") else {
            continue;
        };
        for f in desc {
            let Object::Dictionary(f) = f else { continue };
            let mut codes_used = BTreeSet::new();
            if let Ok(Object::Array(w)) = f.get(b"W") {
                codes(w, &mut codes_used);
            }
            let Ok(descriptor) = f.get(b"FontDescriptor").and_then(Object::as_reference) else {
                continue;
            };
            let Ok(program) = doc
                .get_object(descriptor)
                .and_then(Object::as_dict)
                .and_then(|d| d.get(b"FontFile3"))
                .and_then(Object::as_reference)
            else {
                continue;
            };
            fonts.push(Used {
                font: *id,
                descriptor,
                program,
                codes: codes_used,
            });
        }
    }
    for used in fonts {
        let Ok(Object::Stream(stream)) = doc.get_object_mut(used.program) else {
            continue;
        };
        let Some(source) = sources
            .iter()
            .find(|s| s.data() == stream.content.as_slice())
        else {
            continue;
        };
        let program = source
            .subset(&used.codes)
            .ok_or_else(|| failed("the font's outlines could not be cut"))?;
        stream.set_content(program);
        let tag: String = {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(source.data().len().to_be_bytes());
            for c in &used.codes {
                h.update(c.to_be_bytes());
            }
            h.finalize()
                .iter()
                .take(6)
                .map(|b| char::from(b'A' + b % 26))
                .collect()
        };
        let tagged = |name: &[u8]| {
            let mut v = format!("{tag}+").into_bytes();
            v.extend(name);
            Object::Name(v)
        };
        if let Ok(Object::Dictionary(d)) = doc.get_object_mut(used.descriptor)
            && let Ok(Object::Name(n)) = d.get(b"FontName")
        {
            let t = tagged(n);
            d.set("FontName", t);
        }
        if let Ok(Object::Dictionary(d)) = doc.get_object_mut(used.font) {
            if let Ok(Object::Name(n)) = d.get(b"BaseFont") {
                let t = tagged(n);
                d.set("BaseFont", t);
            }
            if let Ok(Object::Array(desc)) = d.get_mut(b"DescendantFonts") {
                for f in desc.iter_mut() {
                    if let Object::Dictionary(f) = f
                        && let Ok(Object::Name(n)) = f.get(b"BaseFont")
                    {
                        let t = tagged(n);
                        f.set("BaseFont", t);
                    }
                }
            }
        }
    }
    Ok(())
}

fn page(p: &Page, body: &printpdf::FontId, title: &printpdf::FontId) -> PdfPage {
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
                font: PdfFontHandle::External(match r.face {
                    Face::Body => body.clone(),
                    Face::Title => title.clone(),
                }),
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
    PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
}

/// printpdf as its documentation shows it: the whole face given, subset and optimised by
/// printpdf for this one file. The letters do not use it; the benchmark compares with it and
/// the tests compare its pages with the press's, pixel for pixel.
pub fn documented(title: &str, pages: &[Page], font: &LetterFont) -> Result<Vec<u8>, Msg> {
    let mut doc = PdfDocument::new(title);
    let id = doc.add_font(&font.parsed);
    for p in pages {
        doc.pages.push(page(p, &id, &id));
    }
    let opts = PdfSaveOptions {
        subset_fonts: true,
        optimize: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let bytes = doc.save(&opts, &mut warnings);
    match warnings
        .iter()
        .find(|w| matches!(w.severity, PdfParseErrorSeverity::Error))
    {
        Some(w) => Err(failed(&w.msg)),
        None => Ok(bytes),
    }
}
