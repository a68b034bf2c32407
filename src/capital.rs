//! Chinese capital numerals for amounts (大写金额), after 会计基础工作规范 第五十二条.
//!
//! The rules, and the choices this module makes where the regulation allows two forms:
//! - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, then 元角分, prefixed with 人民币;
//! - an amount ending in 元 or 角 ends with 整; an amount with 分 has no 整;
//! - a zero inside the number is written once as 零, however many zeros in a row;
//! - where the regulation lets 零 be written or left out (万位 or 元位 zero before a non-zero
//!   仟位 or 角位), it is left out: ¥107,000.53 → 壹拾万柒仟元伍角叁分;
//! - a 角位 zero between 元 and 分 is always written: ¥1,010.05 → 壹仟零壹拾元零伍分;
//! - 拾 at the head of a group keeps its 壹: ¥10 → 壹拾元整, ¥100,000 → 壹拾万元整.

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUPS: [&str; 3] = ["", "万", "亿"];

/// Writes a non-negative amount of fen in capitals. Amounts up to 9,999亿 are supported
/// (the `Money` range); larger values are written with 亿 repeated as a multiplier.
pub(crate) fn capital(fen: i64) -> String {
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let jiao = (fen / 10 % 10) as usize;
    let fen_digit = (fen % 10) as usize;

    let mut out = String::from("人民币");
    let int_part = integer_capital(yuan);
    if !int_part.is_empty() {
        out.push_str(&int_part);
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) => {
            if int_part.is_empty() {
                out.push_str("零元");
            }
            out.push('整');
        }
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if !int_part.is_empty() {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    out
}

/// The integer yuan in capitals without 元; empty for zero.
fn integer_capital(yuan: u64) -> String {
    if yuan == 0 {
        return String::new();
    }
    // Split into groups of four digits, lowest first: 个, 万, 亿.
    let mut groups = Vec::new();
    let mut rest = yuan;
    while rest > 0 {
        groups.push((rest % 10_000) as u32);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            // A whole group of zeros between non-zero groups is one 零.
            if !out.is_empty() {
                zero_pending = true;
            }
            continue;
        }
        if !out.is_empty() && (zero_pending || g < 1000) {
            out.push('零');
        }
        zero_pending = false;
        out.push_str(&group_capital(g));
        out.push_str(group_unit(i));
    }
    out
}

fn group_unit(i: usize) -> &'static str {
    if i < GROUPS.len() {
        GROUPS[i]
    } else {
        // 万亿 and beyond: not reachable within MAX_FEN.
        "万亿"
    }
}

/// A group of up to four digits (non-zero), without leading 零; zeros inside collapse.
fn group_capital(g: u32) -> String {
    let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
    let mut out = String::new();
    let mut zero_pending = false;
    for (pos, &d) in digits.iter().enumerate() {
        let place = 3 - pos;
        if d == 0 {
            if !out.is_empty() {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        out.push(DIGITS[d as usize]);
        out.push_str(PLACES[place]);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::money::Money;
    use proptest::prelude::*;

    fn cap(s: &str) -> String {
        Money::parse(s).expect("valid amount").capital()
    }

    /// Golden amounts: the regulation's own examples, the issue's, and the awkward cases.
    #[test]
    fn golden_amounts() {
        let cases = [
            // From the issue and the letters officers write.
            ("5000000", "人民币伍佰万元整"),
            ("1010.05", "人民币壹仟零壹拾元零伍分"),
            ("0.07", "人民币柒分"),
            ("60000000", "人民币陆仟万元整"),
            // 会计基础工作规范 第五十二条 examples.
            ("1409.50", "人民币壹仟肆佰零玖元伍角整"),
            ("6007.14", "人民币陆仟零柒元壹角肆分"),
            ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),
            ("107000.53", "人民币壹拾万柒仟元伍角叁分"),
            // Zero and the smallest amounts.
            ("0", "人民币零元整"),
            ("0.01", "人民币壹分"),
            ("0.10", "人民币壹角整"),
            ("0.50", "人民币伍角整"),
            ("0.57", "人民币伍角柒分"),
            // 角 without 分, 分 without 角.
            ("1.20", "人民币壹元贰角整"),
            ("1.02", "人民币壹元零贰分"),
            ("10.50", "人民币壹拾元伍角整"),
            ("100.05", "人民币壹佰元零伍分"),
            // 拾 keeps its 壹; zeros inside a group.
            ("1", "人民币壹元整"),
            ("10", "人民币壹拾元整"),
            ("11", "人民币壹拾壹元整"),
            ("101", "人民币壹佰零壹元整"),
            ("110", "人民币壹佰壹拾元整"),
            ("1001", "人民币壹仟零壹元整"),
            ("1010", "人民币壹仟零壹拾元整"),
            ("1100", "人民币壹仟壹佰元整"),
            ("9999.99", "人民币玖仟玖佰玖拾玖元玖角玖分"),
            // 万 boundaries: 拾万 versus 零.
            ("10000", "人民币壹万元整"),
            ("10001", "人民币壹万零壹元整"),
            ("10010", "人民币壹万零壹拾元整"),
            ("10100", "人民币壹万零壹佰元整"),
            ("11000", "人民币壹万壹仟元整"),
            ("100000", "人民币壹拾万元整"),
            ("100001", "人民币壹拾万零壹元整"),
            ("110000", "人民币壹拾壹万元整"),
            ("1000100", "人民币壹佰万零壹佰元整"),
            ("1001000", "人民币壹佰万壹仟元整"),
            ("1010000", "人民币壹佰零壹万元整"),
            ("8000000", "人民币捌佰万元整"),
            ("2500000.00", "人民币贰佰伍拾万元整"),
            ("3456789.12", "人民币叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
            (
                "12345678.90",
                "人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整",
            ),
            // 亿 boundaries.
            ("100000000", "人民币壹亿元整"),
            ("100000001", "人民币壹亿零壹元整"),
            ("100010000", "人民币壹亿零壹万元整"),
            ("110000000", "人民币壹亿壹仟万元整"),
            ("101000000", "人民币壹亿零壹佰万元整"),
            ("1000000000", "人民币壹拾亿元整"),
            ("1005000000", "人民币壹拾亿零伍佰万元整"),
            ("120000000.01", "人民币壹亿贰仟万元零壹分"),
            (
                "999999999999.99",
                "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            ),
        ];
        assert!(cases.len() >= 40);
        for (amount, want) in cases {
            assert_eq!(cap(amount), want, "amount {amount}");
        }
    }

    /// Reads capitals back into fen, independently of the writer, for the round-trip law.
    fn read_capital(s: &str) -> Option<i64> {
        let s = s.strip_prefix("人民币")?;
        let s = s.strip_suffix('整').unwrap_or(s);
        let digit = |c: char| "零壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c);
        let (mut total, mut section, mut number) = (0i64, 0i64, 0i64);
        let mut fen = 0i64;
        for c in s.chars() {
            if let Some(d) = digit(c) {
                number = d as i64;
                continue;
            }
            match c {
                '拾' => section += number * 10,
                '佰' => section += number * 100,
                '仟' => section += number * 1000,
                '万' => {
                    section += number;
                    total += section * 10_000;
                    section = 0;
                }
                '亿' => {
                    section += number;
                    total = (total + section) * 100_000_000;
                    section = 0;
                }
                '元' => {
                    section += number;
                    total += section;
                    section = 0;
                }
                '角' => fen += number * 10,
                '分' => fen += number,
                _ => return None,
            }
            number = 0;
        }
        Some(total * 100 + fen)
    }

    proptest! {
        #[test]
        fn capitals_read_back_to_the_same_amount(fen in 0i64..=crate::money::MAX_FEN) {
            let text = Money::from_fen(fen).expect("in range").capital();
            prop_assert_eq!(read_capital(&text), Some(fen), "{}", text);
            prop_assert!(!text.contains("零零"), "{}", text);
            prop_assert_eq!(text.ends_with('整'), fen % 10 == 0, "{}", text);
        }
    }
}
