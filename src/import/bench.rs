//! The import benchmark: `rows` synthetic proposals (distinct applicants, three budget lines
//! each) written to a CSV file, imported into a fresh database, and compared with a plain
//! bulk insert of the same rows (no parsing, checks or audit) into another fresh database.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{ImportRequest, import, read};
use crate::call::{self, CallStatus};
use crate::credit_code::CreditCode;
use crate::error::Error;
use crate::form::Text;
use crate::scratch::Scratch;
use crate::store::{self, Stamp, begin_write};

pub struct Figures {
    pub rows: usize,
    /// Rounds of import and plain insert in turns; the figures are the fastest of each.
    pub rounds: usize,
    pub bytes: u64,
    pub read: Duration,
    pub import: Duration,
    pub plain: Duration,
    /// Each round's import (read included) over the same round's plain insert, measured a few
    /// seconds apart: the disk's and the machine's pace drift less between them than between
    /// the fastest of each, which may come from different rounds.
    pub ratios: Vec<f64>,
}

impl Figures {
    /// The middle one of the rounds' ratios: what the benchmark reports as the import's cost
    /// over the plain insert.
    pub fn median_ratio(&self) -> f64 {
        let mut r = self.ratios.clone();
        r.sort_by(f64::total_cmp);
        r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
    }
}

/// Rounds of the import and the plain insert, in turns.
const ROUNDS: usize = 5;

/// The call the synthetic rows go to.
pub const CODE: &str = "BENCH-IMPORT";

/// Creates the benchmark call (the reference call's rules), open to proposals.
pub async fn open_call(pool: &store::Pool, stamp: &Stamp) -> Result<(), Error> {
    let form = call::CallForm {
        code: Text::from(CODE),
        ..crate::demo::reference_call_form()
    };
    call::create(pool, stamp, &form).await?;
    call::set_status(pool, stamp, CODE, CallStatus::Open).await?;
    Ok(())
}

async fn fresh(place: &mut Scratch, name: &str, stamp: &Stamp) -> Result<store::Pool, Error> {
    let pool = place.fresh(name).await?;
    open_call(&pool, stamp).await?;
    Ok(pool)
}

/// `rows` valid proposals with distinct applicants, as a CSV file with Chinese headers.
pub fn synthetic_csv(rows: usize) -> String {
    let topics = ["AI", "AR", "VR"];
    let mut csv = String::from(
        "项目名称,研究方向,申请单位,统一社会信用代码,项目负责人,负责人邮箱,申请金额（元）,设备费（第1年）,业务费（第1年）,劳务费（第2年）,提交日期\n",
    );
    for i in 0..rows {
        csv += &format!(
            "面向规模测试的研究项目{i},{},规模测试单位{i},{},负责人{i},pi{i}@example.cn,3000000,1000000,1500000,500000,2026-04-01\n",
            topics[i % 3],
            credit_code(i)
        );
    }
    csv
}

pub(crate) fn credit_code(i: usize) -> String {
    let body = format!("91110108{:09}", 200_000_000 + i * 7);
    CreditCode::complete(&body).map_or(body, |c| c.to_string())
}

/// Writes the CSV (in `dir`, which must be empty), then times the import and the plain
/// insert, each into a fresh database of `place` (files in `dir`, or a server's).
pub async fn run(
    dir: &Path,
    place: &mut Scratch,
    rows: usize,
    stamp: &Stamp,
) -> Result<Figures, Error> {
    let csv = synthetic_csv(rows);
    let file = dir.join("bench.csv");
    std::fs::write(&file, &csv).map_err(|e| crate::error::FileError::Unwritable {
        path: file.display().to_string(),
        reason: e.to_string(),
    })?;

    // Import and plain insert in turns, fastest of each: the disk's pace drifts from one
    // second to the next on a shared machine, and both should meet the same drift.
    let (mut read_took, mut import_took, mut plain_took) =
        (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 1..=ROUNDS {
        // The same rows, inserted plainly: the floor an import could reach. First in each
        // round, so that it never runs on the heap an import left behind (after an import
        // that used two threads, it once ran 0.7 s slower: the ratio looked better than it was).
        let plain_name = format!("plain{round}");
        let plain = fresh(place, &plain_name, stamp).await?;
        let (call_id,): (i64,) = crate::db::query_as("SELECT id FROM calls WHERE code = $1")
            .bind(CODE)
            .fetch_one(&plain)
            .await?;
        let t = Instant::now();
        let mut tx = begin_write(&plain).await?;
        tx.widen_cache().await?;
        insert_plain(&mut tx, call_id, CODE, rows).await?;
        tx.commit().await?;
        let plain_round = t.elapsed();
        plain_took = plain_took.min(plain_round);
        plain.close().await;

        let name = format!("import{round}");
        let pool = fresh(place, &name, stamp).await?;
        let t = Instant::now();
        let sheet = read(&file)?;
        let read = t.elapsed();
        let request = ImportRequest {
            call: CODE.into(),
            ..Default::default()
        };
        let report = import(&pool, stamp, &sheet, &request).await?;
        let took = t.elapsed() - read;
        debug_assert_eq!(report.created, rows);
        pool.close().await;
        if read_took == Duration::MAX || read + took < read_took + import_took {
            (read_took, import_took) = (read, took);
        }
        ratios.push((read + took).as_secs_f64() / plain_round.as_secs_f64().max(1e-9));
        // The last round's databases stay (for --keep).
        if round < ROUNDS {
            place.discard(&name);
            place.discard(&plain_name);
        }
    }
    Ok(Figures {
        rows,
        bytes: csv.len() as u64,
        rounds: ROUNDS,
        read: read_took,
        import: import_took,
        plain: plain_took,
        ratios,
    })
}

/// Inserts `rows` synthetic applicants, their proposals (submitted, ¥3,000,000 each) and three
/// budget lines each into the call, plainly: no checks, no audit. The floor an import could
/// reach, and the filler of other benchmarks.
pub(crate) async fn insert_plain(
    conn: &mut crate::db::Tx,
    call_id: i64,
    code: &str,
    rows: usize,
) -> Result<(), Error> {
    let topics = ["AI", "AR", "VR"];
    let ids: Vec<usize> = (0..rows).collect();
    for chunk in ids.chunks(conn.rows_per_write(400)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|&i| {
                vec![
                    crate::db::Arg::from(i as i64 + 1),
                    crate::db::Arg::from(credit_code(i)),
                    crate::db::Arg::from(format!("规模测试单位{i}")),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from("x"),
                    crate::db::Arg::from("x"),
                ]
            })
            .collect();
        crate::db::insert_rows(
            &mut *conn,
            "INSERT INTO applicants (id, credit_code, name, bank_name, bank_account, contact_name,
                contact_phone, contact_email, created_at, updated_at) ",
            rows,
        )
        .await?;
    }
    for chunk in ids.chunks(conn.rows_per_write(200)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|&i| {
                vec![
                    crate::db::Arg::from(i as i64 + 1),
                    crate::db::Arg::from(call_id),
                    crate::db::Arg::from(format!("{code}-{:04}", i + 1)),
                    crate::db::Arg::from(format!("面向规模测试的研究项目{i}")),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(i as i64 + 1),
                    crate::db::Arg::from(format!("负责人{i}")),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(format!("pi{i}@example.cn")),
                    crate::db::Arg::from(""),
                    crate::db::Arg::from(topics[i % 3]),
                    crate::db::Arg::from(300_000_000i64),
                    crate::db::Arg::from("submitted"),
                    crate::db::Arg::from("2026-04-01"),
                    crate::db::Arg::from("x"),
                    crate::db::Arg::from("x"),
                ]
            })
            .collect();
        crate::db::insert_rows(
            &mut *conn,
            "INSERT INTO proposals (id, call_id, reference, title, title_en, summary, applicant_id,
                pi_name, pi_title, pi_email, pi_phone, topic, requested_fen, status, submitted_on,
                created_at, updated_at) ",
            rows,
        )
        .await?;
    }
    let lines: Vec<(usize, &str, i64, i64)> = (0..rows)
        .flat_map(|i| {
            [
                (i, "equipment", 1, 100_000_000),
                (i, "operations", 1, 150_000_000),
                (i, "personnel", 2, 50_000_000),
            ]
        })
        .collect();
    for chunk in lines.chunks(conn.rows_per_write(800)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|(i, c, y, a)| {
                vec![
                    crate::db::Arg::from(*i as i64 + 1),
                    crate::db::Arg::from(*c),
                    crate::db::Arg::from(*y),
                    crate::db::Arg::from(*a),
                ]
            })
            .collect();
        crate::db::insert_rows(
            &mut *conn,
            "INSERT INTO budget_lines (proposal_id, category, year, amount_fen) ",
            rows,
        )
        .await?;
    }
    Ok(())
}
