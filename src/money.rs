//! Money in yuan (元), exact to the fen (分).
//!
//! `Money` is a non-negative `Decimal` with exactly two decimal places. It is stored as integer
//! fen, crosses IPC as a decimal string (`"5000000.00"`) and is never an `f64`. Parsing refuses
//! what it would otherwise have to round.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Coded;
use crate::lang::Lang;
use crate::percent::Percent;

/// The largest amount the application handles: just under one trillion (万亿) yuan.
pub const MAX_FEN: i64 = 99_999_999_999_999;

/// Amounts that cannot be money, with the Chinese and English text side by side in
/// [`MoneyError::texts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Garbage(String),
    TooManyDecimals(String),
    Negative(String),
    Overflow(String),
    BadWeights,
}

impl MoneyError {
    /// The message in both languages, written together.
    pub fn texts(&self) -> crate::error::Msg {
        use crate::error::Msg;
        match self {
            MoneyError::Empty => Msg::new("金额不能为空", "an amount is required"),
            MoneyError::Garbage(s) => Msg::new(
                format!("“{s}”不是有效金额（示例：5000000、5,000,000.00、¥5,000,000、500万）"),
                format!(
                    "\"{s}\" is not an amount of money (examples: 5000000, 5,000,000.00, ¥5,000,000, 500万)"
                ),
            ),
            MoneyError::TooManyDecimals(s) => Msg::new(
                format!("“{s}”的小数超过两位；金额须精确到分"),
                format!("\"{s}\" has more than two decimal places; amounts are exact to the fen"),
            ),
            MoneyError::Negative(s) => Msg::new(
                format!("“{s}”为负数；金额不能小于零"),
                format!("\"{s}\" is negative; an amount may not be below zero"),
            ),
            MoneyError::Overflow(s) => Msg::new(
                format!("“{s}”过大；金额上限为 ¥999,999,999,999.99"),
                format!("\"{s}\" is too large; the largest amount is ¥999,999,999,999.99"),
            ),
            MoneyError::BadWeights => Msg::new(
                "分配比例不能为空且总和须大于零",
                "weights for splitting an amount must be non-empty with a positive sum",
            ),
        }
    }
}

crate::error::bilingual_error!(MoneyError);

impl Coded for MoneyError {
    fn code(&self) -> &'static str {
        match self {
            MoneyError::Empty => "money_empty",
            MoneyError::Garbage(_) => "money_garbage",
            MoneyError::TooManyDecimals(_) => "money_decimals",
            MoneyError::Negative(_) => "money_negative",
            MoneyError::Overflow(_) => "money_overflow",
            MoneyError::BadWeights => "money_weights",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.texts().get(lang).to_string()
    }
}

/// How a computed amount is brought back to whole fen. Named at every call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 四舍五入
    HalfUp,
    /// Toward zero: never more than the exact value.
    Down,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Zero yuan with its two places (`0.00`), like every other amount.
impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

impl Money {
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Parses what officers type or paste: `5000000`, `5,000,000.00`, `¥5,000,000`, `500万`,
    /// `500万元`, `0.5亿`, `1,234.5元`.
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let original = input.trim();
        if original.is_empty() {
            return Err(MoneyError::Empty);
        }
        let garbage = || MoneyError::Garbage(original.to_string());
        let mut s = original;
        for prefix in ["¥", "￥", "RMB", "CNY"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
                break;
            }
        }
        if let Some(rest) = s.strip_suffix('元') {
            s = rest.trim_end();
        }
        let mut unit = Decimal::ONE;
        if let Some(rest) = s.strip_suffix('万') {
            unit = Decimal::from(10_000);
            s = rest.trim_end();
        } else if let Some(rest) = s.strip_suffix('亿') {
            unit = Decimal::from(100_000_000);
            s = rest.trim_end();
        }
        if s.starts_with('-') || s.starts_with('−') {
            return Err(MoneyError::Negative(original.to_string()));
        }
        let s = s.strip_prefix('+').unwrap_or(s);
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let digits = ungroup(int_part).ok_or_else(garbage)?;
        if let Some(f) = frac_part {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(garbage());
            }
            if unit == Decimal::ONE && f.len() > 2 {
                return Err(MoneyError::TooManyDecimals(original.to_string()));
            }
        }
        let plain = match frac_part {
            Some(f) => format!("{digits}.{f}"),
            None => digits,
        };
        let overflow = || MoneyError::Overflow(original.to_string());
        // 28 significant digits is far beyond MAX_FEN; longer input is an overflow, not garbage.
        let value = Decimal::from_str_exact(&plain).map_err(|_| overflow())?;
        let value = value.checked_mul(unit).ok_or_else(overflow)?;
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooManyDecimals(original.to_string()));
        }
        Money::from_yuan(value).map_err(|e| match e {
            MoneyError::Overflow(_) => overflow(),
            other => other,
        })
    }

    /// An exact amount in yuan; refuses negatives, more than two places and overflow.
    pub fn from_yuan(value: Decimal) -> Result<Money, MoneyError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Negative(value.to_string()));
        }
        if value.normalize().scale() > 2 {
            return Err(MoneyError::TooManyDecimals(value.to_string()));
        }
        let mut v = value;
        v.rescale(2);
        if v.mantissa() > i128::from(MAX_FEN) {
            return Err(MoneyError::Overflow(value.to_string()));
        }
        v.set_sign_positive(true);
        Ok(Money(v))
    }

    pub fn from_fen(fen: i64) -> Result<Money, MoneyError> {
        if fen < 0 {
            return Err(MoneyError::Negative(fen.to_string()));
        }
        if fen > MAX_FEN {
            return Err(MoneyError::Overflow(fen.to_string()));
        }
        Ok(Money(Decimal::new(fen, 2)))
    }

    /// Whole yuan, for constants and tests.
    pub fn yuan(y: i64) -> Result<Money, MoneyError> {
        Money::from_yuan(Decimal::from(y))
    }

    pub fn fen(self) -> i64 {
        // The invariant keeps the mantissa within 0..=MAX_FEN.
        i64::try_from(self.0.mantissa()).unwrap_or(i64::MAX)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        Money::from_fen(self.fen().checked_add(other.fen())?).ok()
    }

    /// `None` when the result would be negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        Money::from_fen(self.fen().checked_sub(other.fen())?).ok()
    }

    pub fn checked_sum<I: IntoIterator<Item = Money>>(items: I) -> Option<Money> {
        items
            .into_iter()
            .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
    }

    /// This amount times a percentage, brought to whole fen as named.
    pub fn percent(self, p: Percent, rounding: Rounding) -> Money {
        let exact = self.0 * p.as_decimal() / Decimal::ONE_HUNDRED;
        let strategy = match rounding {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::Down => RoundingStrategy::ToZero,
        };
        // p ≤ 100%, so the result never exceeds self and stays in range.
        Money(exact.round_dp_with_strategy(2, strategy))
    }

    /// Splits this amount into parts proportional to `weights`, exactly: the parts always sum
    /// to the whole. Each part first gets its share rounded down to the fen; the fen left over
    /// go one by one to the parts with the largest remainders (earlier parts first on ties).
    pub fn allocate(self, weights: &[u64]) -> Result<Vec<Money>, MoneyError> {
        let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        if total == 0 {
            return Err(MoneyError::BadWeights);
        }
        let fen = self.fen() as u128; // non-negative by invariant
        let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
        let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
        for (i, &w) in weights.iter().enumerate() {
            let product = fen * u128::from(w);
            parts.push(product / total);
            remainders.push((product % total, i));
        }
        let handed: u128 = parts.iter().sum();
        let left = fen - handed; // < number of parts
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in remainders.iter().take(left as usize) {
            parts[i] += 1;
        }
        parts
            .into_iter()
            .map(|p| Money::from_fen(p as i64))
            .collect()
    }

    /// Splits by percentages (which need not sum to 100: they are used as weights).
    pub fn allocate_percent(self, shares: &[Percent]) -> Result<Vec<Money>, MoneyError> {
        let weights: Vec<u64> = shares.iter().map(|p| u64::from(p.basis_points())).collect();
        self.allocate(&weights)
    }

    /// `¥5,000,000.00`
    pub fn format_yuan(self) -> String {
        format!("¥{}", group_thousands(&self.0.to_string()))
    }

    /// `500.00万元` — how officers often read budgets.
    pub fn format_wan(self) -> String {
        let wan = (self.0 / Decimal::from(10_000))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        let mut w = wan;
        w.rescale(2);
        format!("{}万元", group_thousands(&w.to_string()))
    }

    /// 大写金额 for letters and cheques, after 会计基础工作规范 第五十二条:
    /// `人民币伍佰万元整`, `人民币壹仟零壹拾元零伍分`, `人民币柒分`.
    pub fn capital(self) -> String {
        crate::capital::capital(self.fen())
    }
}

/// Removes thousands separators from an integer part, checking they are where they belong.
fn ungroup(int_part: &str) -> Option<String> {
    if int_part.is_empty() {
        return None;
    }
    if !int_part.contains(',') {
        return int_part
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| int_part.to_string());
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first_ok = !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[0].bytes().all(|b| b.is_ascii_digit());
    let rest_ok = groups[1..]
        .iter()
        .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    (first_ok && rest_ok).then(|| groups.concat())
}

fn group_thousands(plain: &str) -> String {
    let (int_part, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain, None),
    };
    let mut out = String::with_capacity(plain.len() + plain.len() / 3);
    let n = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The plain decimal string with two places: `5000000.00`. This is the IPC and file form.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).expect("valid amount")
    }

    #[test]
    fn parses_the_forms_officers_type() {
        for (input, fen) in [
            ("5000000", 500_000_000),
            ("5,000,000.00", 500_000_000),
            ("¥5,000,000", 500_000_000),
            ("￥5,000,000.5", 500_000_050),
            ("500万", 500_000_000),
            ("500万元", 500_000_000),
            ("500 万元", 500_000_000),
            ("0.5亿", 5_000_000_000),
            ("0.5亿元", 5_000_000_000),
            ("1.2345万", 1_234_500),
            ("1234.5元", 123_450),
            ("  42.07 ", 4_207),
            ("0", 0),
            ("RMB 1,000", 100_000),
            ("999,999,999,999.99", MAX_FEN),
        ] {
            assert_eq!(
                Money::parse(input).map(Money::fen),
                Ok(fen),
                "input {input:?}"
            );
        }
    }

    #[test]
    fn refuses_what_it_would_have_to_round_or_guess() {
        use MoneyError::*;
        for (input, want) in [
            ("", Empty),
            ("   ", Empty),
            ("1.234", TooManyDecimals("1.234".into())),
            ("1.00000", TooManyDecimals("1.00000".into())),
            ("1.2345678万", TooManyDecimals("1.2345678万".into())),
            ("-5", Negative("-5".into())),
            ("¥-5", Negative("¥-5".into())),
            ("abc", Garbage("abc".into())),
            ("5,00,000", Garbage("5,00,000".into())),
            ("1.", Garbage("1.".into())),
            (".5", Garbage(".5".into())),
            ("1e6", Garbage("1e6".into())),
            ("5万万", Garbage("5万万".into())),
            ("1,000,000,000,000", Overflow("1,000,000,000,000".into())),
            ("10000亿", Overflow("10000亿".into())),
            (
                "99999999999999999999999999999999",
                Overflow("99999999999999999999999999999999".into()),
            ),
        ] {
            assert_eq!(Money::parse(input), Err(want), "input {input:?}");
        }
    }

    #[test]
    fn errors_name_the_input_in_both_languages() {
        let e = Money::parse("12.345").expect_err("three places");
        assert!(e.message(Lang::En).contains("12.345"));
        assert!(e.message(Lang::Zh).contains("12.345"));
        assert!(e.message(Lang::Zh).contains("两位"));
        assert_eq!(e.code(), "money_decimals");
    }

    #[test]
    fn formats_in_yuan_and_wan() {
        assert_eq!(m("5000000").format_yuan(), "¥5,000,000.00");
        assert_eq!(m("1234567.89").format_yuan(), "¥1,234,567.89");
        assert_eq!(m("0.07").format_yuan(), "¥0.07");
        assert_eq!(m("999").format_yuan(), "¥999.00");
        assert_eq!(
            Money::default().format_yuan(),
            "¥0.00",
            "zero keeps its two places"
        );
        assert_eq!(Money::default().to_string(), "0.00");
        assert_eq!(m("5000000").format_wan(), "500.00万元");
        assert_eq!(m("60000000").format_wan(), "6,000.00万元");
        assert_eq!(m("12345").format_wan(), "1.23万元");
        assert_eq!(m("5000000").to_string(), "5000000.00");
    }

    #[test]
    fn serde_uses_the_decimal_string() {
        let json = serde_json::to_string(&m("1.5")).expect("serialise");
        assert_eq!(json, "\"1.50\"");
        let back: Money = serde_json::from_str("\"500万\"").expect("deserialise");
        assert_eq!(back, m("5000000"));
        assert!(serde_json::from_str::<Money>("\"1.001\"").is_err());
    }

    #[test]
    fn subtraction_below_zero_is_refused() {
        assert_eq!(m("1").checked_sub(m("2")), None);
        assert_eq!(m("2").checked_sub(m("0.01")), Some(m("1.99")));
    }

    #[test]
    fn percent_rounds_as_named() {
        let p = Percent::parse("30").expect("percent");
        assert_eq!(m("0.05").percent(p, Rounding::HalfUp), m("0.02")); // 0.015 → 0.02
        assert_eq!(m("0.05").percent(p, Rounding::Down), m("0.01"));
    }

    #[test]
    fn allocate_gives_remainders_fen_by_fen_to_largest_remainders() {
        let parts = m("100").allocate(&[1, 1, 1]).expect("split");
        assert_eq!(parts, vec![m("33.34"), m("33.33"), m("33.33")]);
        let parts = m("0.05").allocate(&[30, 70]).expect("split");
        assert_eq!(parts, vec![m("0.02"), m("0.03")]); // 1.5 and 3.5 fen: remainders tie, the first part wins
        let parts = m("10").allocate(&[0, 1]).expect("split");
        assert_eq!(parts, vec![m("0"), m("10")]);
        assert_eq!(m("1").allocate(&[]), Err(MoneyError::BadWeights));
        assert_eq!(m("1").allocate(&[0, 0]), Err(MoneyError::BadWeights));
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_with_a_code_never_a_panic(s in "\\PC{0,40}", t in "[0-9,.¥万亿元 -]{0,24}") {
            for input in [s.as_str(), t.as_str()] {
                match Money::parse(input) {
                    Ok(m) => prop_assert!(m.fen() >= 0),
                    Err(e) => prop_assert!(e.code().starts_with("money_")),
                }
            }
        }

        #[test]
        fn allocation_always_sums_to_the_whole(
            fen in 0i64..=MAX_FEN,
            weights in proptest::collection::vec(0u64..1_000_000, 1..12),
        ) {
            prop_assume!(weights.iter().any(|&w| w > 0));
            let whole = Money::from_fen(fen).expect("in range");
            let parts = whole.allocate(&weights).expect("valid weights");
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(Money::checked_sum(parts.iter().copied()), Some(whole));
            let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
            for (p, &w) in parts.iter().zip(&weights) {
                // Every part is within one fen of its exact share.
                let exact_floor = (fen as u128 * u128::from(w)) / total;
                prop_assert!(p.fen() as u128 == exact_floor || p.fen() as u128 == exact_floor + 1);
            }
        }

        #[test]
        fn display_and_parse_round_trip(fen in 0i64..=MAX_FEN) {
            let a = Money::from_fen(fen).expect("in range");
            prop_assert_eq!(Money::parse(&a.to_string()), Ok(a));
            prop_assert_eq!(Money::parse(&a.format_yuan()), Ok(a));
        }

        #[test]
        fn parser_never_panics(s in "\\PC{0,24}") {
            let _ = Money::parse(&s);
        }

        #[test]
        fn wan_input_equals_ten_thousand_yuan(wan in 0i64..100_000_000) {
            let a = Money::parse(&format!("{wan}万")).expect("in range");
            prop_assert_eq!(a.fen(), wan * 1_000_000);
        }
    }
}
