//! What front ends send: every value as text, so that each field can be checked and refused
//! with a message that names it, instead of failing the whole input at the first bad type.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A form value as typed. Accepts text and whole numbers (`12`, `"12"`, `"500万"`); refuses
/// numbers with a fraction unless quoted, so that no amount ever passes through a float.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl Text {
    pub fn as_str(&self) -> &str {
        self.0.trim()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(s.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text or a whole number (write decimals in quotes, e.g. \"12.5\")")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text::default())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_text_and_whole_numbers_and_refuses_unquoted_fractions() {
        assert_eq!(
            serde_json::from_str::<Text>("\"500万\"").ok(),
            Some(Text::from("500万"))
        );
        assert_eq!(
            serde_json::from_str::<Text>("12").ok(),
            Some(Text::from("12"))
        );
        assert_eq!(
            serde_json::from_str::<Text>("null").ok(),
            Some(Text::default())
        );
        let err = serde_json::from_str::<Text>("12.5").expect_err("a float");
        assert!(err.to_string().contains("quotes"), "{err}");
    }
}
