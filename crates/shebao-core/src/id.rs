//! Identity documents and names: normalisation, validation with a stable refusal code for
//! each rule, and masked forms. `IdNumber` and `PersonName` never print in full through
//! `Debug` or `Display`; the full value is reachable only through `expose()`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Document types (身份证件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentIdCard,
}

/// Province-level codes that open a 居民身份证 number.
const PROVINCE_CODES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// A validated document number, stored normalised (upper-case X).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    id_type: IdType,
    value: String,
}

impl IdNumber {
    /// Normalises (trim, drop inner spaces, full-width to ASCII, x to X) and validates.
    pub fn parse(id_type: IdType, raw: &str, today: NaiveDate) -> Result<Self, ErrorCode> {
        let value = normalise(raw);
        match id_type {
            IdType::ResidentIdCard => validate_resident(&value, today)?,
        }
        Ok(Self { id_type, value })
    }

    pub fn id_type(&self) -> IdType {
        self.id_type
    }

    /// The full normalised number, for the few places that must have it (storage, signing
    /// the certificate holder tag). Never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// `640102********1234`: the first six and the last four characters.
    pub fn masked(&self) -> String {
        mask_id_number(&self.value)
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl std::fmt::Display for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Masks any document number: the first six and the last four characters stay.
pub fn mask_id_number(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| if c == 'x' { 'X' } else { c })
        .collect()
}

fn validate_resident(value: &str, today: NaiveDate) -> Result<(), ErrorCode> {
    let bytes = value.as_bytes();
    if bytes.len() == 15 && bytes.iter().all(u8::is_ascii_digit) {
        return Err(ErrorCode::IdLegacy15);
    }
    if value.chars().count() != 18 {
        return Err(ErrorCode::IdLength);
    }
    let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
    let last_ok = bytes[17].is_ascii_digit() || bytes[17] == b'X';
    if !body_ok || !last_ok {
        return Err(ErrorCode::IdCharacters);
    }
    if !PROVINCE_CODES.contains(&&value[..2]) {
        return Err(ErrorCode::IdRegion);
    }
    let birth =
        NaiveDate::parse_from_str(&value[6..14], "%Y%m%d").map_err(|_| ErrorCode::IdBirthDate)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).ok_or(ErrorCode::Internal)?;
    if birth < earliest || birth > today {
        return Err(ErrorCode::IdBirthDate);
    }
    if bytes[17] != check_char(&bytes[..17]) {
        return Err(ErrorCode::IdCheckDigit);
    }
    Ok(())
}

/// The GB 11643 check character of 17 ASCII digits.
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// A validated person's name, normalised (trimmed, middle dots as U+00B7).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        let value: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '\u{2022}' | '\u{30FB}' | '\u{FF0E}' | '\u{2027}' => '\u{00B7}',
                _ => c,
            })
            .collect();
        let count = value.chars().count();
        let allowed = value
            .chars()
            .all(|c| c == '\u{00B7}' || c == ' ' || c.is_alphabetic());
        if !(2..=40).contains(&count) || !allowed {
            return Err(ErrorCode::NameInvalid);
        }
        Ok(Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `张*明`: first and last character kept; a two-character name keeps the last one.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        match chars.len() {
            0 | 1 => "*".into(),
            2 => format!("*{}", chars[1]),
            n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
        }
    }
}

impl std::fmt::Debug for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonName({})", self.masked())
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
    }

    fn resident(raw: &str) -> Result<IdNumber, ErrorCode> {
        IdNumber::parse(IdType::ResidentIdCard, raw, today())
    }

    #[test]
    fn should_accept_the_protocol_vector_number() {
        assert_eq!(
            resident("640102199001011237").unwrap().expose(),
            "640102199001011237"
        );
    }

    #[test]
    fn should_accept_lower_case_x_and_store_upper_case() {
        let first17 = b"11010519491231002";
        let check = check_char(first17);
        assert_eq!(check, b'X');
        let number = resident("11010519491231002x").unwrap();
        assert_eq!(number.expose(), "11010519491231002X");
    }

    #[test]
    fn should_normalise_spaces_and_full_width_digits() {
        let number = resident(" ６４０１０２ 19900101 1237 ").unwrap();
        assert_eq!(number.expose(), "640102199001011237");
    }

    #[test]
    fn should_refuse_each_rule_with_its_own_code() {
        assert_eq!(resident("640102199001011236"), Err(ErrorCode::IdCheckDigit));
        assert_eq!(resident("64010219900101123"), Err(ErrorCode::IdLength));
        assert_eq!(resident("6401021990010112A7"), Err(ErrorCode::IdCharacters));
        assert_eq!(resident("990102199001011237"), Err(ErrorCode::IdRegion));
        assert_eq!(resident("640102199002301237"), Err(ErrorCode::IdBirthDate));
        assert_eq!(resident("640102203001011237"), Err(ErrorCode::IdBirthDate));
        assert_eq!(resident("640102900101123"), Err(ErrorCode::IdLegacy15));
    }

    #[test]
    fn should_never_print_the_full_number_or_name() {
        let number = resident("640102199001011237").unwrap();
        assert_eq!(number.masked(), "640102********1237");
        assert_eq!(format!("{number}"), "640102********1237");
        assert!(!format!("{number:?}").contains("199001011"));
        let name = PersonName::parse("张小明").unwrap();
        assert_eq!(name.masked(), "张*明");
        assert!(!format!("{name:?}").contains("小"));
    }

    #[test]
    fn should_normalise_middle_dots_and_refuse_bad_names() {
        let name = PersonName::parse(" 买买提•艾力 ").unwrap();
        assert_eq!(name.expose(), "买买提·艾力");
        assert_eq!(PersonName::parse("张"), Err(ErrorCode::NameInvalid));
        assert_eq!(PersonName::parse("张3"), Err(ErrorCode::NameInvalid));
    }
}
