//! A mainland mobile number (手机号) that never prints in full.

use crate::ErrorCode;

/// A validated mainland mobile number, stored normalised (11 ASCII digits). `Debug` and
/// `Display` show it masked (`138****0000`); only [`PhoneNumber::expose`] gives it whole.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Drops spaces and hyphens, turns full-width digits to ASCII and strips a `+86` / `0086`
    /// prefix, then requires 11 digits starting with 1 and a second digit 3–9.
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '＋' => '+',
                _ => c,
            })
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if !valid {
            return Err(ErrorCode::ValidationFailed);
        }
        Ok(Self(digits.to_owned()))
    }

    /// The whole number, for storage. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `138****0000`: the first three and the last four digits.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks a stored phone number the way [`PhoneNumber::masked`] does; anything shorter than
/// eight characters becomes all stars.
pub fn mask_phone(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn should_normalise_and_validate_mobile_numbers() {
        for raw in [
            "13800000000",
            "138 0000 0000",
            "+86 138-0000-0000",
            "１３８００００００００",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw).unwrap().expose(),
                "13800000000",
                "{raw}"
            );
        }
        for raw in [
            "",
            "1380000000",
            "138000000001",
            "12800000000",
            "23800000000",
            "1380000000a",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(ErrorCode::ValidationFailed),
                "{raw}"
            );
        }
    }

    #[test]
    fn should_never_print_the_whole_number() {
        let phone = PhoneNumber::parse("13812345678").unwrap();
        assert_eq!(phone.masked(), "138****5678");
        assert_eq!(phone.to_string(), "138****5678");
        assert_eq!(format!("{phone:?}"), "PhoneNumber(138****5678)");
        assert_eq!(mask_phone("123"), "***");
    }
}
