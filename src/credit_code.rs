//! 统一社会信用代码 — the 18-character unified social credit code of GB 32100-2015.
//!
//! Structure: registration authority (1), organisation type (1), administrative division
//! (6 digits), organisation code (9), check character (1). The alphabet is the digits and the
//! capital letters without I, O, Z, S and V. The check character is
//! `31 − (Σ value(cᵢ) × wᵢ mod 31)`, with 31 written as `0`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Coded;
use crate::lang::Lang;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a text is not a unified social credit code, with the Chinese and English text side
/// by side in [`CreditCodeError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    Empty,
    Length {
        input: String,
        len: usize,
    },
    Character {
        input: String,
        position: usize,
        ch: char,
    },
    Division {
        input: String,
    },
    Check {
        input: String,
        expected: char,
        found: char,
    },
}

impl CreditCodeError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> crate::error::Msg {
        use crate::error::Msg;
        match self {
            CreditCodeError::Empty => Msg::new(
                "统一社会信用代码不能为空",
                "the unified social credit code is required",
            ),
            CreditCodeError::Length { input, len } => Msg::new(
                format!("“{input}”为 {len} 位；统一社会信用代码应为 18 位"),
                format!("\"{input}\" has {len} characters; a unified social credit code has 18"),
            ),
            CreditCodeError::Character {
                input,
                position,
                ch,
            } => Msg::new(
                format!(
                    "“{input}”第 {position} 位字符“{ch}”不允许（只能是数字和除 I、O、Z、S、V 以外的大写字母）"
                ),
                format!(
                    "\"{input}\": character {position} ('{ch}') is not allowed (digits and capital letters except I, O, Z, S, V)"
                ),
            ),
            CreditCodeError::Division { input } => Msg::new(
                format!("“{input}”第 3–8 位应为行政区划代码（数字）"),
                format!(
                    "\"{input}\": characters 3–8 must be the digits of an administrative division code"
                ),
            ),
            CreditCodeError::Check {
                input,
                expected,
                found,
            } => Msg::new(
                format!("“{input}”校验码错误：应为“{expected}”，实为“{found}”"),
                format!("\"{input}\": the check character should be '{expected}', not '{found}'"),
            ),
        }
    }
}

crate::error::bilingual_error!(CreditCodeError);

impl Coded for CreditCodeError {
    fn code(&self) -> &'static str {
        match self {
            CreditCodeError::Empty => "credit_code_empty",
            CreditCodeError::Length { .. } => "credit_code_length",
            CreditCodeError::Character { .. } => "credit_code_character",
            CreditCodeError::Division { .. } => "credit_code_division",
            CreditCodeError::Check { .. } => "credit_code_check",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// A unified social credit code whose structure and check character have been verified.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let s: String = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(CreditCodeError::Length { input: s, len });
        }
        let mut values = [0u32; 18];
        for (i, ch) in s.chars().enumerate() {
            match ALPHABET.iter().position(|&a| char::from(a) == ch) {
                Some(v) => values[i] = v as u32,
                None => {
                    return Err(CreditCodeError::Character {
                        input: s.clone(),
                        position: i + 1,
                        ch,
                    });
                }
            }
        }
        if !s.as_bytes()[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Division { input: s });
        }
        let expected = check_character(&values[..17]);
        let found = char::from(ALPHABET[values[17] as usize]);
        if expected != found {
            return Err(CreditCodeError::Check {
                input: s,
                expected,
                found,
            });
        }
        Ok(CreditCode(s))
    }

    /// Completes 17 characters with their check character (used to make sample data).
    pub fn complete(first17: &str) -> Result<CreditCode, CreditCodeError> {
        let mut values = Vec::with_capacity(17);
        for (i, ch) in first17.chars().enumerate() {
            let v = ALPHABET
                .iter()
                .position(|&a| char::from(a) == ch)
                .ok_or_else(|| CreditCodeError::Character {
                    input: first17.to_string(),
                    position: i + 1,
                    ch,
                })?;
            values.push(v as u32);
        }
        if values.len() != 17 {
            return Err(CreditCodeError::Length {
                input: first17.to_string(),
                len: values.len(),
            });
        }
        CreditCode::parse(&format!("{first17}{}", check_character(&values)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let c = (31 - sum % 31) % 31;
    char::from(ALPHABET[c as usize])
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CreditCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Codes published on business licences and in the standard itself.
    const PUBLISHED: [&str; 4] = [
        "91350100M000100Y43", // GB 32100-2015, appendix example
        "914403001922038216", // 华为技术有限公司
        "9144030071526726XG", // 深圳市腾讯计算机系统有限公司
        "91110108551385082Q", // 北京小米科技有限责任公司
    ];

    #[test]
    fn published_codes_are_accepted() {
        for code in PUBLISHED {
            assert_eq!(
                CreditCode::parse(code).map(|c| c.to_string()),
                Ok(code.to_string())
            );
        }
        // Lower case and surrounding spaces are forgiven, the stored form is canonical.
        assert_eq!(
            CreditCode::parse(" 9144030071526726xg ").map(|c| c.to_string()),
            Ok("9144030071526726XG".to_string())
        );
    }

    #[test]
    fn corrupted_codes_are_refused_with_the_reason() {
        assert_eq!(
            CreditCode::parse("914403001922038217"),
            Err(CreditCodeError::Check {
                input: "914403001922038217".into(),
                expected: '6',
                found: '7'
            })
        );
        // Two neighbouring characters swapped: the weights catch it.
        assert!(matches!(
            CreditCode::parse("914403001922038126"),
            Err(CreditCodeError::Check { .. })
        ));
        assert!(matches!(
            CreditCode::parse("91440300192203821"),
            Err(CreditCodeError::Length { len: 17, .. })
        ));
        assert!(matches!(
            CreditCode::parse("91440300192203821I"),
            Err(CreditCodeError::Character {
                position: 18,
                ch: 'I',
                ..
            })
        ));
        assert!(matches!(
            CreditCode::parse("91A4030071526726XG"),
            Err(CreditCodeError::Division { .. })
        ));
        assert_eq!(CreditCode::parse(""), Err(CreditCodeError::Empty));
        let e = CreditCode::parse("914403001922038217").expect_err("bad check");
        assert!(e.message(Lang::Zh).contains("校验码"));
        assert_eq!(e.code(), "credit_code_check");
    }

    proptest! {
        #[test]
        fn any_text_is_a_code_or_a_refusal_never_a_panic(s in "\\PC{0,30}", t in "[0-9A-Z]{16,20}") {
            for input in [s.as_str(), t.as_str()] {
                if let Err(e) = CreditCode::parse(input) {
                    prop_assert!(e.code().starts_with("credit_code"));
                }
            }
        }

        #[test]
        fn any_single_character_change_is_detected(pos in 0usize..18, shift in 1usize..31) {
            let good = PUBLISHED[1];
            let mut chars: Vec<char> = good.chars().collect();
            let v = ALPHABET.iter().position(|&a| char::from(a) == chars[pos]).expect("in alphabet");
            chars[pos] = char::from(ALPHABET[(v + shift) % 31]);
            let bad: String = chars.into_iter().collect();
            prop_assert!(CreditCode::parse(&bad).is_err(), "{} accepted", bad);
        }

        #[test]
        fn completed_codes_verify(body in "[1-9][1-9][0-9]{6}[0-9A-HJ-NP-RTUWXY]{9}") {
            let code = CreditCode::complete(&body).expect("valid body");
            prop_assert!(CreditCode::parse(code.as_str()).is_ok());
        }

        #[test]
        fn parser_never_panics(s in "\\PC{0,24}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
