//! What a letter says: its content built from the award, its schedule and approved budget
//! and the issuing agency, in Chinese or English, every amount adding up to the award.

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
    let found: Option<(String,)> = crate::db::query_as(
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
    // A real call's letters never go out in the name of the sample's fictional agency, which
    // stands in until the agency is set (the window asks at its first run).
    if call.spec.code.as_str() != crate::demo::CALL_CODE && *agency == Agency::sample() {
        return Err(crate::Error::Invalid(vec![crate::error::Invalid::new(
            "agency",
            "agency_not_set",
            "尚未设置出具通知书的机构：请先在“设置”中填写本机构的名称和发文机关标志",
            "the agency that issues the letters is not set: enter its names and letterhead in Settings first",
        )]));
    }
    let lang = lang.unwrap_or(call.spec.letter_lang);
    let codes: std::collections::HashMap<String, String> = crate::db::query_as(
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
