//! The proposals table of a call, filtered, sorted and read a window at a time.
//!
//! A national call has a hundred thousand proposals: a page that loads them all to sort and
//! search them holds tens of MiB and takes seconds. Here the core does it. [`order`] filters
//! in the database and sorts in the officers' order ([`crate::collate`]: Chinese by pinyin,
//! numbers by value), and returns only the proposals' row handles, in order. [`rows`] reads the
//! lines of the handles a window shows. Neither keeps state between requests, so a table on a
//! shared database is as fresh as its last request, whoever wrote.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::ProposalStatus;
use super::store::{Filter, ProposalSummary, SummaryRow, filter_clause};
use crate::call;
use crate::error::Error;
use crate::store::Pool;

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    #[default]
    Reference,
    Title,
    Applicant,
    PiName,
    Topic,
    Requested,
    /// By the lifecycle (draft, submitted, eligible, ineligible, withdrawn), not by the
    /// label's spelling, which differs between the languages.
    Status,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Reference,
        Column::Title,
        Column::Applicant,
        Column::PiName,
        Column::Topic,
        Column::Requested,
        Column::Status,
    ];

    /// The column's name, as requests spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Reference => "reference",
            Column::Title => "title",
            Column::Applicant => "applicant",
            Column::PiName => "pi_name",
            Column::Topic => "topic",
            Column::Requested => "requested",
            Column::Status => "status",
        }
    }

    /// The column a name (any case, surrounding spaces ignored) names; a refusal naming the
    /// field `sort` and every column otherwise.
    pub fn parse(name: &str) -> Result<Column, Error> {
        let wanted = name.trim().to_ascii_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                let names = Column::ALL.map(Column::as_str);
                Error::invalid(
                    "sort",
                    "sort_unknown",
                    format!(
                        "不能按“{}”排序；可按 {} 排序",
                        name.trim(),
                        names.join("、")
                    ),
                    format!(
                        "cannot sort by \"{}\"; the columns are {}",
                        name.trim(),
                        names.join(", ")
                    ),
                )
            })
    }

    /// The text the column sorts by, as the order's query selects it; empty for the columns
    /// sorted by the reference itself or by a number, which the query gives anyway.
    fn expr(self) -> &'static str {
        match self {
            Column::Reference | Column::Requested => "CAST('' AS TEXT)",
            Column::Title => "p.title",
            Column::Applicant => "a.name",
            Column::PiName => "p.pi_name",
            Column::Topic => "p.topic",
            Column::Status => "p.status",
        }
    }
}

/// How the table is sorted: a column, ascending unless `descending`. Proposals equal in the
/// column follow each other by reference, ascending either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: Column,
    #[serde(default)]
    pub descending: bool,
}

impl Sort {
    /// A sort as a front end spells it: a column's name (the reference when none) and a
    /// direction; an unknown column is refused (see [`Column::parse`]).
    pub fn parse(column: Option<&str>, descending: bool) -> Result<Sort, Error> {
        Ok(Sort {
            column: column.map_or(Ok(Column::Reference), Column::parse)?,
            descending,
        })
    }
}

/// A status as a front end spells it (`submitted`, any case); an unknown one is refused,
/// naming the field `status` and every status.
pub fn parse_status(name: &str) -> Result<ProposalStatus, Error> {
    ProposalStatus::parse(name.trim()).ok_or_else(|| {
        let names = ProposalStatus::ALL.map(ProposalStatus::as_str);
        Error::invalid(
            "status",
            "status_unknown",
            format!("“{}”不是申请书状态（{}）", name.trim(), names.join("、")),
            format!(
                "\"{}\" is not a proposal status ({})",
                name.trim(),
                names.join(", ")
            ),
        )
    })
}

/// The proposals a table shows, in order, as row handles for [`rows`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// Every proposal of the call, matching or not.
    pub total: u64,
    /// The handles of the matching proposals, in the table's order.
    pub rows: Vec<i64>,
}

/// The most lines one [`rows`] request reads: many screens' worth.
pub const MAX_ROWS: usize = 500;

/// One matching proposal as the order's query gives it: `[id, reference, text, amount]`, the
/// text being the column's (empty when the column is the reference or a number). The strings
/// are borrowed from the query's answer wherever they need no unescaping.
#[derive(Deserialize)]
struct Found<'a> {
    id: i64,
    #[serde(borrow)]
    reference: Cow<'a, str>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    fen: i64,
}

/// One proposal's place: its index in what the query found, and where its key for the
/// column lies in the shared buffer.
struct Entry {
    at: usize,
    start: u32,
    end: u32,
}

/// The matching proposals of `filter.call`, sorted by `sort`.
pub async fn order(pool: &Pool, filter: &Filter, sort: Sort) -> Result<Order, Error> {
    let mut tx = pool.read().await?;
    let call = call::store_get_on(&mut tx, &filter.call).await?;
    order_on(&mut tx, call.id, filter, sort).await
}

/// [`order`] inside a read of one snapshot: the count and the matching rows are one statement.
async fn order_on(
    tx: &mut crate::db::Tx,
    call_id: i64,
    filter: &Filter,
    sort: Sort,
) -> Result<Order, Error> {
    // The matching proposals come back as one JSON array in one row: a hundred thousand rows
    // one by one cost the driver more than the database's whole scan (≈ 2 µs a row).
    let text = sort.column.expr();
    let clause = filter_clause();
    let total = "(SELECT count(*) FROM proposals WHERE call_id = $1)";
    let sqlite = format!(
        "SELECT {total}, json_group_array(json_array(p.id, p.reference, {text}, p.requested_fen)){clause}"
    );
    let postgres = format!(
        "SELECT {total}, CAST(json_agg(json_build_array(p.id, p.reference, {text}, p.requested_fen)) AS TEXT){}",
        clause.replace("instr(", "strpos(")
    );
    let (total, json): (i64, Option<String>) = filter
        .bind(
            crate::db::query_as(crate::db::Sql::per_backend(sqlite, postgres)),
            call_id,
        )
        .fetch_one(&mut *tx)
        .await?;
    let found: Vec<Found> = crate::db::json_rows(json.as_deref(), "proposals", &filter.call)?;
    Ok(Order {
        total: u64::try_from(total).unwrap_or(0),
        rows: sorted(&found, sort)?,
    })
}

/// The handles of `found` in `sort`'s order. Each proposal's key for the column goes into one
/// shared buffer (one allocation of a few MiB for a hundred thousand, not a hundred thousand
/// small ones). Proposals equal in the column are then put in order by reference: its keys
/// are worked out only for them, so a column of distinct titles needs next to none.
fn sorted(found: &[Found], sort: Sort) -> Result<Vec<i64>, Error> {
    let mut keys: Vec<u8> = Vec::with_capacity(found.len() * 40);
    let mut entries: Vec<Entry> = Vec::with_capacity(found.len());
    for (at, r) in found.iter().enumerate() {
        let start = offset(&keys)?;
        match sort.column {
            Column::Reference => crate::collate::sort_key_into(&r.reference, &mut keys),
            Column::Requested => keys.extend_from_slice(&ordered_bytes(r.fen)),
            Column::Status => keys.push(lifecycle_rank(&r.text)),
            _ => crate::collate::sort_key_into(&r.text, &mut keys),
        }
        entries.push(Entry {
            at,
            start,
            end: offset(&keys)?,
        });
    }
    let key = |e: &Entry| &keys[e.start as usize..e.end as usize];
    let id = |e: &Entry| found[e.at].id;
    entries.sort_unstable_by(|a, b| {
        let column = key(a).cmp(key(b));
        let column = if sort.descending {
            column.reverse()
        } else {
            column
        };
        column.then(id(a).cmp(&id(b)))
    });
    let mut ids: Vec<i64> = entries.iter().map(id).collect();
    // Runs of proposals equal in the column, by reference, ascending either way; references
    // that collate alike (`P-01`, `P-1`) keep the order of their creation.
    if sort.column != Column::Reference {
        let mut from = 0;
        while from < entries.len() {
            let same = entries[from..]
                .iter()
                .take_while(|e| key(e) == key(&entries[from]))
                .count();
            if same > 1 {
                let mut run: Vec<(Vec<u8>, i64)> = entries[from..from + same]
                    .iter()
                    .map(|e| (crate::collate::sort_key(&found[e.at].reference), id(e)))
                    .collect();
                run.sort_unstable();
                for (slot, (_, handle)) in ids[from..from + same].iter_mut().zip(run) {
                    *slot = handle;
                }
            }
            from += same;
        }
    }
    Ok(ids)
}

/// The lines of the proposals `ids` names, in that order; `None` where a handle no longer
/// names a proposal of the call. At most [`MAX_ROWS`] at a time.
pub async fn rows(
    pool: &Pool,
    call_code: &str,
    ids: &[i64],
) -> Result<Vec<Option<ProposalSummary>>, Error> {
    window(ids)?;
    let mut tx = pool.read().await?;
    let call = call::store_get_on(&mut tx, call_code).await?;
    rows_on(&mut tx, call.id, ids).await
}

/// Refuses a read of more than [`MAX_ROWS`] lines, naming the field `ids`.
pub fn window(ids: &[i64]) -> Result<(), Error> {
    if ids.len() > MAX_ROWS {
        return Err(Error::invalid(
            "ids",
            "too_many_rows",
            format!("一次最多读取 {MAX_ROWS} 行，请求了 {} 行", ids.len()),
            format!(
                "at most {MAX_ROWS} lines are read at a time; {} were asked for",
                ids.len()
            ),
        ));
    }
    Ok(())
}

/// [`rows`] inside a read: at most [`MAX_ROWS`] ids (the caller checks).
async fn rows_on(
    tx: &mut crate::db::Tx,
    call_id: i64,
    ids: &[i64],
) -> Result<Vec<Option<ProposalSummary>>, Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = crate::db::placeholders(2, ids.len());
    let sql = format!(
        "SELECT p.id, p.reference, p.title, a.name AS applicant, a.credit_code, p.pi_name,
            p.topic, p.requested_fen, p.status, p.submitted_on, p.eligibility
         FROM proposals p JOIN applicants a ON a.id = p.applicant_id
         WHERE p.call_id = $1 AND p.id IN ({marks})"
    );
    let mut q = crate::db::query_as::<SummaryRow>(sqlx::AssertSqlSafe(sql)).bind(call_id);
    for id in ids {
        q = q.bind(*id);
    }
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for row in q.fetch_all(&mut *tx).await? {
        found.insert(row.id, ProposalSummary::try_from(row)?);
    }
    // A handle asked for twice reads twice.
    Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
}

/// Every matching line, in the table's order, read as of one moment (the order and every
/// chunk of lines in one snapshot): for the command line and exports, which show the whole
/// table.
pub async fn lines(
    pool: &Pool,
    filter: &Filter,
    sort: Sort,
) -> Result<Vec<ProposalSummary>, Error> {
    let mut tx = pool.read().await?;
    let call = call::store_get_on(&mut tx, &filter.call).await?;
    let order = order_on(&mut tx, call.id, filter, sort).await?;
    let mut out = Vec::with_capacity(order.rows.len());
    for ids in order.rows.chunks(MAX_ROWS) {
        out.extend(rows_on(&mut tx, call.id, ids).await?.into_iter().flatten());
    }
    Ok(out)
}

/// A position in the key buffer (a few MiB at most, far below 4 GiB).
fn offset(keys: &[u8]) -> Result<u32, Error> {
    u32::try_from(keys.len()).map_err(|_| {
        Error::invalid(
            "rows",
            "too_many_rows",
            "要排序的申请书过多",
            "too many proposals to sort",
        )
    })
}

/// Bytes of a signed amount that compare as the amounts do.
fn ordered_bytes(n: i64) -> [u8; 8] {
    ((n as u64) ^ (1 << 63)).to_be_bytes()
}

/// A status's place in the lifecycle; an unknown spelling after every known one.
fn lifecycle_rank(status: &str) -> u8 {
    ProposalStatus::ALL
        .iter()
        .position(|s| s.as_str() == status)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    #[test]
    fn amounts_compare_as_their_bytes() {
        let amounts = [i64::MIN, -5, -1, 0, 1, 99, 100, 6_000_000_000, i64::MAX];
        for a in amounts {
            for b in amounts {
                assert_eq!(
                    ordered_bytes(a).cmp(&ordered_bytes(b)),
                    a.cmp(&b),
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn columns_are_named_as_requests_spell_them_and_an_unknown_name_is_refused() {
        for c in Column::ALL {
            assert_eq!(Column::parse(c.as_str()).ok(), Some(c));
            let json = serde_json::to_string(&c).expect("json");
            assert_eq!(json, format!("\"{}\"", c.as_str()), "the page's spelling");
        }
        assert_eq!(Column::parse(" Title ").ok(), Some(Column::Title));
        let err = Column::parse("budget").expect_err("unknown");
        assert_eq!(err.invalid_fields()[0].field, "sort");
        assert!(
            err.message(crate::Lang::Zh).contains("不能按“budget”排序"),
            "{}",
            err.message(crate::Lang::Zh)
        );
        assert!(err.message(crate::Lang::En).contains("pi_name"));
    }

    #[test]
    fn a_sort_and_a_status_as_front_ends_spell_them() {
        assert_eq!(Sort::parse(None, false).ok(), Some(Sort::default()));
        assert_eq!(
            Sort::parse(Some("requested"), true).ok(),
            Some(Sort {
                column: Column::Requested,
                descending: true
            })
        );
        assert!(Sort::parse(Some("budget"), false).is_err());
        assert_eq!(
            parse_status(" ineligible ").ok(),
            Some(ProposalStatus::Ineligible)
        );
        let err = parse_status("rejected").expect_err("unknown");
        assert_eq!(err.invalid_fields()[0].field, "status");
        assert!(
            err.message(crate::Lang::Zh)
                .contains("“rejected”不是申请书状态")
        );
        assert!(err.message(crate::Lang::En).contains("withdrawn"));
    }

    #[test]
    fn statuses_rank_in_their_lifecycle() {
        let ranks: Vec<u8> = ProposalStatus::ALL
            .iter()
            .map(|s| lifecycle_rank(s.as_str()))
            .collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4]);
        assert_eq!(lifecycle_rank("archived"), u8::MAX);
    }
}
