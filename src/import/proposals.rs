//! Importing proposals with their applicants from a spreadsheet. A dry run reports, row by
//! row, what would be created, updated or left unchanged and every error (row, column, value,
//! rule). The real import is all-or-nothing in one transaction; importing the same file again
//! changes nothing (rows are matched by reference, else by applicant credit code and title).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use super::mapping::{self, Mapping};
use super::sheet::{Row, Sheet};
use crate::audit::{self, Change};
use crate::call::{self, Call, CallStatus};
use crate::error::{Coded, Error, Msg};
use crate::form::Text;
use crate::lang::Lang;
use crate::proposal::{
    self, ApplicantForm, BudgetLineForm, Proposal, ProposalContent, ProposalError, ProposalForm,
    ProposalStatus,
};
use crate::store::{Pool, Stamp, begin_write, date_text, parse_date};

/// One broken rule in one cell (or, with an empty column, in the row as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub line: usize,
    pub column: String,
    pub value: String,
    pub rule: String,
    pub message: Msg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowPlan {
    pub line: usize,
    pub reference: String,
    pub title: String,
    /// `None` when the row is refused.
    pub action: Option<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub source: String,
    pub encoding: String,
    pub call: String,
    pub mapping: Mapping,
    /// Columns that map to no field (left out).
    pub ignored: Vec<String>,
    /// Required fields without a column: every row is refused.
    pub missing: Vec<String>,
    pub rows: Vec<RowPlan>,
    pub issues: Vec<Issue>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub refused: usize,
    /// True once the import is written; a dry run never is.
    pub written: bool,
}

impl Report {
    /// The report as lines of text in one language: the counts, then every issue.
    pub fn describe(&self, lang: Lang) -> String {
        let mut out = vec![match lang {
            Lang::Zh => format!(
                "{}（{}）：新建 {}，更新 {}，不变 {}，拒绝 {}",
                self.source,
                self.encoding,
                self.created,
                self.updated,
                self.unchanged,
                self.refused
            ),
            Lang::En => format!(
                "{} ({}): {} to create, {} to update, {} unchanged, {} refused",
                self.source,
                self.encoding,
                self.created,
                self.updated,
                self.unchanged,
                self.refused
            ),
        }];
        if !self.missing.is_empty() {
            // Refused at the header: the rows are not checked one by one.
            let wanted: Vec<String> = self
                .missing
                .iter()
                .map(|m| {
                    let zh = mapping::usual_header(m);
                    match lang {
                        Lang::Zh => format!("{zh}（{m}）"),
                        Lang::En => format!("{m} ({zh})"),
                    }
                })
                .collect();
            let unused = if self.ignored.is_empty() {
                "—".to_string()
            } else {
                self.ignored.join(", ")
            };
            out.push(match lang {
                Lang::Zh => format!(
                    "表头缺少必需的列：{}；未识别的列：{unused}。请检查文件或指定列的对应关系",
                    wanted.join("、")
                ),
                Lang::En => format!(
                    "the header lacks required columns: {}; columns not recognised: {unused}. Check the file, or map its columns",
                    wanted.join(", ")
                ),
            });
        }
        for i in &self.issues {
            out.push(match lang {
                Lang::Zh => format!(
                    "第 {} 行，{}“{}”：{}",
                    i.line,
                    if i.column.is_empty() {
                        "整行"
                    } else {
                        &i.column
                    },
                    i.value,
                    i.message.zh
                ),
                Lang::En => format!(
                    "row {}, {} \"{}\": {}",
                    i.line,
                    if i.column.is_empty() {
                        "row"
                    } else {
                        &i.column
                    },
                    i.value,
                    i.message.en
                ),
            });
        }
        out.join("\n")
    }
}

/// A refused import, with its report; the Chinese and English side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    Refused(Box<Report>),
}

impl ImportError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        let ImportError::Refused(r) = self;
        Msg::new(
            format!("未导入任何数据：\n{}", r.describe(Lang::Zh)),
            format!("nothing was imported:\n{}", r.describe(Lang::En)),
        )
    }
}

crate::error::bilingual_error!(ImportError);

impl Coded for ImportError {
    fn code(&self) -> &'static str {
        "import_refused"
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// What an officer asks of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    pub call: String,
    /// Header → field, for columns the automatic mapping gets wrong ("" leaves one out).
    pub overrides: BTreeMap<String, String>,
}

/// What the write needs of each row that passed.
struct Prepared {
    line: usize,
    content: ProposalContent,
    submitted_on: Option<chrono::NaiveDate>,
    existing: Option<Proposal>,
    action: Action,
}

struct Plan {
    report: Report,
    prepared: Vec<Prepared>,
    call: Call,
}

const REQUIRED: [&str; 4] = ["title", "credit_code", "applicant", "topic"];

fn issue(line: usize, column: &str, value: &str, rule: &str, zh: String, en: String) -> Issue {
    Issue {
        line,
        column: column.to_string(),
        value: value.to_string(),
        rule: rule.to_string(),
        message: Msg::new(zh, en),
    }
}

async fn saved_mapping(
    conn: &mut crate::db::Tx,
    signature: &str,
) -> Result<Option<BTreeMap<String, String>>, Error> {
    let row: Option<(String,)> =
        crate::db::query_as("SELECT mapping FROM import_mappings WHERE signature = $1")
            .bind(signature)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.and_then(|(m,)| serde_json::from_str(&m).ok()))
}

async fn plan(
    conn: &mut crate::db::Tx,
    sheet: &Sheet,
    request: &ImportRequest,
) -> Result<Plan, Error> {
    let call = call::store_get_on(conn, &request.call).await?;
    if !matches!(call.status, CallStatus::Open | CallStatus::Closed) {
        return Err(ProposalError::CallNotAccepting {
            call: call.spec.code.to_string(),
            status: call.status.as_str().to_string(),
        }
        .into());
    }
    let saved = saved_mapping(conn, &mapping::signature(&sheet.headers)).await?;
    let mut issues = Vec::new();
    for (h, f) in &request.overrides {
        if !f.is_empty() && !mapping::is_field(f) {
            issues.push(issue(
                1,
                h,
                f,
                "unknown_field",
                format!("“{f}”不是可导入的字段"),
                format!("\"{f}\" is not a field an import knows"),
            ));
        }
    }
    let m = Mapping::decide(&sheet.headers, saved.as_ref(), &request.overrides);
    let index = m.index(&sheet.headers);
    let ignored: Vec<String> = sheet
        .headers
        .iter()
        .filter(|h| m.columns.get(*h).is_none_or(String::is_empty))
        .cloned()
        .collect();
    let budget_cols: Vec<(usize, String, String)> = index
        .iter()
        .filter_map(|(f, &i)| {
            let (c, y) = f.strip_prefix("budget:")?.split_once(':')?;
            Some((i, c.to_string(), y.to_string()))
        })
        .collect();
    let mut missing: Vec<String> = REQUIRED
        .iter()
        .filter(|f| !index.contains_key(**f))
        .map(|f| (*f).to_string())
        .collect();
    if !index.contains_key("requested") && budget_cols.is_empty() {
        missing.push("requested".into());
    }

    let existing = proposal::load_all_on(conn, call.id).await?;
    let by_ref: HashMap<&str, &Proposal> = existing
        .iter()
        .map(|p| (p.content.reference.as_str(), p))
        .collect();
    let by_key: HashMap<(&str, &str), &Proposal> = existing
        .iter()
        .map(|p| {
            (
                (
                    p.content.applicant.credit_code.as_str(),
                    p.content.title.as_str(),
                ),
                p,
            )
        })
        .collect();

    let header_of = |field: &str| -> String {
        index
            .get(field)
            .and_then(|&i| sheet.headers.get(i))
            .cloned()
            .unwrap_or_else(|| field.to_string())
    };
    let mut rows = Vec::with_capacity(sheet.rows.len());
    let mut prepared = Vec::with_capacity(sheet.rows.len());
    let mut seen_refs: HashMap<String, usize> = HashMap::new();
    let mut seen_keys: HashMap<(String, String), usize> = HashMap::new();
    // The first row of each applicant: later rows must give the same details, or it is not
    // clear which bank account payments should go to.
    let mut seen_applicants: HashMap<String, (usize, proposal::Applicant)> = HashMap::new();
    for row in &sheet.rows {
        let get = |f: &str| index.get(f).map_or("", |&i| sheet.cell(row, i));
        if !missing.is_empty() {
            // Refused at the header, once: no row can be read without those columns.
            rows.push(RowPlan {
                line: row.line,
                reference: get("reference").to_string(),
                title: get("title").to_string(),
                action: None,
            });
            continue;
        }
        let mut row_issues = Vec::new();
        let topic = topic_code(&call, get("topic"));
        let budget: Vec<BudgetLineForm> = budget_cols
            .iter()
            .filter(|(i, ..)| !sheet.cell(row, *i).is_empty())
            .map(|(i, c, y)| BudgetLineForm {
                category: Text(c.clone()),
                year: Text(y.clone()),
                amount: Text(sheet.cell(row, *i).to_string()),
            })
            .collect();
        let budget_headers: Vec<String> = budget_cols
            .iter()
            .filter(|(i, ..)| !sheet.cell(row, *i).is_empty())
            .map(|(i, ..)| sheet.headers[*i].clone())
            .collect();
        let form = ProposalForm {
            seen_version: None,
            call: Text(call.spec.code.to_string()),
            reference: Text(get("reference").to_string()),
            title: Text(get("title").to_string()),
            title_en: Text(get("title_en").to_string()),
            summary: Text(get("summary").to_string()),
            applicant: ApplicantForm {
                credit_code: Text(get("credit_code").to_string()),
                name: Text(get("applicant").to_string()),
                bank_name: Text(get("bank_name").to_string()),
                bank_account: Text(get("bank_account").to_string()),
                contact_name: Text(get("contact_name").to_string()),
                contact_phone: Text(get("contact_phone").to_string()),
                contact_email: Text(get("contact_email").to_string()),
            },
            pi_name: Text(get("pi_name").to_string()),
            pi_title: Text(get("pi_title").to_string()),
            pi_email: Text(get("pi_email").to_string()),
            pi_phone: Text(get("pi_phone").to_string()),
            topic: Text(topic),
            requested: Text(get("requested").to_string()),
            budget,
        };
        let submitted_on = match get("submitted_on") {
            "" => None,
            s => {
                let d = parse_date(&s.replace(['/', '.'], "-"));
                if d.is_none() {
                    row_issues.push(issue(
                        row.line,
                        &header_of("submitted_on"),
                        s,
                        "date_format",
                        format!("“{s}”不是有效日期（格式 YYYY-MM-DD）"),
                        format!("\"{s}\" is not a valid date (YYYY-MM-DD)"),
                    ));
                }
                d
            }
        };
        let content = match form.validate(&call.spec) {
            Ok(c) => Some(c),
            Err(ProposalError::Invalid(list)) => {
                for i in list {
                    let (column, value) = column_of(&i.field, &index, sheet, row, &budget_headers);
                    row_issues.push(Issue {
                        line: row.line,
                        column,
                        value,
                        rule: i.rule.to_string(),
                        message: i.message,
                    });
                }
                None
            }
            Err(e) => {
                row_issues.push(issue(
                    row.line,
                    "",
                    "",
                    e.code(),
                    e.message(Lang::Zh),
                    e.message(Lang::En),
                ));
                None
            }
        };
        let mut action = None;
        let mut matched = None;
        if let Some(content) = &content {
            let key = (
                content.applicant.credit_code.to_string(),
                content.title.clone(),
            );
            match seen_applicants.get(content.applicant.credit_code.as_str()) {
                None => {
                    seen_applicants.insert(
                        content.applicant.credit_code.to_string(),
                        (row.line, content.applicant.clone()),
                    );
                }
                Some((first, a)) => {
                    let differing = applicant_differences(a, &content.applicant);
                    if !differing.is_empty() {
                        let columns: Vec<String> = differing.iter().map(|f| header_of(f)).collect();
                        row_issues.push(issue(
                            row.line,
                            &columns.join(", "),
                            content.applicant.credit_code.as_str(),
                            "applicant_differs",
                            format!(
                                "同一申请单位（统一社会信用代码 {}）的{}与第 {first} 行不同；请统一后再导入",
                                content.applicant.credit_code,
                                columns.join("、")
                            ),
                            format!(
                                "the same applicant (credit code {}) has another {} than on row {first}: make them agree first",
                                content.applicant.credit_code,
                                columns.join(", ")
                            ),
                        ));
                    }
                }
            }
            let earlier = if content.reference.is_empty() {
                seen_keys.insert(key.clone(), row.line)
            } else {
                seen_refs.insert(content.reference.clone(), row.line)
            };
            if let Some(first) = earlier {
                row_issues.push(issue(
                    row.line,
                    "",
                    "",
                    "duplicate_row",
                    format!("与第 {first} 行是同一份申请书"),
                    format!("the same proposal as row {first}"),
                ));
            }
            let found = if content.reference.is_empty() {
                by_key.get(&(key.0.as_str(), key.1.as_str())).copied()
            } else {
                by_ref.get(content.reference.as_str()).copied()
            };
            match found {
                None => action = Some(Action::Create),
                Some(p) => {
                    let mut incoming = content.clone();
                    incoming.reference = p.content.reference.clone();
                    let same = incoming == p.content
                        && submitted_on.is_none_or(|d| p.submitted_on == Some(d));
                    if same {
                        action = Some(Action::Unchanged);
                    } else if p.status.is_editable() {
                        action = Some(Action::Update);
                    } else {
                        row_issues.push(issue(
                            row.line,
                            "",
                            &p.content.reference,
                            "not_editable",
                            format!(
                                "申请书 {} 已是“{}”状态，不能由导入修改",
                                p.content.reference,
                                p.status.label(Lang::Zh)
                            ),
                            format!(
                                "proposal {} is {} and cannot be changed by an import",
                                p.content.reference,
                                p.status.label(Lang::En)
                            ),
                        ));
                    }
                    matched = Some(p.clone());
                }
            }
        }
        if !missing.is_empty() {
            action = None;
        }
        let refused = !row_issues.is_empty() || action.is_none();
        rows.push(RowPlan {
            line: row.line,
            reference: matched.as_ref().map_or_else(
                || get("reference").to_string(),
                |p| p.content.reference.clone(),
            ),
            title: get("title").to_string(),
            action: if refused { None } else { action },
        });
        issues.extend(row_issues);
        if let (false, Some(content), Some(action)) = (refused, content, action) {
            prepared.push(Prepared {
                line: row.line,
                content,
                submitted_on,
                existing: matched,
                action,
            });
        }
    }
    let count = |a: Action| rows.iter().filter(|r| r.action == Some(a)).count();
    let report = Report {
        source: sheet.source.clone(),
        encoding: sheet.encoding.to_string(),
        call: call.spec.code.to_string(),
        created: count(Action::Create),
        updated: count(Action::Update),
        unchanged: count(Action::Unchanged),
        refused: rows.iter().filter(|r| r.action.is_none()).count(),
        mapping: m,
        ignored,
        missing,
        rows,
        issues,
        written: false,
    };
    Ok(Plan {
        report,
        prepared,
        call,
    })
}

/// The import fields in which two rows' details of one applicant differ.
fn applicant_differences(a: &proposal::Applicant, b: &proposal::Applicant) -> Vec<&'static str> {
    [
        ("applicant", a.name == b.name),
        ("bank_name", a.bank_name == b.bank_name),
        ("bank_account", a.bank_account == b.bank_account),
        ("contact_name", a.contact_name == b.contact_name),
        ("contact_phone", a.contact_phone == b.contact_phone),
        ("contact_email", a.contact_email == b.contact_email),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(f, _)| f)
    .collect()
}

/// A topic cell may hold the code (`AI`) or the topic's name in either language.
fn topic_code(call: &Call, cell: &str) -> String {
    call.spec
        .topics
        .iter()
        .find(|t| {
            t.code.eq_ignore_ascii_case(cell)
                || t.name_zh == cell
                || t.name_en.eq_ignore_ascii_case(cell)
        })
        .map_or_else(|| cell.to_string(), |t| t.code.clone())
}

/// The column (header, as in the file) and the value behind a form field of a refusal.
fn column_of(
    field: &str,
    index: &BTreeMap<String, usize>,
    sheet: &Sheet,
    row: &Row,
    budget_headers: &[String],
) -> (String, String) {
    let key = match field {
        "applicant.credit_code" => "credit_code",
        "applicant.name" => "applicant",
        f => f.strip_prefix("applicant.").unwrap_or(f),
    };
    if let Some(&i) = index.get(key) {
        return (sheet.headers[i].clone(), sheet.cell(row, i).to_string());
    }
    // budget[3].amount → the third non-empty budget column of the row.
    if let Some(n) = field
        .strip_prefix("budget[")
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse::<usize>().ok())
        && let Some(h) = budget_headers.get(n.saturating_sub(1))
        && let Some(i) = sheet.headers.iter().position(|x| x == h)
    {
        return (h.clone(), sheet.cell(row, i).to_string());
    }
    (field.to_string(), String::new())
}

/// The dry run: the report of what an import would do, writing nothing.
pub async fn dry_run(pool: &Pool, sheet: &Sheet, request: &ImportRequest) -> Result<Report, Error> {
    let mut conn = pool.read().await?;
    Ok(plan(&mut conn, sheet, request).await?.report)
}

/// The import: every row or none, in one transaction with its audit entries.
pub async fn import(
    pool: &Pool,
    stamp: &Stamp,
    sheet: &Sheet,
    request: &ImportRequest,
) -> Result<Report, Error> {
    let mut tx = begin_write(pool).await?;
    let Plan {
        mut report,
        prepared,
        call,
    } = plan(&mut tx, sheet, request).await?;
    if report.refused > 0 || !report.missing.is_empty() || !report.issues.is_empty() {
        return Err(ImportError::Refused(Box::new(report)).into());
    }
    tx.widen_cache().await?;
    let creates: Vec<&Prepared> = prepared
        .iter()
        .filter(|p| p.action == Action::Create)
        .collect();
    write_new(&mut tx, stamp, &call, &creates).await?;
    for p in prepared.iter().filter(|p| p.action == Action::Update) {
        update_one(&mut tx, stamp, &call, p).await?;
    }
    let mapping_json = serde_json::to_string(&report.mapping.columns).unwrap_or_default();
    crate::db::query(
        "INSERT INTO import_mappings (signature, headers, mapping, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (signature) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
    )
    .bind(mapping::signature(&sheet.headers))
    .bind(serde_json::to_string(&sheet.headers).unwrap_or_default())
    .bind(mapping_json)
    .bind(stamp.at_text())
    .execute(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        stamp,
        Change::new("import", &report.call, "import").after(&serde_json::json!({
            "source": report.source,
            "encoding": report.encoding,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }))?,
    )
    .await?;
    tx.commit().await?;
    report.written = true;
    Ok(report)
}

async fn update_one(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    call: &Call,
    p: &Prepared,
) -> Result<(), Error> {
    let Some(before) = &p.existing else {
        return Ok(());
    };
    proposal::replace_content_on(conn, stamp, before.id, &p.content).await?;
    let after = proposal::store_get_on(conn, call, &before.content.reference).await?;
    audit::record(
        conn,
        stamp,
        Change::new("proposal", proposal::audit_id(&after), "import_update")
            .before(before)?
            .after(&after)?,
    )
    .await?;
    if let Some(d) = p.submitted_on
        && after.status == ProposalStatus::Draft
    {
        proposal::store_transition_on(
            conn,
            stamp,
            call.spec.code.as_str(),
            &after.content.reference,
            ProposalStatus::Submitted,
            Some(d),
        )
        .await?;
    }
    Ok(())
}

/// Rows per multi-row INSERT (well under SQLite's 32,766 bound variables).
const CHUNK: usize = 400;

#[derive(Serialize)]
struct Imported<'a> {
    #[serde(flatten)]
    content: &'a ProposalContent,
    status: ProposalStatus,
    submitted_on: Option<String>,
    line: usize,
}

/// A new proposal as it will be written.
struct NewRow {
    id: i64,
    applicant_id: i64,
    /// The applicant is new too (first row with its credit code).
    new_applicant: bool,
    content: ProposalContent,
    status: ProposalStatus,
    submitted_on: Option<chrono::NaiveDate>,
    line: usize,
}

/// Creates the new proposals (and new applicants) with multi-row inserts, and their audit
/// entries in one chain extension. The entries (JSON, then hashes) are made on another thread
/// while the rows are written.
async fn write_new(
    conn: &mut crate::db::Tx,
    stamp: &Stamp,
    call: &Call,
    rows: &[&Prepared],
) -> Result<(), Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let at = stamp.at_text();
    // Applicants: known ones by credit code; new ones get the next ids.
    let known: Vec<(i64, String)> = crate::db::query_as("SELECT id, credit_code FROM applicants")
        .fetch_all(&mut *conn)
        .await?;
    let mut applicant_ids: HashMap<String, i64> = known.into_iter().map(|(i, c)| (c, i)).collect();
    let (max_applicant,): (i64,) =
        crate::db::query_as("SELECT COALESCE(MAX(id), 0) FROM applicants")
            .fetch_one(&mut *conn)
            .await?;
    let (max_proposal,): (i64,) = crate::db::query_as("SELECT COALESCE(MAX(id), 0) FROM proposals")
        .fetch_one(&mut *conn)
        .await?;
    let taken: Vec<(String,)> =
        crate::db::query_as("SELECT reference FROM proposals WHERE call_id = $1")
            .bind(call.id)
            .fetch_all(&mut *conn)
            .await?;
    let mut taken: HashSet<String> = taken.into_iter().map(|(r,)| r).collect();
    for r in rows {
        if !r.content.reference.is_empty() {
            taken.insert(r.content.reference.clone());
        }
    }
    let mut next_ref = taken.len() + 1;
    let mut updated_applicants = HashSet::new();
    let mut next_applicant = max_applicant;
    let mut new_rows = Vec::with_capacity(rows.len());
    for (k, r) in rows.iter().enumerate() {
        let code = r.content.applicant.credit_code.to_string();
        let (applicant_id, new_applicant) = match applicant_ids.get(&code) {
            Some(&id) => {
                // A known applicant whose details changed is updated once, audited.
                if updated_applicants.insert(code) && id <= max_applicant {
                    proposal::upsert_applicant(conn, stamp, &r.content.applicant).await?;
                }
                (id, false)
            }
            None => {
                next_applicant += 1;
                applicant_ids.insert(code, next_applicant);
                (next_applicant, true)
            }
        };
        let mut content = r.content.clone();
        if content.reference.is_empty() {
            content.reference = loop {
                let candidate = proposal::numbered_reference(call.spec.code.as_str(), next_ref);
                next_ref += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
        }
        new_rows.push(NewRow {
            id: max_proposal + 1 + k as i64,
            applicant_id,
            new_applicant,
            content,
            status: if r.submitted_on.is_some() {
                ProposalStatus::Submitted
            } else {
                ProposalStatus::Draft
            },
            submitted_on: r.submitted_on,
            line: r.line,
        });
    }
    let new_rows = std::sync::Arc::new(new_rows);

    // Nothing else writes to the chain inside this transaction until the entries are written,
    // so the head read now is the one they follow.
    let head = audit::head(conn).await?;
    let signed_in = audit::signed_in(conn, stamp).await?;
    let chain = {
        let rows = std::sync::Arc::clone(&new_rows);
        let stamp = signed_in;
        let code = call.spec.code.to_string();
        tokio::task::spawn_blocking(move || audit_entries(&rows, &code, head, &stamp))
    };

    let applicants: Vec<&NewRow> = new_rows.iter().filter(|r| r.new_applicant).collect();
    for chunk in applicants.chunks(conn.rows_per_write(CHUNK)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|r| {
                let a = &r.content.applicant;
                vec![
                    crate::db::Arg::from(r.applicant_id),
                    crate::db::Arg::from(a.credit_code.to_string()),
                    crate::db::Arg::from(&a.name),
                    crate::db::Arg::from(&a.bank_name),
                    crate::db::Arg::from(&a.bank_account),
                    crate::db::Arg::from(&a.contact_name),
                    crate::db::Arg::from(&a.contact_phone),
                    crate::db::Arg::from(&a.contact_email),
                    crate::db::Arg::from(&at),
                    crate::db::Arg::from(&at),
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
    for chunk in new_rows.chunks(conn.rows_per_write(CHUNK / 2)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|r| {
                let c = &r.content;
                vec![
                    crate::db::Arg::from(r.id),
                    crate::db::Arg::from(call.id),
                    crate::db::Arg::from(&c.reference),
                    crate::db::Arg::from(&c.title),
                    crate::db::Arg::from(&c.title_en),
                    crate::db::Arg::from(&c.summary),
                    crate::db::Arg::from(r.applicant_id),
                    crate::db::Arg::from(&c.pi_name),
                    crate::db::Arg::from(&c.pi_title),
                    crate::db::Arg::from(&c.pi_email),
                    crate::db::Arg::from(&c.pi_phone),
                    crate::db::Arg::from(&c.topic),
                    crate::db::Arg::from(c.requested.fen()),
                    crate::db::Arg::from(r.status.as_str()),
                    crate::db::Arg::from(r.submitted_on.map(date_text)),
                    crate::db::Arg::from(&at),
                    crate::db::Arg::from(&at),
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
    let lines: Vec<(i64, &proposal::BudgetLine)> = new_rows
        .iter()
        .flat_map(|r| r.content.budget.iter().map(move |l| (r.id, l)))
        .collect();
    for chunk in lines.chunks(conn.rows_per_write(CHUNK * 2)) {
        let rows: Vec<Vec<crate::db::Arg>> = chunk
            .iter()
            .map(|(id, l)| {
                vec![
                    crate::db::Arg::from(*id),
                    crate::db::Arg::from(l.category.as_str()),
                    crate::db::Arg::from(i64::from(l.year)),
                    crate::db::Arg::from(l.amount.fen()),
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
    let entries = chain.await.map_err(|e| {
        Error::Store(crate::error::StoreError::Corrupt {
            table: "audit_log",
            id: "new".into(),
            reason: e.to_string(),
        })
    })??;
    audit::write_extension(conn, entries).await
}

/// The audit entries of an import, in row order: the applicant's creation (when new) before
/// the proposal's, each with the full state written.
fn audit_entries(
    rows: &[NewRow],
    call_code: &str,
    head: (i64, String),
    stamp: &Stamp,
) -> Result<Vec<audit::Entry>, Error> {
    let mut changes = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        let c = &r.content;
        if r.new_applicant {
            changes.push(
                Change::new("applicant", c.applicant.credit_code.to_string(), "create")
                    .after(&c.applicant)?,
            );
        }
        changes.push(
            Change::new("proposal", format!("{call_code}/{}", c.reference), "import").after(
                &Imported {
                    content: c,
                    status: r.status,
                    submitted_on: r.submitted_on.map(date_text),
                    line: r.line,
                },
            )?,
        );
    }
    Ok(audit::extend(head, stamp, changes))
}
