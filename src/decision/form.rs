//! What officers type for the decision stage: a proposed award, the optimiser's options and
//! the issue of the awards, each checked into the values the use cases need.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::DecisionError;
use super::suggest::{Mode, Options, Quota};
use crate::call::Call;
use crate::error::{Checks, Invalid, required};
use crate::form::Text;
use crate::percent::Percent;
use crate::review::ranking::Aggregate;
use crate::store::{date_text, parse_date};

/// What an officer proposes for one proposal.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DecisionForm {
    pub call: Text,
    pub reference: Text,
    /// The award; empty means the amount requested.
    #[serde(default)]
    pub amount: Text,
    /// Why the award is cut (核减理由): required when it is below the request.
    #[serde(default)]
    pub reason: Text,
}

/// What the officer asks of the optimiser, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SuggestForm {
    pub call: Text,
    /// `exact` (default) or `strict`.
    #[serde(default)]
    pub mode: Text,
    /// `mean` (default), `trimmed` or `calibrated`.
    #[serde(default)]
    pub order: Text,
    /// A uniform cut in percent (`10`, `10%`); empty for none.
    #[serde(default)]
    pub cut: Text,
    #[serde(default)]
    pub quotas: Vec<QuotaForm>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct QuotaForm {
    pub topic: Text,
    #[serde(default)]
    pub min: Text,
    #[serde(default)]
    pub max: Text,
}

impl SuggestForm {
    pub(crate) fn options(&self, call: &Call) -> Result<Options, DecisionError> {
        let mut c = Checks::default();
        let mode = Mode::parse(self.mode.as_str());
        if mode.is_none() {
            c.push(Invalid::new(
                "mode",
                "unknown_mode",
                format!(
                    "“{}”不是建议方式；应为 exact（最优）或 strict（严格按排名）",
                    self.mode
                ),
                format!("\"{}\" is not a mode; use exact or strict", self.mode),
            ));
        }
        let order = match self.order.as_str() {
            "" => Some(Aggregate::Mean),
            s => {
                let o = Aggregate::parse(s);
                if o.is_none() {
                    c.push(Invalid::new(
                        "order",
                        "unknown_order",
                        format!("“{s}”不是排序依据；应为 mean、trimmed 或 calibrated"),
                        format!("\"{s}\" is not an order; use mean, trimmed or calibrated"),
                    ));
                }
                o
            }
        };
        let cut = match self.cut.as_str() {
            "" | "0" => None,
            s => c.take("cut", Percent::parse(s)).filter(|p| {
                let ok = p.basis_points() < 10_000;
                if !ok {
                    c.push(Invalid::new(
                        "cut",
                        "out_of_range",
                        "核减比例须小于 100%",
                        "the cut must be below 100%",
                    ));
                }
                ok
            }),
        };
        let mut quotas = Vec::new();
        for (i, q) in self.quotas.iter().enumerate() {
            let topic = q.topic.as_str();
            if topic.is_empty() && q.min.as_str().is_empty() && q.max.as_str().is_empty() {
                continue;
            }
            let field = |f: &str| format!("quotas[{i}].{f}");
            if call.spec.topic(topic).is_none() {
                c.push(Invalid::new(
                    field("topic"),
                    "unknown_topic",
                    format!("“{topic}”不是本计划的研究领域"),
                    format!("\"{topic}\" is not a topic of this call"),
                ));
            }
            let num = |c: &mut Checks, f: &str, v: &Text, default: usize| -> Option<usize> {
                match v.as_str() {
                    "" => Some(default),
                    s => match s.parse::<usize>() {
                        Ok(n) if n <= 1000 => Some(n),
                        _ => {
                            c.push(Invalid::new(
                                field(f),
                                "not_a_count",
                                format!("“{s}”不是 0 到 1000 之间的整数"),
                                format!("\"{s}\" is not a whole number from 0 to 1000"),
                            ));
                            None
                        }
                    },
                }
            };
            let cap = call.spec.max_awards as usize;
            let min = num(&mut c, "min", &q.min, 0);
            let max = num(&mut c, "max", &q.max, cap);
            if let (Some(min), Some(max)) = (min, max) {
                if min > max {
                    c.push(Invalid::new(
                        field("min"),
                        "min_above_max",
                        format!("最少 {min} 项大于最多 {max} 项"),
                        format!("the minimum of {min} is above the maximum of {max}"),
                    ));
                }
                quotas.push(Quota {
                    topic: topic.to_string(),
                    min,
                    max,
                });
            }
        }
        let total_min: usize = quotas.iter().map(|q| q.min).sum();
        if total_min > call.spec.max_awards as usize {
            c.push(Invalid::new(
                "quotas",
                "quotas_above_cap",
                format!(
                    "各领域最少资助数之和 {total_min} 超过资助名额 {}",
                    call.spec.max_awards
                ),
                format!(
                    "the topic minimums add up to {total_min}, more than the {} awards",
                    call.spec.max_awards
                ),
            ));
        }
        match (mode, order) {
            (Some(mode), Some(order)) if c.is_empty() => Ok(Options {
                mode,
                order,
                cut,
                quotas,
            }),
            _ => Err(DecisionError::Invalid(c.0)),
        }
    }
}

/// What issuing the awards needs.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct IssueForm {
    pub call: Text,
    /// The start date of every award (YYYY-MM-DD).
    pub start_on: Text,
    /// The date of the decision; its year goes into the award numbers.
    pub decided_on: Text,
}

impl IssueForm {
    /// The start date and the date of the decision (by default the agency's today), both
    /// valid dates, the start not before the decision; or every field that is wrong.
    pub(crate) fn dates(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Vec<Invalid>> {
        let mut c = Checks::default();
        let date = |c: &mut Checks, field: &str, v: &Text| -> Option<NaiveDate> {
            if v.as_str().is_empty() {
                c.push(required(field));
                return None;
            }
            let d = parse_date(v.as_str());
            if d.is_none() {
                c.push(Invalid::new(
                    field,
                    "date_format",
                    format!("“{}”不是有效日期（格式 YYYY-MM-DD）", v.as_str()),
                    format!("\"{}\" is not a valid date (YYYY-MM-DD)", v.as_str()),
                ));
            }
            d
        };
        let start = date(&mut c, "start_on", &self.start_on);
        let decided = match self.decided_on.as_str() {
            "" => Some(today),
            _ => date(&mut c, "decided_on", &self.decided_on),
        };
        if let (Some(s), Some(d)) = (start, decided)
            && s < d
        {
            c.push(Invalid::new(
                "start_on",
                "start_before_decision",
                format!("开始日期 {} 早于立项日期 {}", date_text(s), date_text(d)),
                format!(
                    "the start date {} is before the decision date {}",
                    date_text(s),
                    date_text(d)
                ),
            ));
        }
        match (start, decided) {
            (Some(s), Some(d)) if c.is_empty() => Ok((s, d)),
            _ => Err(c.0),
        }
    }
}
