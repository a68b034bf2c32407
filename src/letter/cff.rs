//! A letter's own subset of a CID-keyed CFF font (the outlines of Noto CJK, Source Han and
//! most Chinese OpenType fonts), made from the batch's subset in well under a millisecond.
//!
//! Why: printpdf subsets by re-reading the whole font for every file, and a CJK face's
//! subset still carries all its subroutines (Noto Serif CJK SC: 3,241 global and 26,095
//! local ones, ~100 KB even for 200 glyphs). Here the glyphs the letter uses are kept and
//! their subroutine calls inlined ("desubroutinised"), so the program holds only what the
//! letter draws. CIDs are kept as they are (the charset maps each kept glyph to its CID), so
//! the codes printpdf wrote in the content stream, `/W` and `/ToUnicode` stay valid.
//!
//! Anything this reader does not know (a name-keyed font, arithmetic operators in a
//! charstring, a malformed table) is refused with `None`, and the caller embeds the batch's
//! subset as printpdf wrote it: larger, never wrong.

use std::collections::{BTreeMap, BTreeSet};

/// A bounds-checked reader over the font's bytes.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u8(&self, at: usize) -> Option<u8> {
        self.0.get(at).copied()
    }
    fn u16(&self, at: usize) -> Option<u16> {
        Some(u16::from_be_bytes([self.u8(at)?, self.u8(at + 1)?]))
    }
    fn offset(&self, at: usize, size: u8) -> Option<usize> {
        let mut v = 0usize;
        for i in 0..usize::from(size) {
            v = (v << 8) | usize::from(self.u8(at + i)?);
        }
        Some(v)
    }
    fn slice(&self, from: usize, to: usize) -> Option<&'a [u8]> {
        self.0.get(from..to)
    }
}

/// An INDEX: its items, and where it ends.
fn index(b: &Bytes, at: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let count = usize::from(b.u16(at)?);
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let size = b.u8(at + 2)?;
    if !(1..=4).contains(&size) {
        return None;
    }
    let offsets_at = at + 3;
    let data = offsets_at + (count + 1) * usize::from(size) - 1;
    let mut items = Vec::with_capacity(count);
    let mut prev = b.offset(offsets_at, size)?;
    for i in 1..=count {
        let next = b.offset(offsets_at + i * usize::from(size), size)?;
        if next < prev {
            return None;
        }
        items.push((data + prev, data + next));
        prev = next;
    }
    if prev + data > b.0.len() {
        return None;
    }
    Some((items, data + prev))
}

/// Writes an INDEX of the given items.
fn write_index(out: &mut Vec<u8>, items: &[&[u8]]) {
    let count = u16::try_from(items.len()).unwrap_or(u16::MAX);
    out.extend(count.to_be_bytes());
    if items.is_empty() {
        return;
    }
    let total: usize = items.iter().map(|i| i.len()).sum::<usize>() + 1;
    let size: u8 = match total {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    out.push(size);
    let mut offset = 1usize;
    let put = |out: &mut Vec<u8>, v: usize| {
        let bytes = (v as u32).to_be_bytes();
        out.extend(&bytes[4 - usize::from(size)..]);
    };
    put(out, offset);
    for i in items {
        offset += i.len();
        put(out, offset);
    }
    for i in items {
        out.extend(*i);
    }
}

/// One DICT entry: its operator (escaped ones as 1200 + n), the raw bytes of its operands
/// and the integer values of those that are integers.
struct Entry<'a> {
    op: u16,
    raw: &'a [u8],
    ints: Vec<Option<i64>>,
}

fn dict(data: &[u8]) -> Option<Vec<Entry<'_>>> {
    let mut entries = Vec::new();
    let mut i = 0;
    let mut start = 0;
    let mut ints = Vec::new();
    while i < data.len() {
        let b0 = data[i];
        match b0 {
            0..=21 => {
                let op = if b0 == 12 {
                    let b1 = *data.get(i + 1)?;
                    i += 2;
                    1200 + u16::from(b1)
                } else {
                    i += 1;
                    u16::from(b0)
                };
                entries.push(Entry {
                    op,
                    raw: &data[start..i - if op >= 1200 { 2 } else { 1 }],
                    ints: std::mem::take(&mut ints),
                });
                start = i;
            }
            28 => {
                let v = i16::from_be_bytes([*data.get(i + 1)?, *data.get(i + 2)?]);
                ints.push(Some(i64::from(v)));
                i += 3;
            }
            29 => {
                let v = i32::from_be_bytes([
                    *data.get(i + 1)?,
                    *data.get(i + 2)?,
                    *data.get(i + 3)?,
                    *data.get(i + 4)?,
                ]);
                ints.push(Some(i64::from(v)));
                i += 5;
            }
            30 => {
                // A real: nibbles up to one that is 0xf.
                i += 1;
                loop {
                    let n = *data.get(i)?;
                    i += 1;
                    if n & 0x0f == 0x0f || n >> 4 == 0x0f {
                        break;
                    }
                }
                ints.push(None);
            }
            32..=246 => {
                ints.push(Some(i64::from(b0) - 139));
                i += 1;
            }
            247..=250 => {
                let b1 = *data.get(i + 1)?;
                ints.push(Some((i64::from(b0) - 247) * 256 + i64::from(b1) + 108));
                i += 2;
            }
            251..=254 => {
                let b1 = *data.get(i + 1)?;
                ints.push(Some(-(i64::from(b0) - 251) * 256 - i64::from(b1) - 108));
                i += 2;
            }
            _ => return None,
        }
    }
    Some(entries)
}

fn find<'a, 'b>(entries: &'b [Entry<'a>], op: u16) -> Option<&'b Entry<'a>> {
    entries.iter().find(|e| e.op == op)
}

fn int_at(e: &Entry, i: usize) -> Option<usize> {
    e.ints
        .get(i)
        .copied()
        .flatten()
        .and_then(|v| usize::try_from(v).ok())
}

/// Operands written as 5-byte integers, so a DICT's size does not depend on the offsets.
fn put_ints(out: &mut Vec<u8>, values: &[usize]) {
    for v in values {
        out.push(29);
        out.extend((*v as i32).to_be_bytes());
    }
}

fn put_op(out: &mut Vec<u8>, op: u16) {
    if op >= 1200 {
        out.push(12);
        out.push((op - 1200) as u8);
    } else {
        out.push(op as u8);
    }
}

const CHARSET: u16 = 15;
const CHARSTRINGS: u16 = 17;
const PRIVATE: u16 = 18;
const SUBRS: u16 = 19;
const ROS: u16 = 1230;
const FD_ARRAY: u16 = 1236;
const FD_SELECT: u16 = 1237;

/// A font dictionary of the FDArray: its bytes, its Private DICT's and local subroutines.
struct FontDict {
    raw: (usize, usize),
    private: (usize, usize),
    subrs: Vec<(usize, usize)>,
}

/// A CID-keyed CFF program read once, from which each letter's subset is cut.
pub struct Source {
    data: Vec<u8>,
    header: (u8, u8),
    names: (usize, usize),
    top: (usize, usize),
    strings: (usize, usize),
    globals: Vec<(usize, usize)>,
    glyphs: Vec<(usize, usize)>,
    /// glyph → CID, and back.
    cids: Vec<u16>,
    by_cid: BTreeMap<u16, usize>,
    /// glyph → font dictionary.
    fds: Vec<u8>,
    dicts: Vec<FontDict>,
    /// Each glyph's charstring with its subroutines inlined, made once.
    flat: Vec<Vec<u8>>,
}

impl Source {
    /// Reads a bare CID-keyed CFF table; `None` for anything else.
    pub fn read(data: Vec<u8>) -> Option<Source> {
        let b = Bytes(&data);
        let header_size = usize::from(b.u8(2)?);
        let (_, after_names) = index(&b, header_size)?;
        let (tops, after_top) = index(&b, after_names)?;
        let (_, after_strings) = index(&b, after_top)?;
        let (globals, _) = index(&b, after_strings)?;
        let top_span = *tops.first()?;
        let top = dict(b.slice(top_span.0, top_span.1)?)?;
        find(&top, ROS)?;
        let charstrings_at = int_at(find(&top, CHARSTRINGS)?, 0)?;
        let (glyphs, _) = index(&b, charstrings_at)?;
        let n = glyphs.len();
        // charset: glyph 0 is CID 0; the others by format.
        let mut cids = vec![0u16; n];
        let charset_at = int_at(find(&top, CHARSET)?, 0)?;
        let mut g = 1;
        let mut at = charset_at + 1;
        match b.u8(charset_at)? {
            0 => {
                while g < n {
                    cids[g] = b.u16(at)?;
                    at += 2;
                    g += 1;
                }
            }
            f @ (1 | 2) => {
                while g < n {
                    let first = b.u16(at)?;
                    let left = if f == 1 {
                        at += 3;
                        usize::from(b.u8(at - 1)?)
                    } else {
                        at += 4;
                        usize::from(b.u16(at - 2)?)
                    };
                    for k in 0..=left {
                        if g >= n {
                            break;
                        }
                        cids[g] = first.checked_add(u16::try_from(k).ok()?)?;
                        g += 1;
                    }
                }
            }
            _ => return None,
        }
        // FDSelect.
        let select_at = int_at(find(&top, FD_SELECT)?, 0)?;
        let mut fds = vec![0u8; n];
        match b.u8(select_at)? {
            0 => {
                for (g, fd) in fds.iter_mut().enumerate() {
                    *fd = b.u8(select_at + 1 + g)?;
                }
            }
            3 => {
                let ranges = usize::from(b.u16(select_at + 1)?);
                for r in 0..ranges {
                    let at = select_at + 3 + r * 3;
                    let first = usize::from(b.u16(at)?);
                    let fd = b.u8(at + 2)?;
                    let next = usize::from(b.u16(at + 3)?);
                    for slot in fds.iter_mut().take(next.min(n)).skip(first) {
                        *slot = fd;
                    }
                }
            }
            _ => return None,
        }
        // FDArray and each one's Private DICT and local subroutines.
        let (fd_items, _) = index(&b, int_at(find(&top, FD_ARRAY)?, 0)?)?;
        let mut dicts = Vec::with_capacity(fd_items.len());
        for raw in fd_items {
            let entries = dict(b.slice(raw.0, raw.1)?)?;
            let p = find(&entries, PRIVATE)?;
            let (size, offset) = (int_at(p, 0)?, int_at(p, 1)?);
            let private = (offset, offset + size);
            let pentries = dict(b.slice(private.0, private.1)?)?;
            let subrs = match find(&pentries, SUBRS) {
                Some(s) => index(&b, private.0 + int_at(s, 0)?)?.0,
                None => Vec::new(),
            };
            dicts.push(FontDict {
                raw,
                private,
                subrs,
            });
        }
        if fds.iter().any(|f| usize::from(*f) >= dicts.len()) {
            return None;
        }
        let by_cid = cids.iter().enumerate().map(|(g, c)| (*c, g)).collect();
        let mut source = Source {
            header: (b.u8(0)?, b.u8(1)?),
            names: (header_size, after_names),
            top: top_span,
            strings: (after_top, after_strings),
            globals,
            glyphs,
            cids,
            by_cid,
            fds,
            dicts,
            data,
            flat: Vec::new(),
        };
        source.flat = (0..n)
            .map(|g| {
                let fd = &source.dicts[usize::from(source.fds[g])];
                let mut flat = Flatten {
                    src: &source,
                    locals: &fd.subrs,
                    out: Vec::new(),
                    stack: Vec::new(),
                    stems: 0,
                    depth: 0,
                };
                flat.run(source.bytes(source.glyphs[g]))?
                    .then_some(flat.out)
            })
            .collect::<Option<_>>()?;
        Some(source)
    }

    fn bytes(&self, span: (usize, usize)) -> &[u8] {
        self.data.get(span.0..span.1).unwrap_or_default()
    }

    /// The glyphs of the given CIDs (and .notdef), their subroutines inlined, as a new
    /// CID-keyed CFF; `None` if a CID is not in the font or a charstring cannot be read.
    pub fn subset(&self, keep: &BTreeSet<u16>) -> Option<Vec<u8>> {
        let mut glyphs = vec![0usize];
        for cid in keep {
            if *cid != 0 {
                glyphs.push(*self.by_cid.get(cid)?);
            }
        }
        // The font dictionaries the kept glyphs use, renumbered in order.
        let mut used: Vec<u8> = glyphs.iter().map(|g| self.fds[*g]).collect();
        used.sort_unstable();
        used.dedup();
        let renumber: BTreeMap<u8, u8> = used
            .iter()
            .enumerate()
            .map(|(i, fd)| (*fd, i as u8))
            .collect();
        let charstrings: Vec<&[u8]> = glyphs.iter().map(|g| self.flat[*g].as_slice()).collect();
        // The Private DICTs without their Subrs.
        let privates: Vec<Vec<u8>> = used
            .iter()
            .map(|fd| {
                let d = &self.dicts[usize::from(*fd)];
                let entries = dict(self.bytes(d.private))?;
                let mut out = Vec::new();
                for e in entries.iter().filter(|e| e.op != SUBRS) {
                    out.extend(e.raw);
                    put_op(&mut out, e.op);
                }
                Some(out)
            })
            .collect::<Option<_>>()?;
        let top_entries = dict(self.bytes(self.top))?;
        let fd_entries: Vec<Vec<Entry>> = used
            .iter()
            .map(|fd| dict(self.bytes(self.dicts[usize::from(*fd)].raw)))
            .collect::<Option<_>>()?;

        // Sizes first (every offset is a 5-byte integer), then the bytes.
        let top_len = top_entries
            .iter()
            .map(|e| {
                let op = if e.op >= 1200 { 2 } else { 1 };
                match e.op {
                    CHARSET | CHARSTRINGS | FD_ARRAY | FD_SELECT => 5 + op,
                    _ => e.raw.len() + op,
                }
            })
            .sum::<usize>();
        let mut out = vec![self.header.0, self.header.1, 4, 4];
        out.extend(self.bytes(self.names));
        let top_at = out.len();
        // A one-item INDEX of `top_len` bytes.
        let top_index_len = 2 + 1 + 2 * offset_size(top_len + 1) + top_len;
        let strings_at = top_at + top_index_len;
        let globals_at = strings_at + (self.strings.1 - self.strings.0);
        let charset_at = globals_at + 2;
        let select_at = charset_at + 1 + 2 * (glyphs.len() - 1);
        let charstrings_at = select_at + 1 + glyphs.len();
        let mut tail = Vec::new();
        write_index(&mut tail, &charstrings);
        let fd_array_at = charstrings_at + tail.len();
        let fd_lens: Vec<usize> = fd_entries
            .iter()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        let op = if e.op >= 1200 { 2 } else { 1 };
                        if e.op == PRIVATE {
                            10 + op
                        } else {
                            e.raw.len() + op
                        }
                    })
                    .sum()
            })
            .collect();
        let fd_index_len = 2
            + 1
            + (fd_lens.len() + 1) * offset_size(fd_lens.iter().sum::<usize>() + 1)
            + fd_lens.iter().sum::<usize>();
        let mut private_at = fd_array_at + fd_index_len;
        let mut fd_dicts = Vec::new();
        for (entries, private) in fd_entries.iter().zip(&privates) {
            let mut d = Vec::new();
            for e in entries {
                if e.op == PRIVATE {
                    put_ints(&mut d, &[private.len(), private_at]);
                } else {
                    d.extend(e.raw);
                }
                put_op(&mut d, e.op);
            }
            private_at += private.len();
            fd_dicts.push(d);
        }
        let mut top = Vec::with_capacity(top_len);
        for e in &top_entries {
            match e.op {
                CHARSET => put_ints(&mut top, &[charset_at]),
                CHARSTRINGS => put_ints(&mut top, &[charstrings_at]),
                FD_ARRAY => put_ints(&mut top, &[fd_array_at]),
                FD_SELECT => put_ints(&mut top, &[select_at]),
                _ => top.extend(e.raw),
            }
            put_op(&mut top, e.op);
        }
        write_index(&mut out, &[&top]);
        out.extend(self.bytes(self.strings));
        out.extend([0, 0]);
        out.push(0);
        for g in &glyphs[1..] {
            out.extend(self.cids[*g].to_be_bytes());
        }
        out.push(0);
        for g in &glyphs {
            out.push(renumber[&self.fds[*g]]);
        }
        out.extend(tail);
        write_index(
            &mut out,
            &fd_dicts.iter().map(Vec::as_slice).collect::<Vec<_>>(),
        );
        for p in &privates {
            out.extend(p);
        }
        (out.len() == private_at).then_some(out)
    }
}

impl Source {
    /// The program as read.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Every glyph of the font, its subroutines inlined: the same font without subroutines.
    pub fn flattened(&self) -> Option<Vec<u8>> {
        self.subset(&self.cids.iter().copied().collect())
    }
}

/// An OpenType font (`OTTO`) with its `CFF ` table replaced: the table directory rewritten
/// (offsets, lengths, checksums), every other table kept. Used for the batch's font that
/// printpdf reads for each letter: without its subroutines it is read several times faster.
pub fn with_cff(sfnt: &[u8], cff: &[u8]) -> Option<Vec<u8>> {
    let b = Bytes(sfnt);
    if sfnt.get(..4) != Some(b"OTTO".as_slice()) {
        return None;
    }
    let n = usize::from(b.u16(4)?);
    let mut tables = Vec::with_capacity(n);
    for i in 0..n {
        let at = 12 + 16 * i;
        let tag = b.slice(at, at + 4)?;
        let offset = b.offset(at + 8, 4)?;
        let len = b.offset(at + 12, 4)?;
        let data = if tag == b"CFF " {
            cff
        } else {
            b.slice(offset, offset + len)?
        };
        tables.push((tag, data));
    }
    let mut out = sfnt.get(..12)?.to_vec();
    let mut offset = 12 + 16 * n;
    let mut body = Vec::new();
    for (tag, data) in &tables {
        let sum = data.chunks(4).fold(0u32, |acc, c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            acc.wrapping_add(u32::from_be_bytes(w))
        });
        out.extend(*tag);
        out.extend(sum.to_be_bytes());
        out.extend(u32::try_from(offset).ok()?.to_be_bytes());
        out.extend(u32::try_from(data.len()).ok()?.to_be_bytes());
        body.extend(*data);
        let pad = (4 - data.len() % 4) % 4;
        body.extend(std::iter::repeat_n(0u8, pad));
        offset += data.len() + pad;
    }
    out.extend(body);
    Some(out)
}

fn offset_size(last: usize) -> usize {
    match last {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    }
}

fn bias(count: usize) -> i64 {
    if count < 1240 {
        107
    } else if count < 33900 {
        1131
    } else {
        32768
    }
}

/// Inlines the subroutine calls of a Type 2 charstring.
struct Flatten<'a> {
    src: &'a Source,
    locals: &'a [(usize, usize)],
    out: Vec<u8>,
    /// The operands since the last operator: a value when it is an integer, and where its
    /// bytes start and end in `out` (a subroutine number is taken out of the output).
    stack: Vec<(Option<i64>, usize, usize)>,
    stems: usize,
    depth: u8,
}

impl Flatten<'_> {
    /// `Some(true)` once `endchar` is reached, `Some(false)` at a subroutine's `return`.
    fn run(&mut self, cs: &[u8]) -> Option<bool> {
        self.depth += 1;
        if self.depth > 10 {
            return None;
        }
        let mut i = 0;
        while i < cs.len() {
            let b0 = cs[i];
            match b0 {
                28 | 32..=255 => {
                    let len = match b0 {
                        28 => 3,
                        32..=246 => 1,
                        247..=254 => 2,
                        _ => 5,
                    };
                    let tok = cs.get(i..i + len)?;
                    let v = match b0 {
                        28 => Some(i64::from(i16::from_be_bytes([tok[1], tok[2]]))),
                        32..=246 => Some(i64::from(b0) - 139),
                        247..=250 => Some((i64::from(b0) - 247) * 256 + i64::from(tok[1]) + 108),
                        251..=254 => Some(-(i64::from(b0) - 251) * 256 - i64::from(tok[1]) - 108),
                        _ => None,
                    };
                    let start = self.out.len();
                    self.out.extend(tok);
                    self.stack.push((v, start, self.out.len()));
                    i += len;
                }
                10 | 29 => {
                    let (v, start, end) = self.stack.pop()?;
                    if end != self.out.len() {
                        return None;
                    }
                    self.out.truncate(start);
                    let subrs = if b0 == 10 {
                        self.locals
                    } else {
                        &self.src.globals
                    };
                    let n = usize::try_from(v? + bias(subrs.len())).ok()?;
                    let body = self.src.bytes(*subrs.get(n)?);
                    if self.run(body)? {
                        self.depth -= 1;
                        return Some(true);
                    }
                    i += 1;
                }
                11 => {
                    self.depth -= 1;
                    return Some(false);
                }
                14 => {
                    self.out.push(14);
                    self.depth -= 1;
                    return Some(true);
                }
                1 | 3 | 18 | 23 => {
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                    self.out.push(b0);
                    i += 1;
                }
                19 | 20 => {
                    self.stems += self.stack.len() / 2;
                    self.stack.clear();
                    let mask = self.stems.div_ceil(8);
                    self.out.extend(cs.get(i..i + 1 + mask)?);
                    i += 1 + mask;
                }
                12 => {
                    let b1 = *cs.get(i + 1)?;
                    // Only the flex operators and the old dotsection: arithmetic and
                    // storage operators would make operands unknowable here.
                    if !matches!(b1, 0 | 34..=37) {
                        return None;
                    }
                    self.stack.clear();
                    self.out.extend([12, b1]);
                    i += 2;
                }
                _ => {
                    self.stack.clear();
                    self.out.push(b0);
                    i += 1;
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: i64) -> Vec<u8> {
        match v {
            -107..=107 => vec![(v + 139) as u8],
            108..=1131 => {
                let w = v - 108;
                vec![(w / 256 + 247) as u8, (w % 256) as u8]
            }
            -1131..=-108 => {
                let w = -v - 108;
                vec![(w / 256 + 251) as u8, (w % 256) as u8]
            }
            _ => {
                let b = (v as i16).to_be_bytes();
                vec![28, b[0], b[1]]
            }
        }
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// A one-dictionary CID-keyed CFF of the given glyphs (CID, charstring), global and
    /// local subroutines, laid out as a font compiler would.
    fn build(glyphs: &[(u16, Vec<u8>)], globals: &[Vec<u8>], locals: &[Vec<u8>]) -> Vec<u8> {
        let index_of = |items: &[Vec<u8>]| {
            let mut v = Vec::new();
            write_index(&mut v, &items.iter().map(Vec::as_slice).collect::<Vec<_>>());
            v
        };
        let names = index_of(&[b"Test".to_vec()]);
        let strings = index_of(&[b"Adobe".to_vec(), b"Identity".to_vec()]);
        let gsubrs = index_of(globals);
        let charset: Vec<u8> = std::iter::once(0u8)
            .chain(glyphs[1..].iter().flat_map(|(c, _)| c.to_be_bytes()))
            .collect();
        let n = glyphs.len() as u16;
        let select = cat(&[&[3, 0, 1, 0, 0, 0], &n.to_be_bytes()]);
        let charstrings = index_of(&glyphs.iter().map(|(_, g)| g.clone()).collect::<Vec<_>>());
        let lsubrs = index_of(locals);
        let top_for = |at: [usize; 4]| {
            let mut t = cat(&[&num(391), &num(392), &num(0), &[12, 30]]);
            put_ints(&mut t, &[at[0]]);
            t.push(15);
            put_ints(&mut t, &[at[1]]);
            t.push(17);
            put_ints(&mut t, &[at[2]]);
            t.extend([12, 36]);
            put_ints(&mut t, &[at[3]]);
            t.extend([12, 37]);
            index_of(&[t])
        };
        let private_len = num(0).len() + 1 + 6;
        let fd_for = |at: usize| {
            let mut d = Vec::new();
            put_ints(&mut d, &[private_len, at]);
            d.push(18);
            index_of(&[d])
        };
        let charset_at = 4 + names.len() + top_for([0; 4]).len() + strings.len() + gsubrs.len();
        let select_at = charset_at + charset.len();
        let charstrings_at = select_at + select.len();
        let fd_array_at = charstrings_at + charstrings.len();
        let private_at = fd_array_at + fd_for(0).len();
        let mut private = cat(&[&num(0), &[20]]);
        put_ints(&mut private, &[private_len]);
        private.push(19);
        assert_eq!(private.len(), private_len);
        cat(&[
            &[1, 0, 4, 4],
            &names,
            &top_for([charset_at, charstrings_at, fd_array_at, select_at]),
            &strings,
            &gsubrs,
            &charset,
            &select,
            &charstrings,
            &fd_for(private_at),
            &private,
            &lsubrs,
        ])
    }

    /// Every operator of a flattened charstring, with the mask bytes skipped.
    fn has_calls(cs: &[u8], stems_before_mask: usize) -> bool {
        let mut i = 0;
        while i < cs.len() {
            match cs[i] {
                28 => i += 3,
                32..=246 => i += 1,
                247..=254 => i += 2,
                255 => i += 5,
                10 | 11 | 29 => return true,
                19 | 20 => i += 1 + stems_before_mask.div_ceil(8),
                12 => i += 2,
                _ => i += 1,
            }
        }
        false
    }

    #[test]
    fn an_index_reads_back_what_was_written() {
        let mut out = Vec::new();
        let big = vec![7u8; 300];
        write_index(&mut out, &[b"ab", &big, b""]);
        let (items, end) = index(&Bytes(&out), 0).expect("index");
        assert_eq!(end, out.len());
        let lens: Vec<usize> = items.iter().map(|(a, b)| b - a).collect();
        assert_eq!(lens, vec![2, 300, 0]);
        assert_eq!(&out[items[0].0..items[0].1], b"ab");
    }

    #[test]
    fn dict_operands_are_read_by_their_encoding() {
        let mut d = num(391);
        d.extend(num(-500));
        d.extend([28, 0x7f, 0xff]);
        d.extend([30, 0x1a, 0x2f]);
        d.extend([12, 30]);
        put_ints(&mut d, &[70_000]);
        d.push(17);
        let e = dict(&d).expect("dict");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].op, 1230);
        assert_eq!(e[0].ints, vec![Some(391), Some(-500), Some(32767), None]);
        assert_eq!(int_at(&e[1], 0), Some(70_000));
    }

    #[test]
    fn a_subset_keeps_the_cids_and_inlines_every_subroutine() {
        // Local 0 (bias 107: called as -107) draws a line; local 1 ends the glyph; global 0
        // pushes two operands for the caller's operator (a call inside an operand list).
        let locals = vec![
            cat(&[&num(10), &num(20), &[5], &[11]]),
            cat(&[&num(7), &num(8), &[5], &[14]]),
        ];
        let globals = vec![cat(&[&num(30), &num(40), &[11]])];
        // Glyph 1: width and an hstem pair, a vstem pair left for the hintmask (implicit),
        // a move, both kinds of calls, endchar. Glyph 2 ends inside a subroutine.
        let g1 = cat(&[
            &num(500),
            &num(0),
            &num(50),
            &[1],
            &num(0),
            &num(60),
            &[19, 0b1100_0000],
            &num(1),
            &num(2),
            &[21],
            &num(-107),
            &[10],
            &num(-107),
            &[29],
            &[5],
            &[14],
        ]);
        let g2 = cat(&[&num(0), &num(0), &[21], &num(-106), &[10]]);
        let g3 = cat(&[&num(3), &num(4), &[21], &[14]]);
        let data = build(
            &[(0, vec![14]), (500, g1), (501, g2), (9000, g3)],
            &globals,
            &locals,
        );
        let src = Source::read(data).expect("the test font reads");
        assert_eq!(src.cids, vec![0, 500, 501, 9000]);

        let sub = Source::read(src.subset(&BTreeSet::from([501, 500])).expect("subset"))
            .expect("the subset reads back");
        assert_eq!(sub.cids, vec![0, 500, 501], "CIDs kept, 9000 left out");
        assert!(sub.globals.is_empty());
        assert!(sub.dicts.iter().all(|d| d.subrs.is_empty()));
        let g = |i: usize| sub.bytes(sub.glyphs[i]).to_vec();
        assert_eq!(
            g(1),
            cat(&[
                &num(500),
                &num(0),
                &num(50),
                &[1],
                &num(0),
                &num(60),
                &[19, 0b1100_0000],
                &num(1),
                &num(2),
                &[21],
                &num(10),
                &num(20),
                &[5],
                &num(30),
                &num(40),
                &[5],
                &[14],
            ])
        );
        assert_eq!(
            g(2),
            cat(&[&num(0), &num(0), &[21], &num(7), &num(8), &[5], &[14]])
        );
        assert!(!has_calls(&g(1), 2) && !has_calls(&g(2), 0));
        // A CID the font lacks: refused; arithmetic in a charstring, or a subroutine number
        // that is not a literal just before the call: the font is not taken at all.
        assert!(src.subset(&BTreeSet::from([42])).is_none());
        let odd = build(
            &[
                (0, vec![14]),
                (1, cat(&[&num(1), &num(2), &[12, 10], &[14]])),
            ],
            &globals,
            &locals,
        );
        assert!(Source::read(odd).is_none());
        let computed = build(
            &[(0, vec![14]), (1, cat(&[&num(-107), &[21], &[10], &[14]]))],
            &globals,
            &locals,
        );
        assert!(Source::read(computed).is_none());
    }
}
