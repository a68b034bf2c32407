//! The proposals table of a call, filtered, sorted and read a window at a time.
//!
//! A national call has a hundred thousand proposals: a page that loads them all to sort and
//! search them holds tens of MiB and takes seconds. Here the core does it. [`order`] filters
//! in the database and sorts in the officers' order ([`crate::collate`]: Chinese by pinyin,
//! numbers by value), and returns only the proposals' row handles, in order. [`rows`] reads the
//! lines of the handles a window shows. Neither keeps state between requests, so a table on a
//! shared database is as fresh as its last request, whoever wrote.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::ProposalStatus;
use super::store::{Filter, ProposalSummary, SummaryRow, filter_clause, filter_sql};
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

    /// The expression whose value the column sorts by.
    fn expr(self) -> &'static str {
        match self {
            Column::Reference => "p.reference",
            Column::Title => "p.title",
            Column::Applicant => "a.name",
            Column::PiName => "p.pi_name",
            Column::Topic => "p.topic",
            Column::Status => "p.status",
            // The amount is read as a number, in its own column; this text goes unused.
            Column::Requested => "p.reference",
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

#[derive(FromRow)]
struct OrderRow {
    id: i64,
    reference: String,
    sort_text: String,
    requested_fen: i64,
}

/// One proposal's place: where its keys lie in the shared buffer.
struct Entry {
    id: i64,
    /// The column's key: `keys[start..mid]`; the reference's: `keys[mid..end]`.
    start: u32,
    mid: u32,
    end: u32,
}

/// The matching proposals of `filter.call`, sorted by `sort`.
pub async fn order(pool: &Pool, filter: &Filter, sort: Sort) -> Result<Order, Error> {
    let call = call::get(pool, &filter.call).await?;
    let sql = format!(
        "SELECT p.id, p.reference, {} AS sort_text, p.requested_fen{}",
        sort.column.expr(),
        filter_clause()
    );
    let found: Vec<OrderRow> = filter
        .bind(crate::db::query_as(filter_sql(sql)), call.id)
        .fetch_all(pool)
        .await?;
    let (total,): (i64,) = crate::db::query_as("SELECT count(*) FROM proposals WHERE call_id = $1")
        .bind(call.id)
        .fetch_one(pool)
        .await?;

    // Every key goes into one buffer: a hundred thousand proposals make one allocation of a
    // few MiB rather than two hundred thousand small ones.
    let mut keys: Vec<u8> = Vec::with_capacity(found.len() * 48);
    let mut entries: Vec<Entry> = Vec::with_capacity(found.len());
    for r in &found {
        let start = offset(&keys)?;
        match sort.column {
            Column::Requested => keys.extend_from_slice(&ordered_bytes(r.requested_fen)),
            Column::Status => keys.push(lifecycle_rank(&r.sort_text)),
            _ => crate::collate::sort_key_into(&r.sort_text, &mut keys),
        }
        let mid = offset(&keys)?;
        // Sorted by reference, the column's key is the reference's: no second copy.
        if sort.column != Column::Reference {
            crate::collate::sort_key_into(&r.reference, &mut keys);
        }
        entries.push(Entry {
            id: r.id,
            start,
            mid,
            end: offset(&keys)?,
        });
    }
    drop(found);
    let key = |from: u32, to: u32| &keys[from as usize..to as usize];
    entries.sort_unstable_by(|a, b| {
        let column = key(a.start, a.mid).cmp(key(b.start, b.mid));
        let column = if sort.descending {
            column.reverse()
        } else {
            column
        };
        column
            .then_with(|| key(a.mid, a.end).cmp(key(b.mid, b.end)))
            // References that collate alike (`P-01`, `P-1`) keep one order, the order of their
            // creation, whichever way the column is sorted.
            .then(a.id.cmp(&b.id))
    });
    Ok(Order {
        total: u64::try_from(total).unwrap_or(0),
        rows: entries.into_iter().map(|e| e.id).collect(),
    })
}

/// The lines of the proposals `ids` names, in that order; `None` where a handle no longer
/// names a proposal of the call. At most [`MAX_ROWS`] at a time.
pub async fn rows(
    pool: &Pool,
    call_code: &str,
    ids: &[i64],
) -> Result<Vec<Option<ProposalSummary>>, Error> {
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
    let call = call::get(pool, call_code).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (0..ids.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT p.id, p.reference, p.title, a.name AS applicant, a.credit_code, p.pi_name,
            p.topic, p.requested_fen, p.status, p.submitted_on, p.eligibility
         FROM proposals p JOIN applicants a ON a.id = p.applicant_id
         WHERE p.call_id = $1 AND p.id IN ({marks})"
    );
    let mut q = crate::db::query_as::<SummaryRow>(sqlx::AssertSqlSafe(sql)).bind(call.id);
    for id in ids {
        q = q.bind(*id);
    }
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for row in q.fetch_all(pool).await? {
        found.insert(row.id, ProposalSummary::try_from(row)?);
    }
    Ok(ids.iter().map(|id| found.remove(id)).collect())
}

/// Every matching line, in the table's order: [`order`], then [`rows`] a chunk at a time. For
/// the command line and exports, which show the whole table.
pub async fn lines(
    pool: &Pool,
    filter: &Filter,
    sort: Sort,
) -> Result<Vec<ProposalSummary>, Error> {
    let order = order(pool, filter, sort).await?;
    let mut out = Vec::with_capacity(order.rows.len());
    for ids in order.rows.chunks(MAX_ROWS) {
        out.extend(rows(pool, &filter.call, ids).await?.into_iter().flatten());
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
    fn statuses_rank_in_their_lifecycle() {
        let ranks: Vec<u8> = ProposalStatus::ALL
            .iter()
            .map(|s| lifecycle_rank(s.as_str()))
            .collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4]);
        assert_eq!(lifecycle_rank("archived"), u8::MAX);
    }
}
