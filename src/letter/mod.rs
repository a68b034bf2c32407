//! Award letters (立项通知书). This first part is the letter's content, built from the award,
//! its schedule and its approved budget, in Chinese or English, and checked so that every
//! amount on the page adds up to the award; [`layout`] places it on A4 pages after the
//! national standard for official documents (GB/T 9704-2012). Writing the PDF, the fonts and
//! the register of issued letters come next (issue #14).

pub mod layout;

use chrono::NaiveDate;
use serde::Serialize;

use crate::decision::Award;
use crate::disbursement::AwardFinance;
use crate::error::Msg;
use crate::lang::Lang;
use crate::money::Money;
use crate::proposal::Category;

/// Who issues the letters: the agency's names, its letterhead (发文机关标志), the standard
/// conditions and the signature block. Settings will keep these; [`Agency::sample`] is the
/// sample agency's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Agency {
    pub name: Msg,
    pub letterhead: Msg,
    /// The standard conditions (reporting, mid-term review, acceptance, recovery of misused
    /// funds), one paragraph each.
    pub conditions_zh: Vec<String>,
    pub conditions_en: Vec<String>,
    /// The font files of the title (小标宋 where the agency has it) and of the body (仿宋);
    /// none: a Simplified Chinese font found on the machine.
    #[serde(default)]
    pub title_font: Option<String>,
    #[serde(default)]
    pub body_font: Option<String>,
}

impl Agency {
    /// The fictional agency of the sample call.
    pub fn sample() -> Agency {
        Agency {
            name: Msg::new("北京市科研资助管理中心", "Beijing Research Funding Centre"),
            letterhead: Msg::new("北京市科研资助管理中心文件", "Beijing Research Funding Centre"),
            conditions_zh: vec![
                "项目承担单位应在收到本通知后三十日内签订项目任务书，按任务书约定组织实施，专款专用。".into(),
                "项目承担单位应于每个项目年度结束后一个月内报送经费使用情况报告，按期接受中期检查和结题验收。".into(),
                "中期检查未通过的，暂停拨付后续经费；结题验收未通过或项目终止的，结余资金予以收回。".into(),
                "对截留、挪用、虚报冒领项目经费的，收回已拨付经费，并依法依规追究相关责任。".into(),
            ],
            conditions_en: vec![
                "The institution signs the task book within thirty days of this letter and carries the project out as it agrees, using the funds for the project only.".into(),
                "It reports on the use of the funds within a month of the end of each project year and takes part in the mid-term review and the final acceptance.".into(),
                "A failed mid-term review suspends later payments; if the final acceptance fails or the project is terminated, the unspent balance is recovered.".into(),
                "Funds withheld, diverted or claimed under false pretences are recovered, and those responsible are held to account under the law.".into(),
            ],
            title_font: None,
            body_font: None,
        }
    }
}

/// A table of the letter: headers, rows and a total row, all text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub total: Vec<String>,
}

/// Everything a letter says, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub lang: Lang,
    pub number: String,
    pub letterhead: String,
    pub agency: String,
    pub title: String,
    /// 主送: the institution, with its unified social credit code.
    pub addressee: String,
    /// The body, paragraph by paragraph.
    pub body: Vec<String>,
    pub schedule: Table,
    pub budget: Option<Table>,
    pub conditions: Vec<String>,
    pub date: NaiveDate,
    pub award: Money,
}

/// Why a letter cannot be written: named, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterError {
    /// The field at fault (`award` when the figures do not add up).
    pub field: &'static str,
    pub rule: &'static str,
    pub message: Msg,
}

impl LetterError {
    fn sums(message: Msg) -> LetterError {
        LetterError {
            field: "award",
            rule: "letter_does_not_add_up",
            message,
        }
    }
}

fn date_text(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.format("%-d %B %Y").to_string(),
    }
}

fn sum(items: impl IntoIterator<Item = Money>) -> Option<Money> {
    Money::checked_sum(items)
}

/// The letter of an award, from the award, its finances (the schedule) and the agency; the
/// issue date is the date of the decision. Refused, naming the figures, if the schedule or
/// the budget does not add up to the award (it always does unless the data were altered), or
/// naming the field if one it prints is empty.
pub fn letter(
    award: &Award,
    finance: &AwardFinance,
    credit_code: &str,
    topic: &str,
    agency: &Agency,
    lang: Lang,
) -> Result<Letter, LetterError> {
    let zh = lang == Lang::Zh;
    // What a letter cannot go without, named (data altered outside GrantDesk, or an import
    // of old records, could leave one empty).
    for (value, field, zh_name, en_name) in [
        (award.title.as_str(), "title", "项目名称", "project title"),
        (
            award.applicant.as_str(),
            "applicant",
            "承担单位",
            "institution",
        ),
        (
            credit_code,
            "applicant.credit_code",
            "统一社会信用代码",
            "unified social credit code",
        ),
        (
            award.pi_name.as_str(),
            "pi_name",
            "项目负责人",
            "principal investigator",
        ),
        (
            agency.name.get(lang),
            "agency",
            "出具机构名称",
            "agency's name",
        ),
    ] {
        if value.trim().is_empty() {
            return Err(LetterError {
                field,
                rule: "required_for_letter",
                message: Msg::new(
                    format!(
                        "资助 {} 缺少{zh_name}（{field}），不能出具通知书",
                        award.number
                    ),
                    format!(
                        "award {} has no {en_name} ({field}): no letter can be written",
                        award.number
                    ),
                ),
            });
        }
    }
    let amount = award.amount;
    let scheduled = sum(finance.tranches.iter().map(|t| t.amount));
    if scheduled != Some(amount) {
        return Err(LetterError::sums(Msg::new(
            format!(
                "资助 {} 的拨付计划合计 {}，与资助金额 {} 不符，不能出具通知书",
                award.number,
                scheduled.map(|m| m.format_yuan()).unwrap_or_default(),
                amount.format_yuan()
            ),
            format!(
                "the schedule of award {} sums to {}, not the award's {}: no letter can be written",
                award.number,
                scheduled.map(|m| m.format_yuan()).unwrap_or_default(),
                amount.format_yuan()
            ),
        )));
    }
    let budget_total = sum(finance.spending.budget.iter().map(|l| l.amount));
    if !finance.spending.budget.is_empty() && budget_total != Some(amount) {
        return Err(LetterError::sums(Msg::new(
            format!(
                "资助 {} 的批复预算合计 {}，与资助金额 {} 不符，不能出具通知书",
                award.number,
                budget_total.map(|m| m.format_yuan()).unwrap_or_default(),
                amount.format_yuan()
            ),
            format!(
                "the approved budget of award {} sums to {}, not the award's {}: no letter can be written",
                award.number,
                budget_total.map(|m| m.format_yuan()).unwrap_or_default(),
                amount.format_yuan()
            ),
        )));
    }
    let title = if zh {
        format!("关于“{}”项目立项的通知", award.title)
    } else {
        format!("Award of a research grant: {}", award.title_en_or_title())
    };
    let addressee = if zh {
        format!("{}（统一社会信用代码 {credit_code}）：", award.applicant)
    } else {
        format!(
            "To: {} (unified social credit code {credit_code})",
            award.applicant
        )
    };
    let period = (
        date_text(award.start_on, lang),
        date_text(award.end_on, lang),
    );
    let body = if zh {
        vec![
            format!(
                "经专家评审、公示和审定，你单位申请的“{}”项目（研究方向：{topic}，项目负责人：{}）获批立项，文号 {}。",
                award.title, award.pi_name, award.number
            ),
            format!(
                "资助金额为人民币{}（¥{}），项目执行期自{}至{}。经费按下列计划分笔拨付，后续拨付以相应节点通过为前提。",
                award.amount.capital().trim_start_matches("人民币"),
                group(award.amount),
                period.0,
                period.1
            ),
        ]
    } else {
        vec![
            format!(
                "After expert review, public notice and decision, your proposal \"{}\" (topic: {topic}; principal investigator: {}) is funded under award number {}.",
                award.title_en_or_title(),
                award.pi_name,
                award.number
            ),
            format!(
                "The award is CNY {} ({}), for the period from {} to {}. It is paid in the tranches below; each later tranche follows the milestone it names.",
                group(award.amount),
                award.amount.capital(),
                period.0,
                period.1
            ),
        ]
    };
    let schedule = Table {
        headers: if zh {
            vec![
                "批次".into(),
                "拨付条件".into(),
                "计划日期".into(),
                "金额（元）".into(),
            ]
        } else {
            vec![
                "Tranche".into(),
                "After".into(),
                "Due".into(),
                "Amount (CNY)".into(),
            ]
        },
        rows: finance
            .tranches
            .iter()
            .map(|t| {
                vec![
                    if zh {
                        format!("第{}笔", t.seq)
                    } else {
                        format!("{}", t.seq)
                    },
                    t.gate
                        .as_ref()
                        .map(|g| g.title.get(lang).to_string())
                        .unwrap_or_default(),
                    crate::store::date_text(t.due_on),
                    group(t.amount),
                ]
            })
            .collect(),
        total: vec![
            if zh { "合计".into() } else { "Total".into() },
            String::new(),
            String::new(),
            group(amount),
        ],
    };
    let budget =
        if finance.spending.budget.is_empty() {
            None
        } else {
            let years: Vec<u32> = {
                let mut y: Vec<u32> = finance.spending.budget.iter().map(|l| l.year).collect();
                y.sort_unstable();
                y.dedup();
                y
            };
            let cell = |c: Category, y: u32| {
                sum(finance
                    .spending
                    .budget
                    .iter()
                    .filter(|l| l.category == c && l.year == y)
                    .map(|l| l.amount))
                .unwrap_or_default()
            };
            let mut headers = vec![if zh {
                "预算科目".to_string()
            } else {
                "Category".to_string()
            }];
            headers.extend(years.iter().map(|y| {
                if zh {
                    format!("第{y}年（元）")
                } else {
                    format!("Year {y} (CNY)")
                }
            }));
            headers.push(if zh {
                "合计（元）".into()
            } else {
                "Total (CNY)".into()
            });
            let rows = Category::ALL
                .iter()
                .filter(|c| finance.spending.budget.iter().any(|l| l.category == **c))
                .map(|c| {
                    let mut r = vec![c.label(lang).to_string()];
                    r.extend(years.iter().map(|y| group(cell(*c, *y))));
                    r.push(group(
                        sum(years.iter().map(|y| cell(*c, *y))).unwrap_or_default(),
                    ));
                    r
                })
                .collect();
            let mut total = vec![if zh {
                "合计".to_string()
            } else {
                "Total".to_string()
            }];
            total.extend(years.iter().map(|y| {
                group(sum(Category::ALL.iter().map(|c| cell(*c, *y))).unwrap_or_default())
            }));
            total.push(group(amount));
            Some(Table {
                headers,
                rows,
                total,
            })
        };
    Ok(Letter {
        lang,
        number: award.number.clone(),
        letterhead: agency.letterhead.get(lang).to_string(),
        agency: agency.name.get(lang).to_string(),
        title,
        addressee,
        body,
        schedule,
        budget,
        conditions: if zh {
            agency.conditions_zh.clone()
        } else {
            agency.conditions_en.clone()
        },
        date: award.decided_on,
        award: amount,
    })
}

/// `5,000,000.00`: grouped, two places, no sign (the table's column says 元 / CNY).
fn group(m: Money) -> String {
    m.format_yuan().trim_start_matches('¥').to_string()
}

impl Letter {
    /// The issue date as the letter prints it: `2026年12月1日`, `1 December 2026`.
    pub fn date_text(&self) -> String {
        date_text(self.date, self.lang)
    }
}

/// The letter of an issued award as it stands in the database.
pub async fn of_award(
    pool: &crate::store::Pool,
    number: &str,
    agency: &Agency,
    lang: Option<Lang>,
) -> Result<Letter, crate::Error> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT c.code FROM awards w JOIN calls c ON c.id = w.call_id WHERE w.number = $1",
    )
    .bind(number.trim())
    .fetch_optional(pool)
    .await?;
    let Some((call_code,)) = found else {
        return Err(
            crate::disbursement::DisbursementError::AwardNotFound(number.trim().into()).into(),
        );
    };
    let mut all = of_call(pool, &call_code, Some(number.trim()), agency, lang).await?;
    all.pop().ok_or_else(|| {
        crate::disbursement::DisbursementError::AwardNotFound(number.trim().into()).into()
    })
}

/// The letters of a call's issued awards (or of the one named), in award-number order, read
/// in one pass per table; in `lang`, else in the call's letter language.
pub async fn of_call(
    pool: &crate::store::Pool,
    call_code: &str,
    only: Option<&str>,
    agency: &Agency,
    lang: Option<Lang>,
) -> Result<Vec<Letter>, crate::Error> {
    let call = crate::call::get(pool, call_code).await?;
    let lang = lang.unwrap_or(call.spec.letter_lang);
    let codes: std::collections::HashMap<String, String> = sqlx::query_as(
        "SELECT w.number, a.credit_code FROM awards w JOIN calls c ON c.id = w.call_id
         JOIN proposals p ON p.id = w.proposal_id JOIN applicants a ON a.id = p.applicant_id
         WHERE c.code = $1",
    )
    .bind(call_code)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let awards: Vec<Award> = crate::decision::awards(pool, call_code)
        .await?
        .into_iter()
        .filter(|a| only.is_none_or(|n| a.number == n))
        .collect();
    let mut finances: std::collections::HashMap<String, AwardFinance> = match only {
        Some(n) => {
            let Some(a) = awards.first() else {
                return Ok(Vec::new());
            };
            let f = crate::disbursement::award_finance(pool, n, a.decided_on).await?;
            [(f.number.clone(), f)].into_iter().collect()
        }
        None => {
            let today = awards
                .iter()
                .map(|a| a.decided_on)
                .max()
                .unwrap_or_default();
            crate::disbursement::award_finances(pool, call_code, today)
                .await?
                .into_iter()
                .map(|f| (f.number.clone(), f))
                .collect()
        }
    };
    let mut out = Vec::with_capacity(awards.len());
    for award in &awards {
        let Some(finance) = finances.remove(&award.number) else {
            continue;
        };
        let topic = call
            .spec
            .topic(&award.topic)
            .map(|t| lang.pick(&t.name_zh, &t.name_en).to_string())
            .unwrap_or_else(|| award.topic.clone());
        let credit_code = codes.get(&award.number).map(String::as_str).unwrap_or("");
        out.push(
            letter(award, &finance, credit_code, &topic, agency, lang)
                .map_err(|e| crate::Error::invalid(e.field, e.rule, e.message.zh, e.message.en))?,
        );
    }
    out.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(out)
}

pub mod bench;
pub mod cff;
pub mod font;
pub mod pdf;

/// A letter written and entered in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issued {
    pub number: String,
    /// 1 for the first letter of the award, one more for each reissue.
    pub version: u32,
    /// SHA-256 of the exact bytes of the file, as the register keeps it.
    pub sha256: String,
    pub lang: Lang,
    pub pages: usize,
    pub bytes: usize,
    pub path: String,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuses, before anything is written, letters the font cannot print: the characters,
/// the font and (in a batch) the awards are named.
pub fn check_font(letters: &[Laid], fonts: &font::Fonts) -> Result<(), crate::Error> {
    let faces: &[Option<layout::Face>] = if fonts.title.is_some() {
        &[Some(layout::Face::Body), Some(layout::Face::Title)]
    } else {
        &[None]
    };
    for face in faces {
        let font = fonts.face(face.unwrap_or(layout::Face::Body));
        lacks(letters, font, *face)?;
    }
    Ok(())
}

fn lacks(
    letters: &[Laid],
    font: &font::LetterFont,
    face: Option<layout::Face>,
) -> Result<(), crate::Error> {
    let mut missing: Vec<char> = Vec::new();
    let mut awards: Vec<&str> = Vec::new();
    for l in letters {
        let m = font.missing(&printed(std::slice::from_ref(l), face));
        if !m.is_empty() {
            awards.push(&l.number);
            missing.extend(m);
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    missing.sort_unstable();
    missing.dedup();
    let list = missing
        .iter()
        .map(|c| format!("“{c}”"))
        .collect::<Vec<_>>()
        .join("、");
    let shown = awards
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let more = awards.len().saturating_sub(5);
    let (of_zh, of_en) = if letters.len() > 1 {
        (
            format!(
                "（资助 {shown}{}）",
                if more > 0 {
                    format!(" 等 {} 项", awards.len())
                } else {
                    String::new()
                }
            ),
            format!(
                " (award {shown}{})",
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        )
    } else {
        (String::new(), String::new())
    };
    Err(crate::Error::invalid(
        "font",
        "font_lacks_characters",
        format!(
            "字体 {}（{}）缺少通知书中的字符 {list}{of_zh}，未生成通知书：请在设置中选择包含这些字符的字体",
            font.family,
            font.path.display()
        ),
        format!(
            "the font {} ({}) has no glyph for {list} in the letter{of_en}; nothing was written: choose a font that has them in the settings",
            font.family,
            font.path.display()
        ),
    ))
}

/// A letter laid out on its pages: what is printed, numbering and page numbers included.
pub struct Laid {
    pub number: String,
    pub lang: Lang,
    pub title: String,
    pub pages: Vec<layout::Page>,
}

/// Lays letters out with the fonts' measures.
pub fn lay_out(letters: &[Letter], fonts: &font::Fonts) -> Vec<Laid> {
    let title = fonts.face(layout::Face::Title);
    letters
        .iter()
        .map(|l| Laid {
            number: l.number.clone(),
            lang: l.lang,
            title: l.title.clone(),
            pages: layout::layout_faces(l, &|t, s| fonts.body.measure(t, s), &|t, s| {
                title.measure(t, s)
            }),
        })
        .collect()
}

/// Every character the pages print in a face (or in any), spaces included, once each: what
/// the font must have, and what the batch's subset of it holds.
pub fn printed(letters: &[Laid], face: Option<layout::Face>) -> Vec<char> {
    let mut all: Vec<char> = letters
        .iter()
        .flat_map(|l| &l.pages)
        .flat_map(|p| &p.runs)
        .filter(|r| face.is_none_or(|f| r.face == f))
        .flat_map(|r| r.text.chars())
        .filter(|c| !c.is_control())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// A letter as PDF, not yet written or registered.
pub struct Made {
    pub number: String,
    pub lang: Lang,
    pub pages: usize,
    pub bytes: Vec<u8>,
}

/// Renders laid-out letters with a press made for them, on `threads` threads.
pub fn make(
    letters: &[Laid],
    press: &pdf::Press,
    at: i64,
    threads: usize,
) -> Result<Vec<Made>, crate::Error> {
    let one = |l: &Laid| -> Result<Made, crate::Error> {
        let bytes = press
            .render(&l.title, &l.pages, at)
            .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
        Ok(Made {
            number: l.number.clone(),
            lang: l.lang,
            pages: l.pages.len(),
            bytes,
        })
    };
    let threads = threads.clamp(1, letters.len().max(1));
    if threads == 1 {
        return letters.iter().map(one).collect();
    }
    let chunk = letters.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = letters
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Result<Vec<_>, _>>()))
            .collect();
        let mut out = Vec::with_capacity(letters.len());
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part?),
                Err(_) => {
                    return Err(crate::Error::invalid(
                        "letter",
                        "pdf_failed",
                        "生成 PDF 时出错",
                        "the PDF could not be made",
                    ));
                }
            }
        }
        Ok(out)
    })
}

/// Enters a made letter in the register (the audit log) with its version and the SHA-256 of
/// its bytes, and writes the file, in the transaction given: the caller commits, or removes
/// the file if the commit fails.
async fn register(
    tx: &mut crate::store::Tx,
    stamp: &crate::store::Stamp,
    made: &Made,
    out: &std::path::Path,
    replace: bool,
    db: &std::path::Path,
) -> Result<Issued, crate::Error> {
    let (earlier,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'letter' AND entity_id = $1 AND action = 'issue'",
    )
    .bind(&made.number)
    .fetch_one(&mut **tx)
    .await?;
    let issued = Issued {
        number: made.number.clone(),
        version: u32::try_from(earlier + 1).unwrap_or(u32::MAX),
        sha256: sha256(&made.bytes),
        lang: made.lang,
        pages: made.pages,
        bytes: made.bytes.len(),
        path: out.display().to_string(),
    };
    crate::audit::record(
        tx,
        stamp,
        crate::audit::Change::new("letter", &made.number, "issue").after(&issued)?,
    )
    .await?;
    crate::export::write(out, &made.bytes, replace, db)?;
    Ok(issued)
}

/// Writes an award's letter to `out` and enters it in the register (the audit log) with its
/// version and the SHA-256 of its bytes, in one transaction: a letter that could not be
/// written is not registered, and a file is left only if it is. Refused before anything is
/// written if the font lacks a character of the letter (the characters and the font named).
#[allow(clippy::too_many_arguments)]
pub async fn write(
    pool: &crate::store::Pool,
    stamp: &crate::store::Stamp,
    number: &str,
    agency: &Agency,
    lang: Option<Lang>,
    fonts: &font::Fonts,
    out: &std::path::Path,
    replace: bool,
    db: &std::path::Path,
) -> Result<Issued, crate::Error> {
    let content = of_award(pool, number, agency, lang).await?;
    let letters = lay_out(&[content], fonts);
    check_font(&letters, fonts)?;
    let press = pdf::Press::new(fonts, &letters)
        .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
    let made = make(&letters, &press, stamp.at.timestamp(), 1)?;
    let mut tx = crate::store::begin_write(pool).await?;
    let issued = register(&mut tx, stamp, &made[0], out, replace, db).await?;
    if let Err(e) = tx.commit().await {
        let _ = std::fs::remove_file(out);
        return Err(e.into());
    }
    Ok(issued)
}

/// A file name made from an award number that any file system takes: the characters
/// Windows refuses (`\ / : * ? " < > |`) and control characters become `_`, trailing dots
/// and spaces go, and a device name (`CON`, `NUL`, `COM1`…) gets a `_` in front.
pub fn file_name(number: &str, lang: Lang) -> String {
    let mut name: String = number
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "\\/:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    while name.ends_with(['.', ' ']) {
        name.pop();
    }
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str())
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem[3..].chars().all(|c| c.is_ascii_digit()));
    if name.is_empty() || device {
        name.insert(0, '_');
    }
    match lang {
        Lang::Zh => format!("{name}.pdf"),
        Lang::En => format!("{name}-en.pdf"),
    }
}

/// The merged file of a call's letters: `BJ-AIXR-2026-合并.pdf`, `BJ-AIXR-2026-all-en.pdf`.
pub fn merged_file_name(call: &str, lang: Lang) -> String {
    let safe = file_name(call, Lang::Zh);
    let stem = safe.trim_end_matches(".pdf");
    match lang {
        Lang::Zh => format!("{stem}-合并.pdf"),
        Lang::En => format!("{stem}-all-en.pdf"),
    }
}

/// How far a batch has come: letters written of the total. The callback returns `false`
/// to stop (the letters written so far stay written and registered).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) -> bool + Sync);

/// What a batch wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub call: String,
    pub dir: String,
    pub issued: Vec<Issued>,
    /// The merged file, if one was asked for and the batch ran to the end.
    pub merged: Option<Issued>,
    /// Stopped before the end (by the officer).
    pub cancelled: bool,
    pub total: usize,
}

/// How many letters are rendered and registered in one transaction.
const CHUNK: usize = 50;

/// Writes the letters of every issued award of a call into `dir` (named by
/// [`file_name`]), each entered in the register; with `merged`, one more PDF holding them
/// all, registered as a bundle. Checked first (the font covers every letter, each adds
/// up); then written in chunks of [`CHUNK`], each chunk in one transaction, the progress
/// told after each chunk. Existing files are refused unless `replace`.
#[allow(clippy::too_many_arguments)]
pub async fn write_call(
    pool: &crate::store::Pool,
    stamp: &crate::store::Stamp,
    call: &str,
    agency: &Agency,
    lang: Option<Lang>,
    fonts: &font::Fonts,
    dir: &std::path::Path,
    merged: Option<&std::path::Path>,
    replace: bool,
    db: &std::path::Path,
    threads: usize,
    progress: Progress<'_>,
) -> Result<Batch, crate::Error> {
    let letters = of_call(pool, call, None, agency, lang).await?;
    let lang = letters.first().map_or(Lang::Zh, |l| l.lang);
    if letters.is_empty() {
        return Err(crate::Error::invalid(
            "call",
            "no_awards_issued",
            format!("项目指南 {call} 还没有已下达的资助，没有通知书可出具"),
            format!("call {call} has no issued awards: there is no letter to write"),
        ));
    }
    let letters = lay_out(&letters, fonts);
    check_font(&letters, fonts)?;
    std::fs::create_dir_all(dir).map_err(|e| crate::error::FileError::Unwritable {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    if !replace {
        // Refused before any is written: a batch never stops half way on a name taken.
        for l in &letters {
            let p = dir.join(file_name(&l.number, lang));
            if p.exists() {
                return Err(crate::error::FileError::Exists {
                    path: p.display().to_string(),
                }
                .into());
            }
        }
    }
    let press = pdf::Press::new(fonts, &letters)
        .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
    let at = stamp.at.timestamp();
    let total = letters.len();
    let mut batch = Batch {
        call: call.to_string(),
        dir: dir.display().to_string(),
        issued: Vec::with_capacity(total),
        merged: None,
        cancelled: false,
        total,
    };
    for part in letters.chunks(CHUNK) {
        if !progress(batch.issued.len(), total) {
            batch.cancelled = true;
            return Ok(batch);
        }
        let made = make(part, &press, at, threads)?;
        let mut tx = crate::store::begin_write(pool).await?;
        let mut written = Vec::with_capacity(made.len());
        for m in &made {
            let path = dir.join(file_name(&m.number, lang));
            match register(&mut tx, stamp, m, &path, replace, db).await {
                Ok(i) => written.push(i),
                Err(e) => {
                    for w in &written {
                        let _ = std::fs::remove_file(&w.path);
                    }
                    return Err(e);
                }
            }
        }
        if let Err(e) = tx.commit().await {
            for w in &written {
                let _ = std::fs::remove_file(&w.path);
            }
            return Err(e.into());
        }
        batch.issued.extend(written);
    }
    progress(total, total);
    if let Some(file) = merged {
        let pages: Vec<layout::Page> = letters
            .iter()
            .flat_map(|l| l.pages.iter().cloned())
            .collect();
        let title = match lang {
            Lang::Zh => format!("{call} 立项通知书"),
            Lang::En => format!("{call} award letters"),
        };
        let bytes = press
            .render(&title, &pages, at)
            .map_err(|m| crate::Error::invalid("letter", "pdf_failed", m.zh, m.en))?;
        let made = Made {
            number: call.to_string(),
            lang,
            pages: pages.len(),
            bytes,
        };
        let issued = Issued {
            number: call.to_string(),
            version: 0,
            sha256: sha256(&made.bytes),
            lang,
            pages: made.pages,
            bytes: made.bytes.len(),
            path: file.display().to_string(),
        };
        #[derive(Serialize)]
        struct Bundle<'a> {
            #[serde(flatten)]
            file: &'a Issued,
            letters: Vec<(&'a str, u32)>,
        }
        let mut tx = crate::store::begin_write(pool).await?;
        crate::audit::record(
            &mut tx,
            stamp,
            crate::audit::Change::new("letters", call, "merge").after(&Bundle {
                file: &issued,
                letters: batch
                    .issued
                    .iter()
                    .map(|i| (i.number.as_str(), i.version))
                    .collect(),
            })?,
        )
        .await?;
        crate::export::write(file, &made.bytes, replace, db)?;
        if let Err(e) = tx.commit().await {
            let _ = std::fs::remove_file(file);
            return Err(e.into());
        }
        batch.merged = Some(issued);
    }
    Ok(batch)
}

/// What the register says of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The letter it is, if GrantDesk issued these exact bytes.
    pub issued: Option<Issued>,
    /// A later version of the same award's letter exists.
    pub superseded: bool,
    /// The merged file of a call's letters it is (the call, and each letter's number and
    /// version), if GrantDesk wrote these exact bytes as one.
    pub merged: Option<Merged>,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Merged {
    pub call: String,
    pub letters: Vec<(String, u32)>,
    pub path: String,
}

/// Whether a file is a letter GrantDesk issued: its SHA-256 looked up in the register.
pub async fn verify(pool: &crate::store::Pool, bytes: &[u8]) -> Result<Verdict, crate::Error> {
    let digest = sha256(bytes);
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT entity, entity_id, after_json FROM audit_log
         WHERE (entity = 'letter' AND action = 'issue') OR (entity = 'letters' AND action = 'merge')
         ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    #[derive(serde::Deserialize)]
    struct Entry {
        version: u32,
        sha256: String,
        lang: Lang,
        pages: usize,
        bytes: usize,
        path: String,
        #[serde(default)]
        letters: Vec<(String, u32)>,
    }
    let mut found: Option<Issued> = None;
    let mut merged: Option<Merged> = None;
    let mut latest: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (entity, number, json) in rows {
        let Some(e) = json.and_then(|j| serde_json::from_str::<Entry>(&j).ok()) else {
            continue;
        };
        if entity == "letters" {
            if e.sha256 == digest {
                merged = Some(Merged {
                    call: number,
                    letters: e.letters,
                    path: e.path,
                });
            }
            continue;
        }
        latest.insert(number.clone(), e.version);
        if e.sha256 == digest {
            found = Some(Issued {
                number,
                version: e.version,
                sha256: e.sha256,
                lang: e.lang,
                pages: e.pages,
                bytes: e.bytes,
                path: e.path,
            });
        }
    }
    let superseded = found
        .as_ref()
        .is_some_and(|f| latest.get(&f.number).is_some_and(|v| *v > f.version));
    Ok(Verdict {
        issued: found,
        superseded,
        merged,
        sha256: digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_on_any_file_system() {
        assert_eq!(
            file_name("京科资〔2026〕第001号", Lang::Zh),
            "京科资〔2026〕第001号.pdf"
        );
        assert_eq!(
            file_name("京科资〔2026〕第001号", Lang::En),
            "京科资〔2026〕第001号-en.pdf"
        );
        assert_eq!(
            file_name("A/B\\C:D*E?F\"G<H>I|J", Lang::Zh),
            "A_B_C_D_E_F_G_H_I_J.pdf"
        );
        assert_eq!(file_name("x\u{7}y. . ", Lang::Zh), "x_y.pdf");
        assert_eq!(file_name("CON", Lang::Zh), "_CON.pdf");
        assert_eq!(file_name("com1", Lang::Zh), "_com1.pdf");
        assert_eq!(file_name("COMET", Lang::Zh), "COMET.pdf");
        // Never a path out of the folder.
        assert_eq!(file_name("../..", Lang::Zh), ".._.pdf");
        assert_eq!(file_name("..", Lang::Zh), "_.pdf");
    }
}
