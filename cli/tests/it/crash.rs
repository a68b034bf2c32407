//! Crash safety: the CLI is killed (SIGKILL) at random moments while it imports 20,000
//! proposals, 20 times. After each kill the database opens, holds none or all of the rows,
//! and its audit chain verifies.

use std::process::Command;
use std::time::{Duration, Instant};

use grantdesk::decision::Rows;
use grantdesk::import::bench;
use grantdesk::review::table::Rankings;

/// A fixed moment: the tests never read the clock.
fn stamp() -> grantdesk::store::Stamp {
    use chrono::TimeZone;
    grantdesk::store::Stamp::new(
        "test-officer",
        chrono::Utc
            .with_ymd_and_hms(2026, 5, 6, 9, 30, 0)
            .single()
            .expect("time"),
    )
}

async fn state(db: &std::path::Path) -> (i64, i64) {
    let pool = grantdesk::store::open(db)
        .await
        .expect("the database opens after a kill");
    let (n,): (i64,) = grantdesk::db::query_as(
        "SELECT COUNT(*) FROM proposals p JOIN calls c ON c.id = p.call_id WHERE c.code = $1",
    )
    .bind(bench::CODE)
    .fetch_one(&pool)
    .await
    .expect("count");
    let v = grantdesk::audit::verify(&pool)
        .await
        .expect("the audit chain verifies after a kill");
    pool.close().await;
    (n, v.entries)
}

fn reset(db: &std::path::Path, pristine: &std::path::Path) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    std::fs::copy(pristine, db).expect("reset");
}

#[tokio::test]
async fn an_import_killed_at_any_moment_leaves_none_or_all_of_its_rows() {
    const ROWS: i64 = 20_000;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("crash.db");
    let pool = grantdesk::store::open(&db).await.expect("open");
    bench::open_call(&pool, &stamp()).await.expect("call");
    pool.close().await;
    let pristine = dir.path().join("pristine.db");
    std::fs::copy(&db, &pristine).expect("copy");
    let (_, audit_before) = state(&db).await;
    let csv = dir.path().join("rows.csv");
    std::fs::write(&csv, bench::synthetic_csv(ROWS as usize)).expect("csv");

    // Seeded moments between 0.1 s and the length of a whole import (measured first).
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
        .args([
            "import",
            "proposals",
            &csv.display().to_string(),
            "--call",
            bench::CODE,
        ])
        .env("GRANTDESK_DB", &db)
        .output()
        .expect("a whole import");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let whole = started.elapsed().as_millis() as u64;
    assert_eq!(state(&db).await.0, ROWS);
    reset(&db, &pristine);

    let mut seed = 0x2026_1127u64;
    let (mut none, mut all) = (0, 0);
    for round in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = 100 + seed % whole.max(200);
        let mut child = Command::new(env!("CARGO_BIN_EXE_grantdesk"))
            .args([
                "import",
                "proposals",
                &csv.display().to_string(),
                "--call",
                bench::CODE,
            ])
            .env("GRANTDESK_DB", &db)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(at));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (rows, entries) = state(&db).await;
        assert!(
            rows == 0 || rows == ROWS,
            "round {round}, killed after {at} ms: {rows} rows"
        );
        if rows == 0 {
            none += 1;
            assert_eq!(
                entries, audit_before,
                "round {round}: no audit entry of a lost import"
            );
        } else {
            all += 1;
            reset(&db, &pristine);
        }
    }
    eprintln!("20 kills over a {whole} ms import: {none} left nothing, {all} had finished");
    // The import's length is measured once and the machine's load moves it (CI under load
    // once saw 8 of 20 land before the commit): a quarter is enough to show kills land
    // inside the import, and every kill was checked for none-or-all above.
    assert!(
        none >= 5,
        "kills land inside the import, before the commit: {none}"
    );
}

/// Two processes importing into the same database at once both finish: the second waits
/// for the first's write transaction instead of failing with "database is locked".
#[tokio::test]
async fn two_processes_importing_at_once_both_finish() {
    const ROWS: usize = 4_000;
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("two.db");
    let pool = grantdesk::store::open(&db).await.expect("open");
    bench::open_call(&pool, &stamp()).await.expect("call");
    pool.close().await;
    let all = bench::synthetic_csv(2 * ROWS);
    let mut lines = all.lines();
    let header = lines.next().expect("header").to_string();
    let body: Vec<&str> = lines.collect();
    let files: Vec<String> = [&body[..ROWS], &body[ROWS..]]
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let p = dir.path().join(format!("part{i}.csv"));
            std::fs::write(&p, format!("{header}\n{}\n", part.join("\n"))).expect("part");
            p.display().to_string()
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            Command::new(env!("CARGO_BIN_EXE_grantdesk"))
                .args([
                    "import",
                    "proposals",
                    f,
                    "--call",
                    bench::CODE,
                    "--lang",
                    "en",
                ])
                .env("GRANTDESK_DB", &db)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("locked"), "{err}");
    }
    let (rows, _) = state(&db).await;
    assert_eq!(rows as usize, 2 * ROWS);
}

/// Two officers' processes proposing at once: either award fits alone, not both. Exactly one
/// is accepted; the other is refused by the budget rule, never by a locked database.
#[tokio::test]
async fn two_processes_deciding_at_once_never_pass_the_budget_together() {
    use grantdesk::decision::{self, DecisionForm};
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("decide.db");
    let pool = grantdesk::store::open(&db).await.expect("open");
    grantdesk::demo::load_reviewed(&pool, &stamp())
        .await
        .expect("reviewed");
    let call = grantdesk::demo::CALL_CODE;
    for n in [11, 17, 35, 23, 29, 21, 30] {
        let f = DecisionForm {
            call: call.into(),
            reference: format!("{call}-{n:04}").as_str().into(),
            ..Default::default()
        };
        decision::propose(&pool, &Rankings::new(), &stamp(), &f, Rows::ALL)
            .await
            .expect("fits");
    }
    pool.close().await;
    let children: Vec<_> = [7, 9]
        .iter()
        .map(|n| {
            Command::new(env!("CARGO_BIN_EXE_grantdesk"))
                .args([
                    "decide",
                    "propose",
                    "--call",
                    call,
                    &format!("{call}-{n:04}"),
                    "--lang",
                    "en",
                ])
                .env("GRANTDESK_DB", &db)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let outcomes: Vec<(bool, String)> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().expect("wait");
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stderr).to_string(),
            )
        })
        .collect();
    assert_eq!(outcomes.iter().filter(|o| o.0).count(), 1, "{outcomes:?}");
    let refused = outcomes
        .iter()
        .find(|o| !o.0)
        .map(|o| o.1.clone())
        .unwrap_or_default();
    assert!(
        refused.contains("exceeds the remaining budget"),
        "{refused}"
    );
    let pool = grantdesk::store::open(&db).await.expect("open");
    let b = decision::board(&pool, &Rankings::new(), call, Default::default(), Rows::ALL)
        .await
        .expect("board");
    assert_eq!(b.awards, 8);
    assert!(b.committed <= b.budget);
}
