//! The letters benchmark: the awarded sample's letters, repeated under new numbers up to
//! `count`, laid out and rendered on one thread and on all, then registered and written;
//! and printpdf's own way (a subset of the whole face for each file) on a few, to compare.

use std::path::Path;
use std::time::{Duration, Instant};

use super::font::Fonts;
use super::pdf::{Press, Timings};
use super::register::{CHUNK, enter};
use super::{Agency, Letter, Made, lay_out, layout, make, of_call};
use crate::error::Error;
use crate::lang::Lang;
use crate::store::{self, Stamp, begin_write};

pub struct Figures {
    pub letters: usize,
    pub font: String,
    /// Parsing the face once.
    pub parse: Duration,
    /// The batch's subset of the face (every character of every letter), once.
    pub press: Duration,
    /// Each letter cut its own subset (else printpdf subsets each).
    pub cuts: bool,
    pub layout: Duration,
    pub steps: Timings,
    /// Every letter, one thread: layout and PDF.
    pub one_core: Duration,
    pub threads: usize,
    pub all_cores: Duration,
    /// Registering every letter (audit entry, SHA-256) and writing its file.
    pub register: Duration,
    pub bytes_mean: usize,
    pub bytes_max: usize,
    pub pages: usize,
    /// printpdf as documented (subset and optimise per file) on `documented_n` letters.
    pub documented: Duration,
    pub documented_n: usize,
    pub documented_bytes: usize,
}

/// Builds the awarded sample in `dir` and runs the benchmark; `dir` must be empty.
pub async fn run(dir: &Path, count: usize, stamp: &Stamp) -> Result<Figures, Error> {
    let pool = store::open(&dir.join("letters.db")).await?;
    crate::demo::load_awarded(&pool, stamp).await?;
    let agency = Agency::sample();
    let sample = of_call(&pool, crate::demo::CALL_CODE, None, &agency, Some(Lang::Zh)).await?;
    let letters: Vec<Letter> = (0..count.max(1))
        .map(|i| {
            let mut l = sample[i % sample.len()].clone();
            l.number = format!("京科资〔2026〕第{:04}号", i + 1);
            l
        })
        .collect();
    let invalid = |m: crate::error::Msg| Error::invalid("letter", "pdf_failed", m.zh, m.en);

    let t = Instant::now();
    let fonts = Fonts::found().map_err(invalid)?;
    let font = &fonts.body;
    let parse = t.elapsed();
    let t = Instant::now();
    let laid = lay_out(&letters, &fonts);
    let layout_time = t.elapsed();
    let t = Instant::now();
    let press = Press::new(&fonts, &laid).map_err(invalid)?;
    let press_time = t.elapsed();

    // The steps, one thread.
    let mut steps = Timings::default();
    let at = stamp.at.timestamp();
    for l in &laid {
        press
            .render_timed(&l.title, &l.pages, at, &mut steps)
            .map_err(invalid)?;
    }
    // The fastest of three passes each (a shared machine's noise only ever adds time).
    let mut made: Vec<Made> = Vec::new();
    let mut one_core = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let laid = lay_out(&letters, &fonts);
        made = make(&laid, &press, at, 1)?;
        one_core = one_core.min(t.elapsed());
    }
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut all_cores = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let laid = lay_out(&letters, &fonts);
        let again = make(&laid, &press, at, threads)?;
        all_cores = all_cores.min(t.elapsed());
        drop(again);
    }

    let out = dir.join("letters");
    std::fs::create_dir_all(&out).map_err(|e| crate::error::FileError::Unwritable {
        path: out.display().to_string(),
        reason: e.to_string(),
    })?;
    let db = dir.join("letters.db");
    let t = Instant::now();
    for part in made.chunks(CHUNK) {
        let mut tx = begin_write(&pool).await?;
        for m in part {
            let path = out.join(super::file_name(&m.number, m.lang));
            enter(&mut tx, stamp, m, &path, false, &db).await?;
        }
        tx.commit().await?;
    }
    let register_time = t.elapsed();

    // printpdf as documented: the whole face subset and every stream optimised per file.
    let documented_n = letters.len().min(20);
    let t = Instant::now();
    let mut documented_bytes = 0;
    for l in &letters[..documented_n] {
        let pages = layout::layout(l, &|s, size| font.measure(s, size));
        documented_bytes += super::pdf::documented(&l.title, &pages, font)
            .map_err(invalid)?
            .len();
    }
    let documented = t.elapsed();

    pool.close().await;
    Ok(Figures {
        letters: letters.len(),
        font: format!("{} ({})", font.family, font.path.display()),
        parse,
        press: press_time,
        cuts: press.cuts(),
        layout: layout_time,
        steps,
        one_core,
        threads,
        all_cores,
        register: register_time,
        bytes_mean: made.iter().map(|m| m.bytes.len()).sum::<usize>() / made.len().max(1),
        bytes_max: made.iter().map(|m| m.bytes.len()).max().unwrap_or(0),
        pages: made.iter().map(|m| m.pages).sum(),
        documented,
        documented_n,
        documented_bytes: documented_bytes / documented_n.max(1),
    })
}
