//! The Chinese font a letter is set in: found on the machine (Noto Serif/Sans CJK SC on
//! Debian and Ubuntu, 宋体/仿宋 on Windows, Songti on macOS) or named in the settings, parsed
//! once, measured for the layout, and checked to cover every character before anything is
//! written (a missing glyph would print as an empty box).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use printpdf::ParsedFont;

use crate::error::Msg;

/// Where Simplified Chinese fonts are found, in the order tried.
pub const CANDIDATES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:\\Windows\\Fonts\\simfang.ttf",
    "C:\\Windows\\Fonts\\simsun.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Songti.ttc",
];

/// A parsed font and where it came from.
pub struct LetterFont {
    pub parsed: ParsedFont,
    pub path: PathBuf,
    pub face: u32,
    /// Its family name, as the refusals name it.
    pub family: String,
    units_per_em: f32,
    /// Every character the face maps: its glyph and advance (font units), read once so that
    /// measuring a line is a table lookup.
    glyphs: HashMap<char, (u16, u16)>,
}

fn family(face: &ttf_parser::Face) -> String {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::FAMILY)
        .find_map(|n| n.to_string())
        .unwrap_or_default()
}

/// The face of a collection meant for Simplified Chinese: one whose family says SC (Noto,
/// Source Han) or is a Chinese office font; else the first.
fn sc_face(data: &[u8]) -> (u32, String) {
    let n = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let mut first = None;
    for i in 0..n {
        if let Ok(face) = ttf_parser::Face::parse(data, i) {
            let name = family(&face);
            if name.contains(" SC")
                || name.contains("SimSun")
                || name.contains("FangSong")
                || name.contains("Songti SC")
            {
                return (i, name);
            }
            first.get_or_insert((i, name));
        }
    }
    first.unwrap_or((0, String::new()))
}

impl LetterFont {
    /// Loads a font file (a collection's Simplified Chinese face).
    pub fn load(path: &Path) -> Result<LetterFont, Msg> {
        let unreadable = |why: String| {
            Msg::new(
                format!("无法读取字体文件 {}：{why}", path.display()),
                format!("the font file {} cannot be read: {why}", path.display()),
            )
        };
        let data = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
        let (face, family) = sc_face(&data);
        let parsed_face =
            ttf_parser::Face::parse(&data, face).map_err(|e| unreadable(e.to_string()))?;
        let units_per_em = f32::from(parsed_face.units_per_em());
        let mut glyphs = HashMap::new();
        if let Some(cmap) = parsed_face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let Some(c) = char::from_u32(cp)
                        && let Some(g) = sub.glyph_index(cp)
                        && g.0 != 0
                    {
                        glyphs.entry(c).or_insert_with(|| {
                            (g.0, parsed_face.glyph_hor_advance(g).unwrap_or(0))
                        });
                    }
                });
            }
        }
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&data, face as usize, &mut warnings)
            .ok_or_else(|| unreadable(format!("{warnings:?}")))?;
        Ok(LetterFont {
            parsed,
            path: path.to_path_buf(),
            face,
            family,
            units_per_em,
            glyphs,
        })
    }

    /// The first Simplified Chinese font found on the machine.
    pub fn find() -> Result<LetterFont, Msg> {
        for c in CANDIDATES {
            let p = Path::new(c);
            if p.is_file()
                && let Ok(f) = LetterFont::load(p)
            {
                return Ok(f);
            }
        }
        Err(Msg::new(
            "本机没有找到简体中文字体（如 Noto Serif CJK SC、宋体、仿宋）：请安装 fonts-noto-cjk 或在设置中指定字体文件",
            "no Simplified Chinese font was found on this machine (such as Noto Serif CJK SC, SimSun, FangSong): install fonts-noto-cjk or name a font file in the settings",
        ))
    }

    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        self.glyphs.get(&c).map(|g| g.0)
    }

    /// The characters the font cannot print.
    pub fn missing(&self, chars: &[char]) -> Vec<char> {
        chars
            .iter()
            .copied()
            .filter(|c| !c.is_whitespace() && self.glyph(*c).is_none())
            .collect()
    }

    /// The width of a text in millimetres at a size in points, from the font's advances as
    /// the PDF writes them (whole thousandths of an em).
    pub fn measure(&self, text: &str, size: f32) -> f32 {
        let em: f32 = text
            .chars()
            .map(|c| match self.glyphs.get(&c) {
                Some((_, advance)) => {
                    (f32::from(*advance) * 1000.0 / self.units_per_em).trunc() / 1000.0
                }
                None => 1.0,
            })
            .sum();
        em * size * super::layout::MM_PER_PT
    }
}

/// The fonts a letter is set in: the body's, and the title's (the issuing-authority mark
/// and the title) when the agency set one apart.
pub struct Fonts {
    pub body: LetterFont,
    pub title: Option<LetterFont>,
}

impl Fonts {
    /// One font for everything: found on the machine.
    pub fn found() -> Result<Fonts, Msg> {
        Ok(Fonts {
            body: LetterFont::find()?,
            title: None,
        })
    }

    /// The agency's fonts: the files its settings name, else one found on the machine.
    pub fn of(agency: &super::Agency) -> Result<Fonts, Msg> {
        let body = match &agency.body_font {
            Some(p) => LetterFont::load(Path::new(p))?,
            None => LetterFont::find()?,
        };
        let title = match &agency.title_font {
            Some(p) if Some(p) != agency.body_font.as_ref() => {
                Some(LetterFont::load(Path::new(p))?)
            }
            _ => None,
        };
        Ok(Fonts { body, title })
    }

    /// The font of a face.
    pub fn face(&self, face: super::layout::Face) -> &LetterFont {
        match (face, &self.title) {
            (super::layout::Face::Title, Some(t)) => t,
            _ => &self.body,
        }
    }
}
