//! Percentages with at most two decimal places (`30`, `12.5%`), between 0 and 100.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Coded;
use crate::lang::Lang;

/// A text that is not a percentage, with the Chinese and English side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PercentError {
    Invalid(String),
}

impl PercentError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> crate::error::Msg {
        let PercentError::Invalid(s) = self;
        crate::error::Msg::new(
            format!("“{s}”不是 0 到 100 之间、最多两位小数的百分比"),
            format!(
                "\"{s}\" is not a percentage between 0 and 100 with at most two decimal places"
            ),
        )
    }
}

crate::error::bilingual_error!(PercentError);

impl Coded for PercentError {
    fn code(&self) -> &'static str {
        "percent_invalid"
    }
    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(Decimal);

impl Percent {
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);

    pub fn parse(input: &str) -> Result<Percent, PercentError> {
        let bad = || PercentError::Invalid(input.trim().to_string());
        let s = input.trim();
        let s = s
            .strip_suffix('%')
            .or_else(|| s.strip_suffix('％'))
            .unwrap_or(s)
            .trim_end();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(bad());
        }
        let d = Decimal::from_str_exact(s).map_err(|_| bad())?;
        Percent::from_decimal(d).map_err(|_| bad())
    }

    pub fn from_decimal(d: Decimal) -> Result<Percent, PercentError> {
        if d.is_sign_negative() || d > Decimal::ONE_HUNDRED || d.normalize().scale() > 2 {
            return Err(PercentError::Invalid(d.to_string()));
        }
        Ok(Percent(d.normalize()))
    }

    /// Hundredths of a percent: 30% → 3000. This is the stored form.
    pub fn basis_points(self) -> u32 {
        let bp = self.0 * Decimal::ONE_HUNDRED;
        u32::try_from(bp.mantissa() / 10i128.pow(bp.scale())).unwrap_or(0)
    }

    pub fn from_basis_points(bp: u32) -> Result<Percent, PercentError> {
        Percent::from_decimal(Decimal::new(i64::from(bp), 2))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(u32),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => Percent::parse(&s),
            Raw::Int(i) => Percent::parse(&i.to_string()),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_stores_basis_points() {
        assert_eq!(Percent::parse("30").map(Percent::basis_points), Ok(3000));
        assert_eq!(Percent::parse("12.5%").map(Percent::basis_points), Ok(1250));
        assert_eq!(Percent::parse("0.01").map(Percent::basis_points), Ok(1));
        assert_eq!(Percent::parse("100").map(Percent::basis_points), Ok(10000));
        assert_eq!(
            Percent::from_basis_points(2500).map(|p| p.to_string()),
            Ok("25%".into())
        );
    }

    #[test]
    fn refuses_out_of_range_and_overly_precise() {
        for bad in ["", "-1", "100.01", "12.345", "abc", "1e2"] {
            assert!(Percent::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
