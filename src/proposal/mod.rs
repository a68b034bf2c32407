//! Applicants (申请单位) and proposals (申请书): what they are, the rules a saved proposal
//! follows, the eligibility check (形式审查) and the lifecycle
//! draft → submitted → eligible/ineligible (→ later stages with review), or withdrawn.

pub mod bench;
mod eligibility;
mod store;
pub mod table;

pub use eligibility::{Candidate, REASON_CODES, Reason, assess, reason_label};
pub use store::{
    CheckReport, Filter, ProposalSummary, check_eligibility, create, edit_form, get, list, submit,
    update, withdraw,
};
pub(crate) use store::{
    audit_id, create_on as store_create_on, get_on as store_get_on, load_all_on,
    replace_content_on, transition_on as store_transition_on, upsert_applicant,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::call::{CallSpec, FundingMode};
use crate::credit_code::CreditCode;
use crate::error::{Checks, Coded, Invalid, Msg, describe_all};
use crate::form::Text;
use crate::lang::Lang;
use crate::money::Money;

/// The refusals of proposals, each with its Chinese and English text side by side in
/// [`ProposalError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalError {
    Invalid(Vec<Invalid>),
    NotFound {
        call: String,
        reference: String,
    },
    DuplicateReference {
        call: String,
        reference: String,
    },
    IllegalTransition {
        reference: String,
        from: ProposalStatus,
        to: ProposalStatus,
    },
    NotEditable {
        reference: String,
        status: ProposalStatus,
    },
    CallNotAccepting {
        call: String,
        status: String,
    },
}

impl ProposalError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> Msg {
        use ProposalError::*;
        match self {
            Invalid(list) => Msg::new(
                format!("申请书填写有误：\n{}", describe_all(list, Lang::Zh)),
                format!(
                    "the proposal is not valid:\n{}",
                    describe_all(list, Lang::En)
                ),
            ),
            NotFound { call, reference } => Msg::new(
                format!("资助计划 {call} 中没有编号为 {reference} 的申请书"),
                format!("no proposal {reference} in call {call}"),
            ),
            DuplicateReference { call, reference } => Msg::new(
                format!("资助计划 {call} 中已有编号为 {reference} 的申请书"),
                format!("call {call} already has a proposal with reference {reference}"),
            ),
            IllegalTransition {
                reference,
                from,
                to,
            } => Msg::new(
                format!(
                    "申请书 {reference} 不能从“{}”变为“{}”",
                    from.label(Lang::Zh),
                    to.label(Lang::Zh)
                ),
                format!(
                    "proposal {reference} cannot go from {} to {}",
                    from.label(Lang::En),
                    to.label(Lang::En)
                ),
            ),
            NotEditable { reference, status } => Msg::new(
                format!(
                    "申请书 {reference} 已{}，不能再修改",
                    status.label(Lang::Zh)
                ),
                format!(
                    "proposal {reference} is {} and can no longer be edited",
                    status.label(Lang::En)
                ),
            ),
            CallNotAccepting { call, status } => {
                let label = |lang| {
                    crate::call::CallStatus::parse(status)
                        .map_or(status.as_str(), |s| s.label(lang))
                };
                Msg::new(
                    format!("资助计划 {call} 当前为“{}”，不受理申请书", label(Lang::Zh)),
                    format!(
                        "call {call} is {} and does not take proposals",
                        label(Lang::En)
                    ),
                )
            }
        }
    }
}

crate::error::bilingual_error!(ProposalError);

impl Coded for ProposalError {
    fn code(&self) -> &'static str {
        match self {
            ProposalError::Invalid(_) => "proposal_invalid",
            ProposalError::NotFound { .. } => "proposal_not_found",
            ProposalError::DuplicateReference { .. } => "proposal_duplicate_reference",
            ProposalError::IllegalTransition { .. } => "proposal_illegal_transition",
            ProposalError::NotEditable { .. } => "proposal_not_editable",
            ProposalError::CallNotAccepting { .. } => "call_not_accepting",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Draft,
    Submitted,
    Eligible,
    Ineligible,
    Withdrawn,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 5] = [
        ProposalStatus::Draft,
        ProposalStatus::Submitted,
        ProposalStatus::Eligible,
        ProposalStatus::Ineligible,
        ProposalStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Draft => "draft",
            ProposalStatus::Submitted => "submitted",
            ProposalStatus::Eligible => "eligible",
            ProposalStatus::Ineligible => "ineligible",
            ProposalStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ProposalStatus> {
        ProposalStatus::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ProposalStatus::Draft => lang.pick("草稿", "draft"),
            ProposalStatus::Submitted => lang.pick("已提交", "submitted"),
            ProposalStatus::Eligible => lang.pick("形式审查合格", "eligible"),
            ProposalStatus::Ineligible => lang.pick("形式审查不合格", "ineligible"),
            ProposalStatus::Withdrawn => lang.pick("已撤回", "withdrawn"),
        }
    }

    /// draft → submitted → eligible | ineligible (re-checkable, or reopened to submitted);
    /// draft or submitted → withdrawn.
    pub fn can_become(self, to: ProposalStatus) -> bool {
        use ProposalStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Draft, Withdrawn)
                | (Submitted, Withdrawn)
                | (Submitted | Eligible | Ineligible, Eligible | Ineligible)
                | (Eligible | Ineligible, Submitted)
        )
    }

    pub fn is_editable(self) -> bool {
        matches!(self, ProposalStatus::Draft | ProposalStatus::Submitted)
    }
}

/// The `k`-th reference of a call (`BJ-AIXR-2026-0007`): what a new proposal without a
/// reference gets, whether typed into a form or imported.
pub(crate) fn numbered_reference(call_code: &str, k: impl std::fmt::Display) -> String {
    format!("{call_code}-{k:0>4}")
}

/// What an officer may do with a proposal now, so that no front end copies the rules: its
/// call takes proposals (open or closed) and the lifecycle allows the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Actions {
    pub edit: bool,
    pub submit: bool,
    pub withdraw: bool,
    /// Under expert review: an eligible proposal of a call under review (its panel, scores).
    pub review: bool,
}

impl Actions {
    pub fn of(call: crate::call::CallStatus, status: ProposalStatus) -> Actions {
        use crate::call::CallStatus;
        let taking = matches!(call, CallStatus::Open | CallStatus::Closed);
        Actions {
            edit: taking && status.is_editable(),
            submit: taking
                && status.can_become(ProposalStatus::Submitted)
                && status == ProposalStatus::Draft,
            withdraw: taking && status.can_become(ProposalStatus::Withdrawn),
            review: call == CallStatus::Closed && status == ProposalStatus::Eligible,
        }
    }
}

/// A proposal as its page shows it: the budget as a table, the request in capitals, and what
/// may be done next.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub budget_table: BudgetTable,
    pub requested_capital: String,
    pub actions: Actions,
}

/// The page of one proposal.
pub async fn page(
    pool: &crate::store::Pool,
    call_code: &str,
    reference: &str,
) -> Result<Page, crate::Error> {
    let call = crate::call::get(pool, call_code).await?;
    let proposal = get(pool, call_code, reference).await?;
    Ok(Page {
        budget_table: proposal.content.budget_table(call.years),
        requested_capital: proposal.content.requested.capital(),
        actions: Actions::of(call.status, proposal.status),
        proposal,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 设备费
    Equipment,
    /// 业务费
    Operations,
    /// 劳务费
    Personnel,
    /// 间接费用
    Indirect,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Equipment,
        Category::Operations,
        Category::Personnel,
        Category::Indirect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Equipment => "equipment",
            Category::Operations => "operations",
            Category::Personnel => "personnel",
            Category::Indirect => "indirect",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        match s.trim() {
            "equipment" | "设备费" => Some(Category::Equipment),
            "operations" | "业务费" => Some(Category::Operations),
            "personnel" | "劳务费" => Some(Category::Personnel),
            "indirect" | "间接费用" => Some(Category::Indirect),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::Equipment => lang.pick("设备费", "equipment"),
            Category::Operations => lang.pick("业务费", "operations"),
            Category::Personnel => lang.pick("劳务费", "personnel"),
            Category::Indirect => lang.pick("间接费用", "indirect costs"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLine {
    pub category: Category,
    /// Project year, from 1.
    pub year: u32,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicant {
    pub credit_code: CreditCode,
    pub name: String,
    pub bank_name: String,
    pub bank_account: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// A proposal's content as validated against its call (what a save writes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalContent {
    /// Empty: the next free reference of the call is given on creation.
    pub reference: String,
    pub title: String,
    pub title_en: String,
    pub summary: String,
    pub applicant: Applicant,
    pub pi_name: String,
    pub pi_title: String,
    pub pi_email: String,
    pub pi_phone: String,
    pub topic: String,
    pub requested: Money,
    pub budget: Vec<BudgetLine>,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub id: i64,
    pub call: String,
    pub status: ProposalStatus,
    #[serde(flatten)]
    pub content: ProposalContent,
    pub submitted_on: Option<NaiveDate>,
    /// `None` until the eligibility check has run; then the reasons (empty: eligible).
    pub eligibility: Option<Vec<Reason>>,
    pub created_at: String,
    pub updated_at: String,
}

/// The budget laid out as officers read it: a row per category, a column per project year,
/// with totals. Cells without a line are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetTable {
    pub years: Vec<u32>,
    pub rows: Vec<BudgetRow>,
    pub year_totals: Vec<Money>,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetRow {
    pub category: Category,
    pub amounts: Vec<Option<Money>>,
    pub total: Money,
}

impl ProposalContent {
    /// The lines as a table over `years` project years (at least the years that have lines).
    pub fn budget_table(&self, years: u32) -> BudgetTable {
        let last = self
            .budget
            .iter()
            .map(|l| l.year)
            .max()
            .unwrap_or(0)
            .max(years);
        let years: Vec<u32> = (1..=last).collect();
        let rows = Category::ALL
            .into_iter()
            .map(|category| BudgetRow {
                category,
                amounts: years
                    .iter()
                    .map(|y| {
                        self.budget
                            .iter()
                            .find(|l| l.category == category && l.year == *y)
                            .map(|l| l.amount)
                    })
                    .collect(),
                total: self.total(category),
            })
            .collect();
        BudgetTable {
            year_totals: years.iter().map(|y| self.year_total(*y)).collect(),
            total: self.lines_total().unwrap_or(Money::ZERO),
            years,
            rows,
        }
    }

    pub fn total(&self, category: Category) -> Money {
        Money::checked_sum(
            self.budget
                .iter()
                .filter(|l| l.category == category)
                .map(|l| l.amount),
        )
        .unwrap_or(Money::ZERO)
    }

    pub fn year_total(&self, year: u32) -> Money {
        Money::checked_sum(
            self.budget
                .iter()
                .filter(|l| l.year == year)
                .map(|l| l.amount),
        )
        .unwrap_or(Money::ZERO)
    }

    /// Σ of all budget lines; `None` on overflow (never within the money range of a call).
    pub fn lines_total(&self) -> Option<Money> {
        Money::checked_sum(self.budget.iter().map(|l| l.amount))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicantForm {
    pub credit_code: Text,
    pub name: Text,
    pub bank_name: Text,
    pub bank_account: Text,
    pub contact_name: Text,
    pub contact_phone: Text,
    pub contact_email: Text,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetLineForm {
    pub category: Text,
    pub year: Text,
    pub amount: Text,
}

/// A proposal as typed into a form or a TOML file. `requested` may be left empty in an
/// itemised call: it is then the sum of the budget lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProposalForm {
    pub call: Text,
    pub reference: Text,
    pub title: Text,
    pub title_en: Text,
    pub summary: Text,
    pub applicant: ApplicantForm,
    pub pi_name: Text,
    pub pi_title: Text,
    pub pi_email: Text,
    pub pi_phone: Text,
    pub topic: Text,
    pub requested: Text,
    pub budget: Vec<BudgetLineForm>,
    /// The version it was loaded at ([`crate::audit::version`]): saving is refused when
    /// someone changed it since. Absent in files and scripts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_version: Option<i64>,
}

fn email(c: &mut Checks, field: &str, value: &str) {
    let ok = value.is_empty()
        || value
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !value.contains(' '));
    if !ok {
        c.push(Invalid::new(
            field,
            "email_format",
            format!("“{value}”不是有效的电子邮箱"),
            format!("\"{value}\" is not an e-mail address"),
        ));
    }
}

impl ProposalForm {
    /// Checks the form against its call. Completeness (missing investigator, contact…) is left
    /// to the eligibility check, so that a draft can be saved unfinished.
    pub fn validate(&self, call: &CallSpec) -> Result<ProposalContent, ProposalError> {
        let mut c = Checks::default();
        let reference = self.reference.as_str().to_string();
        if reference.chars().count() > 40 || reference.chars().any(char::is_whitespace) {
            c.push(Invalid::new(
                "reference",
                "reference_format",
                "申请书编号不能含空格且不超过 40 个字符",
                "a reference has no spaces and at most 40 characters",
            ));
        }
        c.require_text("title", self.title.as_str());
        c.require_text("applicant.name", self.applicant.name.as_str());
        let credit_code = c.take(
            "applicant.credit_code",
            CreditCode::parse(self.applicant.credit_code.as_str()),
        );
        email(
            &mut c,
            "applicant.contact_email",
            self.applicant.contact_email.as_str(),
        );
        email(&mut c, "pi_email", self.pi_email.as_str());

        let topic = self.topic.as_str().to_ascii_uppercase();
        if topic.is_empty() {
            c.push(crate::error::required("topic"));
        } else if call.topic(&topic).is_none() {
            let known: Vec<&str> = call.topics.iter().map(|t| t.code.as_str()).collect();
            c.push(Invalid::new(
                "topic",
                "topic_unknown",
                format!("“{topic}”不是本资助计划的研究方向（{}）", known.join("、")),
                format!(
                    "\"{topic}\" is not a topic of this call ({})",
                    known.join(", ")
                ),
            ));
        }

        let budget = self.budget_lines(&mut c, call);
        let requested = if self.requested.as_str().is_empty()
            && call.funding_mode == FundingMode::Itemised
            && !self.budget.is_empty()
        {
            budget
                .iter()
                .try_fold(Money::ZERO, |a, l| a.checked_add(l.amount))
        } else {
            c.take("requested", Money::parse(self.requested.as_str()))
        };

        match (credit_code, requested) {
            (Some(credit_code), Some(requested)) if c.is_empty() => Ok(ProposalContent {
                reference,
                title: self.title.as_str().to_string(),
                title_en: self.title_en.as_str().to_string(),
                summary: self.summary.as_str().to_string(),
                applicant: Applicant {
                    credit_code,
                    name: self.applicant.name.as_str().to_string(),
                    bank_name: self.applicant.bank_name.as_str().to_string(),
                    bank_account: self.applicant.bank_account.as_str().to_string(),
                    contact_name: self.applicant.contact_name.as_str().to_string(),
                    contact_phone: self.applicant.contact_phone.as_str().to_string(),
                    contact_email: self.applicant.contact_email.as_str().to_string(),
                },
                pi_name: self.pi_name.as_str().to_string(),
                pi_title: self.pi_title.as_str().to_string(),
                pi_email: self.pi_email.as_str().to_string(),
                pi_phone: self.pi_phone.as_str().to_string(),
                topic,
                requested,
                budget,
            }),
            _ => Err(ProposalError::Invalid(c.0)),
        }
    }

    fn budget_lines(&self, c: &mut Checks, call: &CallSpec) -> Vec<BudgetLine> {
        if call.funding_mode == FundingMode::LumpSum && !self.budget.is_empty() {
            c.push(Invalid::new(
                "budget",
                "lump_sum_has_lines",
                "包干制资助计划只填写申请总额，不填写预算明细",
                "a lump-sum call takes only a total, no itemised budget lines",
            ));
            return Vec::new();
        }
        let years = call.years();
        let mut out: Vec<BudgetLine> = Vec::new();
        for (i, l) in self.budget.iter().enumerate() {
            let field = format!("budget[{}]", i + 1);
            let category = Category::parse(l.category.as_str());
            if category.is_none() {
                c.push(Invalid::new(
                    format!("{field}.category"),
                    "category_unknown",
                    format!(
                        "“{}”不是预算科目；应为 设备费、业务费、劳务费 或 间接费用",
                        l.category.as_str()
                    ),
                    format!(
                        "\"{}\" is not a budget category; use equipment, operations, personnel or indirect",
                        l.category.as_str()
                    ),
                ));
            }
            let year = match l.year.as_str().parse::<u32>() {
                Ok(y) if (1..=years).contains(&y) => Some(y),
                _ => {
                    c.push(Invalid::new(
                        format!("{field}.year"),
                        "year_out_of_range",
                        format!(
                            "“{}”不是项目年度；本计划为第 1 至第 {years} 年",
                            l.year.as_str()
                        ),
                        format!(
                            "\"{}\" is not a project year; this call runs years 1 to {years}",
                            l.year.as_str()
                        ),
                    ));
                    None
                }
            };
            let amount = c.take(&format!("{field}.amount"), Money::parse(l.amount.as_str()));
            if let (Some(category), Some(year), Some(amount)) = (category, year, amount) {
                if out.iter().any(|o| o.category == category && o.year == year) {
                    c.push(Invalid::new(
                        format!("{field}.category"),
                        "duplicate",
                        format!("第 {year} 年的{}重复", category.label(Lang::Zh)),
                        format!("{} for year {year} appears twice", category.label(Lang::En)),
                    ));
                }
                out.push(BudgetLine {
                    category,
                    year,
                    amount,
                });
            }
        }
        out.sort_by_key(|l| (l.year, l.category));
        out
    }
}

impl From<&ProposalContent> for ProposalForm {
    fn from(p: &ProposalContent) -> ProposalForm {
        let t = |s: &str| Text::from(s);
        ProposalForm {
            seen_version: None,
            call: Text::default(),
            reference: t(&p.reference),
            title: t(&p.title),
            title_en: t(&p.title_en),
            summary: t(&p.summary),
            applicant: ApplicantForm {
                credit_code: t(p.applicant.credit_code.as_str()),
                name: t(&p.applicant.name),
                bank_name: t(&p.applicant.bank_name),
                bank_account: t(&p.applicant.bank_account),
                contact_name: t(&p.applicant.contact_name),
                contact_phone: t(&p.applicant.contact_phone),
                contact_email: t(&p.applicant.contact_email),
            },
            pi_name: t(&p.pi_name),
            pi_title: t(&p.pi_title),
            pi_email: t(&p.pi_email),
            pi_phone: t(&p.pi_phone),
            topic: t(&p.topic),
            requested: Text(p.requested.to_string()),
            budget: p
                .budget
                .iter()
                .map(|l| BudgetLineForm {
                    category: t(l.category.as_str()),
                    year: Text(l.year.to_string()),
                    amount: Text(l.amount.to_string()),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
