//! The letter on A4 pages. A Chinese letter follows GB/T 9704-2012 (党政机关公文格式): the type
//! area 156 × 225 mm with 37 mm at the top and 28 mm at the left; the issuing-authority mark
//! in red, its top 35 mm below the type area's; the document number two lines below it and a
//! red separator line 4 mm under that, as wide as the type area; the title two lines below
//! the line, centred; the addressee one line below, flush left; the body in 3号 (16 pt) on 22
//! lines a page with a two-character first-line indent; page numbers "— 1 —" in 4号 (14 pt),
//! 7 mm below the type area, odd pages right and even pages left with one character's space.
//! An English letter uses a plain business layout. Pure: text is measured by the function
//! given (the font's advances), so the layout is tested without a font or a PDF.

use super::{Letter, Table};
use crate::lang::Lang;

/// Millimetres per point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

/// Which face a run is set in: the title face (小标宋 where the agency has it) or the body
/// face (仿宋).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Title,
    Body,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    Black,
    /// The red of the issuing-authority mark and the separator line.
    Red,
}

/// A line of text: its left end and baseline in millimetres from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub face: Face,
    pub ink: Ink,
    pub text: String,
}

/// A straight line, in millimetres from the top-left corner, its width in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub width: f32,
    pub ink: Ink,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

/// The geometry of one language's layout.
struct Style {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
    body: f32,
    /// Baseline to baseline of body lines.
    pitch: f32,
    title: f32,
    table: f32,
    row: f32,
    indent_chars: f32,
}

const ZH: Style = Style {
    left: 28.0,
    top: 37.0,
    width: 156.0,
    height: 225.0,
    body: 16.0,
    // 22 lines in the 225 mm type area.
    pitch: 225.0 / 22.0,
    title: 22.0,
    table: 12.0,
    row: 7.5,
    indent_chars: 2.0,
};

const EN: Style = Style {
    left: 25.0,
    top: 25.0,
    width: 160.0,
    height: 237.0,
    body: 11.0,
    pitch: 6.0,
    title: 14.0,
    table: 9.5,
    row: 6.0,
    indent_chars: 0.0,
};

/// Width in millimetres of a text at a size in points, as the font sets it.
pub type Measure<'a> = &'a dyn Fn(&str, f32) -> f32;

/// Punctuation that never starts a line (it stays at the end of the line before).
fn closing(c: char) -> bool {
    "，。、：；！？）》」』”’,.;:!?)%".contains(c)
}

/// Punctuation that never ends a line (it goes to the next with what it opens).
fn opening(c: char) -> bool {
    "（《「『“‘(".contains(c)
}

/// Breaks a text into lines no wider than `width`: between any two Chinese characters, at
/// spaces, never inside a run of Latin letters or digits (a figure such as 2,556,000.00
/// stays whole unless it alone is too wide), and never before closing punctuation.
pub fn wrap(text: &str, size: f32, width: f32, first_indent: f32, m: Measure) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for c in text.chars() {
        let latin = c.is_ascii_alphanumeric() || ",.-¥/:()%'\"".contains(c);
        match tokens.last_mut() {
            Some(t)
                if latin
                    && !c.is_whitespace()
                    && t.chars().last().is_some_and(|p| {
                        p.is_ascii_alphanumeric() || ",.-¥/:()%'\"".contains(p)
                    }) =>
            {
                t.push(c)
            }
            _ => tokens.push(c.to_string()),
        }
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut avail = width - first_indent;
    for tok in tokens {
        let candidate = format!("{line}{tok}");
        let starts_closing = tok.chars().next().is_some_and(closing);
        if line.is_empty() || m(&candidate, size) <= avail || starts_closing {
            line = candidate;
            continue;
        }
        // An opening bracket or quote goes down with what it opens.
        let mut carry = String::new();
        while line.chars().last().is_some_and(opening) && line.chars().count() > 1 {
            if let Some(c) = line.pop() {
                carry.insert(0, c);
            }
        }
        lines.push(line.trim_end().to_string());
        line = format!("{carry}{}", tok.trim_start());
        avail = width;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Lays a letter out on pages.
pub fn layout(letter: &Letter, m: Measure) -> Vec<Page> {
    layout_faces(letter, m, m)
}

/// Lays a letter out with the body face measured by `m` and the title face (the mark and
/// the title) by `t`.
pub fn layout_faces(letter: &Letter, m: Measure, t: Measure) -> Vec<Page> {
    let zh = letter.lang == Lang::Zh;
    let s = if zh { &ZH } else { &EN };
    let mut doc = Doc {
        s,
        m,
        pages: vec![Page::default()],
        y: s.top,
    };
    let centre = |text: &str, size: f32| s.left + (s.width - m(text, size)) / 2.0;
    let centre_t = |text: &str, size: f32| s.left + (s.width - t(text, size)) / 2.0;
    let red = if zh { Ink::Red } else { Ink::Black };
    // The issuing-authority mark: centred, shrunk to fit the type area if it must.
    let mut mark = if zh { 30.0 } else { 18.0 };
    while mark > 12.0 && t(&letter.letterhead, mark) > s.width {
        mark -= 1.0;
    }
    let mark_top = if zh { s.top + 35.0 } else { s.top };
    let mark_base = mark_top + mark * MM_PER_PT * 0.88;
    doc.run(
        centre_t(&letter.letterhead, mark),
        mark_base,
        mark,
        Face::Title,
        red,
        &letter.letterhead,
    );
    // The document number two lines below, the red line 4 mm under it.
    let number_base = mark_base + 2.0 * s.pitch;
    let (nx, line_y) = if zh {
        (centre(&letter.number, s.body), number_base + 4.0)
    } else {
        (s.left, number_base + 3.0)
    };
    doc.run(
        nx,
        number_base,
        s.body,
        Face::Body,
        Ink::Black,
        &letter.number,
    );
    if !zh {
        let d = letter.date_text();
        doc.run(
            s.left + s.width - m(&d, s.body),
            number_base,
            s.body,
            Face::Body,
            Ink::Black,
            &d,
        );
    }
    doc.pages[0].rules.push(Rule {
        x1: s.left,
        y1: line_y,
        x2: s.left + s.width,
        y2: line_y,
        width: if zh { 1.2 } else { 0.5 },
        ink: red,
    });
    // The title two lines below the line, centred, wrapped.
    doc.y = line_y + 2.0 * s.pitch;
    for l in wrap(&letter.title, s.title, s.width, 0.0, t) {
        doc.need(s.title * MM_PER_PT * 1.6);
        let y = doc.y;
        doc.run(
            centre_t(&l, s.title),
            y,
            s.title,
            Face::Title,
            Ink::Black,
            &l,
        );
        doc.y += s.title * MM_PER_PT * 1.6;
    }
    // The addressee one line below, flush left; then the body.
    doc.y += s.pitch - s.title * MM_PER_PT * 1.6 + s.pitch * 0.4;
    doc.paragraph(&letter.addressee, 0.0);
    let indent = s.indent_chars * s.body * MM_PER_PT;
    for p in &letter.body {
        doc.paragraph(p, indent);
    }
    doc.table(&letter.schedule);
    if let Some(b) = &letter.budget {
        doc.y += s.pitch * 0.3;
        doc.table(b);
    }
    let numbers = if zh { ZH_NUMBERS } else { &[] };
    for (i, c) in letter.conditions.iter().enumerate() {
        let text = match numbers.get(i) {
            Some(n) => format!("{n}、{c}"),
            None => format!("{}. {c}", i + 1),
        };
        doc.paragraph(&text, indent);
    }
    // The signature: the agency and the date, right-aligned four characters in (Chinese),
    // with room for the seal above.
    doc.need(4.0 * s.pitch);
    doc.y += 2.0 * s.pitch;
    let right = s.left + s.width - if zh { 4.0 * s.body * MM_PER_PT } else { 0.0 };
    let date = letter.date_text();
    let (agency_w, date_w) = (m(&letter.agency, s.body), m(&date, s.body));
    let block = agency_w.max(date_w);
    let y = doc.y;
    doc.run(
        right - block + (block - agency_w) / 2.0,
        y,
        s.body,
        Face::Body,
        Ink::Black,
        &letter.agency,
    );
    doc.run(
        right - block + (block - date_w) / 2.0,
        y + s.pitch,
        s.body,
        Face::Body,
        Ink::Black,
        &date,
    );
    // Page numbers.
    let count = doc.pages.len();
    for (i, p) in doc.pages.iter_mut().enumerate() {
        let n = format!("— {} —", i + 1);
        let size = if zh { 14.0 } else { 9.0 };
        let w = m(&n, size);
        let space = size * MM_PER_PT;
        let x = if !zh || count == 1 {
            s.left + (s.width - w) / 2.0
        } else if i % 2 == 0 {
            s.left + s.width - space - w
        } else {
            s.left + space
        };
        let baseline = s.top + s.height + 7.0 + size * MM_PER_PT * 0.88;
        p.runs.push(Run {
            x,
            baseline,
            size,
            face: Face::Body,
            ink: Ink::Black,
            text: n,
        });
    }
    doc.pages
}

const ZH_NUMBERS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

struct Doc<'a> {
    s: &'a Style,
    m: Measure<'a>,
    pages: Vec<Page>,
    /// The next baseline, in millimetres from the top.
    y: f32,
}

impl Doc<'_> {
    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn run(&mut self, x: f32, baseline: f32, size: f32, face: Face, ink: Ink, text: &str) {
        self.page().runs.push(Run {
            x,
            baseline,
            size,
            face,
            ink,
            text: text.to_string(),
        });
    }

    /// Starts a new page unless `height` more fits in the type area.
    fn need(&mut self, height: f32) {
        if self.y + height > self.s.top + self.s.height {
            self.pages.push(Page::default());
            self.y = self.s.top + self.s.body * MM_PER_PT;
        }
    }

    fn paragraph(&mut self, text: &str, indent: f32) {
        let s = self.s;
        for (i, l) in wrap(text, s.body, s.width, indent, self.m)
            .into_iter()
            .enumerate()
        {
            self.need(0.0);
            let y = self.y;
            let x = s.left + if i == 0 { indent } else { 0.0 };
            self.run(x, y, s.body, Face::Body, Ink::Black, &l);
            self.y += s.pitch;
        }
    }

    /// A ruled table; on a new page its header row is repeated.
    fn table(&mut self, t: &Table) {
        let s = self.s;
        let cols = t.headers.len().max(1);
        // The first column narrower, the amounts wider.
        let first = s.width * if cols > 3 { 0.16 } else { 0.3 };
        let rest = (s.width - first) / (cols - 1).max(1) as f32;
        let xs: Vec<f32> = (0..=cols)
            .map(|i| {
                if i == 0 {
                    s.left
                } else {
                    s.left + first + rest * (i - 1) as f32
                }
            })
            .collect();
        self.y += s.row * 0.3;
        // At least the header and two rows together.
        self.need(3.0 * s.row);
        let mut row_top = self.y - s.body * MM_PER_PT;
        self.header(t, &xs, &mut row_top);
        let all: Vec<&Vec<String>> = t.rows.iter().chain(std::iter::once(&t.total)).collect();
        let n = all.len();
        for (i, r) in all.into_iter().enumerate() {
            // The total never stands alone under a repeated header: the last row goes over
            // with it.
            let keep = if i + 2 == n { 2.0 } else { 1.0 };
            if row_top + keep * s.row > s.top + s.height {
                self.pages.push(Page::default());
                row_top = s.top;
                self.header(t, &xs, &mut row_top);
            }
            self.row(r, &xs, row_top);
            row_top += s.row;
            self.rule(xs[0], row_top, xs[cols], row_top);
        }
        self.y = row_top + s.pitch;
    }

    fn header(&mut self, t: &Table, xs: &[f32], row_top: &mut f32) {
        let cols = xs.len() - 1;
        self.rule(xs[0], *row_top, xs[cols], *row_top);
        self.row(&t.headers, xs, *row_top);
        *row_top += self.s.row;
        self.rule(xs[0], *row_top, xs[cols], *row_top);
    }

    /// One row: the first column left-aligned, the others right-aligned (amounts); a cell
    /// wider than its column starts at its left edge.
    fn row(&mut self, cells: &[String], xs: &[f32], top: f32) {
        let s = self.s;
        let size = s.table;
        let baseline = top + (s.row + size * MM_PER_PT * 0.7) / 2.0;
        for (i, c) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            let (l, r) = (xs[i] + 1.5, xs[i + 1] - 1.5);
            let w = (self.m)(c, size);
            let x = if i == 0 || w > r - l { l } else { r - w };
            self.run(x, baseline, size, Face::Body, Ink::Black, c);
        }
        for x in xs {
            self.rule(*x, top, *x, top + s.row);
        }
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.page().rules.push(Rule {
            x1,
            y1,
            x2,
            y2,
            width: 0.5,
            ink: Ink::Black,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monospace stand-in: a Chinese character one em wide, anything else half an em.
    fn fake(text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
            .sum::<f32>()
            * size
            * MM_PER_PT
    }

    #[test]
    fn twenty_eight_characters_fill_a_line_of_the_type_area() {
        // 3号 is 16 pt = 5.64 mm; 27 of them fit in 156 mm, the standard's 28 with its
        // slightly tighter setting.
        let text = "一".repeat(60);
        let lines = wrap(&text, 16.0, 156.0, 0.0, &fake);
        assert_eq!(lines[0].chars().count(), 27);
        assert_eq!(lines.iter().map(|l| l.chars().count()).sum::<usize>(), 60);
        let indented = wrap(&text, 16.0, 156.0, 2.0 * 16.0 * MM_PER_PT, &fake);
        assert_eq!(indented[0].chars().count(), 25, "two characters' indent");
        assert_eq!(indented[1].chars().count(), 27);
    }

    #[test]
    fn figures_stay_whole_and_closing_punctuation_never_starts_a_line() {
        let text = format!("{}资助金额 2,556,000.00 元", "一".repeat(24));
        let lines = wrap(&text, 16.0, 156.0, 0.0, &fake);
        assert!(
            lines.iter().any(|l| l.contains("2,556,000.00")),
            "{lines:?}"
        );
        let text = format!("{}。其余", "一".repeat(27));
        let lines = wrap(&text, 16.0, 156.0, 0.0, &fake);
        assert!(lines[0].ends_with('。') && lines[1] == "其余", "{lines:?}");
        let text = format!("{}（¥2,556,000.00）", "一".repeat(26));
        let lines = wrap(&text, 16.0, 156.0, 0.0, &fake);
        assert_eq!(
            lines[1], "（¥2,556,000.00）",
            "an opening bracket goes down with its figure"
        );
    }
}
