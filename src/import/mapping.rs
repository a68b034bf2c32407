//! Which column holds which field: Chinese or English headers recognised by their usual
//! names, budget columns by category and year (`设备费第1年`, `equipment_y1`), and mappings an
//! officer gave saved per source (recognised by the header row's signature).

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::proposal::Category;

/// The fields of a proposal row.
pub const FIELDS: [&str; 18] = [
    "reference",
    "title",
    "title_en",
    "summary",
    "topic",
    "requested",
    "credit_code",
    "applicant",
    "bank_name",
    "bank_account",
    "contact_name",
    "contact_phone",
    "contact_email",
    "pi_name",
    "pi_title",
    "pi_email",
    "pi_phone",
    "submitted_on",
];

/// The usual Chinese header of a field (the first of its recognised names).
pub fn usual_header(field: &str) -> &'static str {
    ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .and_then(|(_, names)| names.iter().find(|n| !n.is_ascii()))
        .copied()
        .unwrap_or("")
}

const ALIASES: &[(&str, &[&str])] = &[
    (
        "reference",
        &["申请编号", "申请书编号", "编号", "reference", "ref"],
    ),
    (
        "title",
        &["项目名称", "名称", "申请项目名称", "title", "titlezh"],
    ),
    (
        "title_en",
        &["英文名称", "项目英文名称", "titleen", "englishtitle"],
    ),
    (
        "summary",
        &["摘要", "项目摘要", "研究内容摘要", "summary", "abstract"],
    ),
    ("topic", &["研究方向", "领域", "研究领域", "方向", "topic"]),
    (
        "requested",
        &[
            "申请金额",
            "申请金额元",
            "申请经费",
            "申请经费元",
            "requested",
            "amountrequested",
            "request",
        ],
    ),
    (
        "credit_code",
        &[
            "统一社会信用代码",
            "信用代码",
            "creditcode",
            "uscc",
            "applicantcreditcode",
        ],
    ),
    (
        "applicant",
        &[
            "申请单位",
            "单位名称",
            "承担单位",
            "applicant",
            "applicantname",
            "organisation",
            "organization",
        ],
    ),
    ("bank_name", &["开户银行", "开户行", "bank", "bankname"]),
    (
        "bank_account",
        &["银行账号", "账号", "银行帐号", "bankaccount", "account"],
    ),
    (
        "contact_name",
        &["联系人", "单位联系人", "contact", "contactname"],
    ),
    ("contact_phone", &["联系电话", "联系人电话", "contactphone"]),
    (
        "contact_email",
        &["联系邮箱", "联系人邮箱", "单位邮箱", "contactemail"],
    ),
    (
        "pi_name",
        &[
            "项目负责人",
            "负责人",
            "pi",
            "piname",
            "principalinvestigator",
        ],
    ),
    ("pi_title", &["职称", "负责人职称", "pititle"]),
    ("pi_email", &["负责人邮箱", "负责人电子邮箱", "piemail"]),
    ("pi_phone", &["负责人电话", "负责人手机", "piphone"]),
    (
        "submitted_on",
        &[
            "提交日期",
            "受理日期",
            "收到日期",
            "申报日期",
            "submittedon",
            "submitted",
            "received",
            "receivedon",
        ],
    ),
];

/// Lower case, without spaces, brackets, colons, underscores, hyphens and asterisks.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '（' | '）'
                        | '('
                        | ')'
                        | '_'
                        | '-'
                        | ':'
                        | '：'
                        | '*'
                        | '［'
                        | '］'
                        | '['
                        | ']'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// `设备费第1年`, `设备费1`, `equipment_y1`, `Equipment year 2` → (category, year).
fn budget_column(norm: &str) -> Option<(Category, u32)> {
    let words: [(&str, Category); 9] = [
        ("设备费", Category::Equipment),
        ("equipment", Category::Equipment),
        ("业务费", Category::Operations),
        ("operations", Category::Operations),
        ("劳务费", Category::Personnel),
        ("personnel", Category::Personnel),
        ("间接费用", Category::Indirect),
        ("间接费", Category::Indirect),
        ("indirect", Category::Indirect),
    ];
    let (rest, category) = words
        .iter()
        .find_map(|(w, c)| norm.strip_prefix(w).map(|r| (r, *c)))?;
    let rest = rest.trim_end_matches('元');
    let rest = rest
        .strip_prefix("第")
        .or_else(|| rest.strip_prefix("year"))
        .or_else(|| rest.strip_prefix('y'))
        .unwrap_or(rest);
    let rest = rest.strip_suffix("年").unwrap_or(rest);
    let year: u32 = rest.parse().ok()?;
    (1..=10).contains(&year).then_some((category, year))
}

/// A column's field: one of [`FIELDS`], or `budget:<category>:<year>`.
pub fn field_of(header: &str) -> Option<String> {
    let norm = normalise(header);
    if norm.is_empty() {
        return None;
    }
    if let Some((field, _)) = ALIASES
        .iter()
        .find(|(f, names)| *f == norm || names.contains(&norm.as_str()))
    {
        return Some((*field).to_string());
    }
    budget_column(&norm).map(|(c, y)| format!("budget:{}:{y}", c.as_str()))
}

/// Every field a column can be mapped to, budget columns for `years` project years included.
pub fn fields_for(years: u32) -> Vec<String> {
    let mut out: Vec<String> = FIELDS.iter().map(|f| (*f).to_string()).collect();
    for y in 1..=years {
        for c in Category::ALL {
            out.push(format!("budget:{}:{y}", c.as_str()));
        }
    }
    out
}

/// Is this a field an import knows?
pub fn is_field(field: &str) -> bool {
    FIELDS.contains(&field)
        || field
            .strip_prefix("budget:")
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(c, y)| Category::parse(c).is_some() && y.parse::<u32>().is_ok())
}

/// The signature of a header row: the same columns, in the same order, give the same one.
pub fn signature(headers: &[String]) -> String {
    let mut h = Sha256::new();
    for x in headers {
        h.update(normalise(x).as_bytes());
        h.update(b"\x1f");
    }
    h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Column index → field, as decided for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Mapping {
    /// Header (as in the file) → field; `""` for a column left out.
    pub columns: BTreeMap<String, String>,
}

impl Mapping {
    /// The automatic mapping, with `saved` (an earlier import of the same source) and then
    /// `overrides` (header → field) taking precedence.
    pub fn decide(
        headers: &[String],
        saved: Option<&BTreeMap<String, String>>,
        overrides: &BTreeMap<String, String>,
    ) -> Mapping {
        let mut columns = BTreeMap::new();
        for h in headers {
            let field = overrides
                .get(h)
                .or_else(|| saved.and_then(|s| s.get(h)))
                .cloned()
                .or_else(|| field_of(h))
                .unwrap_or_default();
            columns.insert(h.clone(), field);
        }
        Mapping { columns }
    }

    /// The column index of each field.
    pub fn index(&self, headers: &[String]) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (i, h) in headers.iter().enumerate() {
            if let Some(f) = self.columns.get(h).filter(|f| !f.is_empty()) {
                out.entry(f.clone()).or_insert(i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers_and_budget_columns_are_recognised() {
        assert_eq!(field_of("项目名称").as_deref(), Some("title"));
        assert_eq!(field_of(" 申请金额（元） ").as_deref(), Some("requested"));
        assert_eq!(field_of("Credit code").as_deref(), Some("credit_code"));
        assert_eq!(field_of("PI_Name").as_deref(), Some("pi_name"));
        assert_eq!(
            field_of("设备费（第1年）").as_deref(),
            Some("budget:equipment:1")
        );
        assert_eq!(
            field_of("劳务费第2年").as_deref(),
            Some("budget:personnel:2")
        );
        assert_eq!(
            field_of("Indirect_y2").as_deref(),
            Some("budget:indirect:2")
        );
        assert_eq!(
            field_of("operations year 1").as_deref(),
            Some("budget:operations:1")
        );
        assert_eq!(field_of("备注"), None);
        assert!(is_field("budget:equipment:3") && !is_field("budget:travel:1"));
    }

    #[test]
    fn overrides_beat_saved_mappings_which_beat_the_defaults() {
        let headers: Vec<String> = ["课题名称", "申请金额", "备注"].map(String::from).to_vec();
        let saved: BTreeMap<String, String> = [("课题名称".into(), "title".into())].into();
        let overrides: BTreeMap<String, String> = [("申请金额".into(), String::new())].into();
        let m = Mapping::decide(&headers, Some(&saved), &overrides);
        let idx = m.index(&headers);
        assert_eq!(idx.get("title"), Some(&0));
        assert_eq!(idx.get("requested"), None, "left out by the officer");
        assert_eq!(signature(&headers), signature(&headers));
        assert_ne!(signature(&headers), signature(&headers[..2]));
    }
}
