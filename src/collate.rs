//! The order officers read lists in: Chinese by pinyin (CLDR's `zh` collation: 阿 < 北 < 中),
//! Chinese before Latin letters, Latin letters without regard to case first, and runs of digits
//! by their value (`BJ-2` < `BJ-10`). It is the order of the page's
//! `Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true })`, computed here from ICU4X's
//! copy of the same CLDR rules, so that a table the core sorts reads as one the page sorted.
//!
//! Sorting many strings goes through sort keys: bytes computed once per string whose plain
//! byte order is the collation order, so that a sort compares bytes instead of collating each
//! pair again.

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{Collator, CollatorBorrowed, CollatorPreferences};

static COLLATOR: LazyLock<Option<CollatorBorrowed<'static>>> = LazyLock::new(|| {
    let mut prefs: CollatorPreferences = icu_locale_core::locale!("zh").into();
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    // The data is compiled into the binary, so this fails only if that data lacks `zh`.
    Collator::try_new(prefs, CollatorOptions::default()).ok()
});

/// Appends the sort key of `s` to `out`. Keys of two strings compare, byte by byte, as the
/// strings collate. Without the collation data (never in a release built from this crate)
/// the key is the UTF-8 text itself: code point order.
pub fn sort_key_into(s: &str, out: &mut Vec<u8>) {
    match COLLATOR.as_ref() {
        Some(c) => match c.write_sort_key_to(s, out) {
            Ok(()) => {}
            Err(never) => match never {},
        },
        None => out.extend_from_slice(s.as_bytes()),
    }
}

/// The sort key of `s` (see [`sort_key_into`]).
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 8);
    sort_key_into(s, &mut out);
    out
}

/// Compares two strings in the officers' order.
pub fn compare(a: &str, b: &str) -> Ordering {
    match COLLATOR.as_ref() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(words: &[&'static str]) -> Vec<&'static str> {
        let mut v = words.to_vec();
        v.sort_by(|a, b| compare(a, b));
        v
    }

    #[test]
    fn chinese_sorts_by_pinyin_before_latin_and_numbers_by_value() {
        // The order node's Intl.Collator(['zh-Hans-CN', 'en'], { numeric: true }) gives.
        let words = [
            "北京",
            "上海",
            "阿里",
            "Zebra",
            "apple",
            "BJ-2",
            "BJ-10",
            "人工智能虚拟现实",
            "張偉",
            "中关村",
            "张伟",
            "李娜",
            "王芳",
            "Ärger",
            "_x",
            "eligible",
            "under_review",
        ];
        assert_eq!(
            sorted(&words),
            [
                "_x",
                "阿里",
                "北京",
                "李娜",
                "人工智能虚拟现实",
                "上海",
                "王芳",
                "张伟",
                "張偉",
                "中关村",
                "apple",
                "Ärger",
                "BJ-2",
                "BJ-10",
                "eligible",
                "under_review",
                "Zebra",
            ]
        );
    }

    #[test]
    fn sort_keys_order_as_the_strings_compare() {
        let words = [
            "北京",
            "北京市",
            "Beijing",
            "beijing",
            "BEIJING",
            "P-0009",
            "P-0010",
            "P-9",
            "",
            " ",
            "虚拟现实",
            "增强现实",
            "人工智能",
            "Ä",
            "a",
            "z",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    sort_key(a).cmp(&sort_key(b)),
                    compare(a, b),
                    "{a:?} against {b:?}"
                );
            }
        }
        let mut joined = sort_key("北");
        sort_key_into("京", &mut joined);
        assert!(
            joined.starts_with(&sort_key("北")),
            "appends, keeps what was there"
        );
    }
}
