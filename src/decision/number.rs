//! Award numbers (文号) from a pattern such as `京科资〔{year}〕第{seq:3}号`: `{year}` is the
//! year of issue, `{seq}` the sequence number of the award in that year, `{seq:N}` padded
//! with zeros to N digits.

use crate::error::Invalid;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Year,
    Seq(usize),
}

/// A checked award-number pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberPattern {
    source: String,
    parts: Vec<Part>,
}

fn invalid(zh: String, en: String) -> Invalid {
    Invalid::new("award_number_pattern", "bad_pattern", zh, en)
}

impl NumberPattern {
    pub fn parse(input: &str) -> Result<NumberPattern, Invalid> {
        let source = input.trim().to_string();
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = source.as_str();
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                invalid(
                    "文号格式中的“{”没有对应的“}”".into(),
                    "the pattern has a “{” without its “}”".into(),
                )
            })?;
            let field = &after[..close];
            let part = match field {
                "year" => Part::Year,
                "seq" => Part::Seq(1),
                f => match f.strip_prefix("seq:").map(str::parse::<usize>) {
                    Some(Ok(n)) if (1..=9).contains(&n) => Part::Seq(n),
                    _ => {
                        return Err(invalid(
                            format!(
                                "文号格式中的 {{{f}}} 无法识别；可用 {{year}}、{{seq}} 或 {{seq:3}}"
                            ),
                            format!(
                                "{{{f}}} is not known in an award number pattern; use {{year}}, {{seq}} or {{seq:3}}"
                            ),
                        ));
                    }
                },
            };
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(part);
            rest = &after[close + 1..];
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if !parts.iter().any(|p| matches!(p, Part::Seq(_))) {
            return Err(invalid(
                "文号格式须包含序号 {seq}（例如 京科资〔{year}〕第{seq:3}号）".into(),
                "the pattern must contain the sequence number {seq} (e.g. 京科资〔{year}〕第{seq:3}号)"
                    .into(),
            ));
        }
        if source.chars().count() > 60 {
            return Err(invalid(
                "文号格式不能超过 60 个字符".into(),
                "the pattern may be at most 60 characters long".into(),
            ));
        }
        Ok(NumberPattern { source, parts })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The number of the `seq`-th award of `year`.
    pub fn render(&self, year: i32, seq: u32) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Year => year.to_string(),
                Part::Seq(w) => format!("{seq:0w$}", w = *w),
            })
            .collect()
    }
}

/// The pattern a new call starts with.
pub const DEFAULT_PATTERN: &str = "京科资〔{year}〕第{seq:3}号";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_pattern_renders_padded_numbers() {
        let p = NumberPattern::parse(DEFAULT_PATTERN).expect("valid");
        assert_eq!(p.render(2026, 1), "京科资〔2026〕第001号");
        assert_eq!(p.render(2026, 1234), "京科资〔2026〕第1234号");
        let q = NumberPattern::parse("GD-{year}-{seq}").expect("valid");
        assert_eq!(q.render(2027, 12), "GD-2027-12");
    }

    #[test]
    fn patterns_without_a_sequence_or_with_unknown_fields_are_refused() {
        for bad in [
            "京科资〔{year}〕",
            "A{seq:0}",
            "A{seq:x}",
            "A{month}{seq}",
            "A{seq",
            "",
        ] {
            let e = NumberPattern::parse(bad).expect_err(bad);
            assert_eq!(
                (e.field.as_str(), e.rule),
                ("award_number_pattern", "bad_pattern")
            );
        }
    }
}
