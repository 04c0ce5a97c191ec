//! Identity documents and names: normalisation, validation with a stable refusal code for
//! each rule, and masked forms. `IdNumber` and `PersonName` never print in full through
//! `Debug` or `Display`; the full value is reachable only through `expose()`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Document types (身份证件类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentIdCard,
    /// 港澳台居民居住证
    #[serde(rename = "residence_permit_hmt")]
    ResidencePermitHmt,
    /// 港澳居民来往内地通行证
    #[serde(rename = "mainland_travel_permit_hk_mo")]
    MainlandTravelPermitHkMo,
    /// 台湾居民来往大陆通行证
    #[serde(rename = "mainland_travel_permit_tw")]
    MainlandTravelPermitTw,
    /// 外国人永久居留身份证
    ForeignPermanentResidence,
    /// 护照
    Passport,
}

impl IdType {
    /// Every document type, in declaration order.
    pub const ALL: &'static [IdType] = &[
        Self::ResidentIdCard,
        Self::ResidencePermitHmt,
        Self::MainlandTravelPermitHkMo,
        Self::MainlandTravelPermitTw,
        Self::ForeignPermanentResidence,
        Self::Passport,
    ];

    /// The snake_case text used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResidentIdCard => "resident_id_card",
            Self::ResidencePermitHmt => "residence_permit_hmt",
            Self::MainlandTravelPermitHkMo => "mainland_travel_permit_hk_mo",
            Self::MainlandTravelPermitTw => "mainland_travel_permit_tw",
            Self::ForeignPermanentResidence => "foreign_permanent_residence",
            Self::Passport => "passport",
        }
    }

    /// The Chinese name printed on certificates (证件类型).
    pub fn display_name_zh(self) -> &'static str {
        match self {
            Self::ResidentIdCard => "居民身份证",
            Self::ResidencePermitHmt => "港澳台居民居住证",
            Self::MainlandTravelPermitHkMo => "港澳居民来往内地通行证",
            Self::MainlandTravelPermitTw => "台湾居民来往大陆通行证",
            Self::ForeignPermanentResidence => "外国人永久居留身份证",
            Self::Passport => "护照",
        }
    }
}

/// Which kind of passport number a valid [`IdType::Passport`] number looks like. The document
/// type alone does not say who issued the passport, so a number in a Chinese shape is read as
/// Chinese and any other 5–17 letters and digits as foreign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PassportKind {
    /// E + 8 digits, or E + a letter + 7 digits.
    Chinese,
    /// 5 to 17 letters and digits.
    Foreign,
}

/// The kind of a normalised passport number.
pub fn passport_kind(value: &str) -> PassportKind {
    let bytes = value.as_bytes();
    let chinese = bytes.len() == 9
        && bytes[0] == b'E'
        && (bytes[1].is_ascii_digit() || bytes[1].is_ascii_uppercase())
        && bytes[2..].iter().all(u8::is_ascii_digit);
    if chinese {
        PassportKind::Chinese
    } else {
        PassportKind::Foreign
    }
}

/// Province-level codes that open a 居民身份证 number.
const PROVINCE_CODES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";
/// Area prefixes of 港澳台居民居住证 numbers: Hong Kong, Macau, Taiwan.
const RESIDENCE_PERMIT_PREFIXES: &[&str] = &["810000", "820000", "830000"];

/// A validated document number of one type, stored normalised (ASCII, letters upper-case).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    id_type: IdType,
    value: String,
}

impl IdNumber {
    /// Normalises (trim, drop inner spaces, full-width digits and letters to ASCII, letters
    /// to upper case, so x to X) and validates with the rules of `id_type`.
    pub fn parse(id_type: IdType, raw: &str, today: NaiveDate) -> Result<Self, ErrorCode> {
        let value = normalise(raw);
        match id_type {
            IdType::ResidentIdCard => validate_resident(&value, today)?,
            IdType::ResidencePermitHmt => validate_residence_permit(&value, today)?,
            IdType::MainlandTravelPermitHkMo => validate_hk_mo_permit(&value)?,
            IdType::MainlandTravelPermitTw => validate_tw_permit(&value)?,
            IdType::ForeignPermanentResidence => validate_permanent_residence(&value, today)?,
            IdType::Passport => validate_passport(&value)?,
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

/// The normal form every document number is validated and stored in: whitespace dropped,
/// full-width digits and letters turned to ASCII, letters upper-cased. Parsing a normalised
/// number gives the same answer as parsing the raw text.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn validate_resident(value: &str, today: NaiveDate) -> Result<(), ErrorCode> {
    let bytes = value.as_bytes();
    if bytes.len() == 15 && bytes.iter().all(u8::is_ascii_digit) {
        return Err(ErrorCode::IdLegacy15);
    }
    check_18_shape(value)?;
    // A residence permit's (81/82/83) or a new permanent-residence card's (9) number under the
    // resident ID type: say the type is wrong rather than that the region code is.
    if RESIDENCE_PERMIT_PREFIXES.contains(&&value[..6]) || value.starts_with('9') {
        return Err(ErrorCode::IdPrefix);
    }
    if !PROVINCE_CODES.contains(&&value[..2]) {
        return Err(ErrorCode::IdRegion);
    }
    check_18_birth_and_check_char(value, today)
}

fn validate_residence_permit(value: &str, today: NaiveDate) -> Result<(), ErrorCode> {
    check_18_shape(value)?;
    if !RESIDENCE_PERMIT_PREFIXES.contains(&&value[..6]) {
        return Err(ErrorCode::IdPrefix);
    }
    check_18_birth_and_check_char(value, today)
}

/// The new card (from 2023-12-01) is 18 characters opening with 9, laid out like a 居民身份证
/// number; the old card is 3 letters (nationality) and 12 digits.
fn validate_permanent_residence(value: &str, today: NaiveDate) -> Result<(), ErrorCode> {
    match value.chars().count() {
        18 => {
            check_18_shape(value)?;
            if !value.starts_with('9') {
                return Err(ErrorCode::IdPrefix);
            }
            check_18_birth_and_check_char(value, today)
        }
        15 => {
            let bytes = value.as_bytes();
            let letters_ok = bytes[..3].iter().all(u8::is_ascii_uppercase);
            let digits_ok = bytes[3..].iter().all(u8::is_ascii_digit);
            if letters_ok && digits_ok {
                Ok(())
            } else {
                Err(ErrorCode::IdCharacters)
            }
        }
        _ => Err(ErrorCode::IdLength),
    }
}

/// H (Hong Kong) or M (Macau) and 8 digits; 10 digits where a renewal count is appended.
fn validate_hk_mo_permit(value: &str) -> Result<(), ErrorCode> {
    if !matches!(value.chars().count(), 9 | 11) {
        return Err(ErrorCode::IdLength);
    }
    if !value.is_ascii() {
        return Err(ErrorCode::IdCharacters);
    }
    if !value.starts_with(['H', 'M']) {
        return Err(ErrorCode::IdPrefix);
    }
    if !value.as_bytes()[1..].iter().all(u8::is_ascii_digit) {
        return Err(ErrorCode::IdCharacters);
    }
    Ok(())
}

/// 8 digits; 10 digits where a renewal count is appended.
fn validate_tw_permit(value: &str) -> Result<(), ErrorCode> {
    if !matches!(value.chars().count(), 8 | 10) {
        return Err(ErrorCode::IdLength);
    }
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ErrorCode::IdCharacters);
    }
    Ok(())
}

/// 5 to 17 letters and digits; Chinese numbers (see [`PassportKind`]) fit inside that rule.
fn validate_passport(value: &str) -> Result<(), ErrorCode> {
    if !(5..=17).contains(&value.chars().count()) {
        return Err(ErrorCode::IdLength);
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    {
        return Err(ErrorCode::IdCharacters);
    }
    Ok(())
}

/// 18 characters: 17 ASCII digits and a digit or X.
fn check_18_shape(value: &str) -> Result<(), ErrorCode> {
    if value.chars().count() != 18 {
        return Err(ErrorCode::IdLength);
    }
    let bytes = value.as_bytes();
    let body_ok = bytes[..17].iter().all(u8::is_ascii_digit);
    let last_ok = bytes[17].is_ascii_digit() || bytes[17] == b'X';
    if !body_ok || !last_ok {
        return Err(ErrorCode::IdCharacters);
    }
    Ok(())
}

/// The birth date a stored (validated, normalised) number carries: characters 7–14 of the
/// 18-character numbers; `None` for documents without one (travel permits, passports, the old
/// permanent-residence card).
pub fn birth_date(id_type: IdType, value: &str) -> Option<NaiveDate> {
    let carries_birth = match id_type {
        IdType::ResidentIdCard | IdType::ResidencePermitHmt => true,
        IdType::ForeignPermanentResidence => value.len() == 18,
        IdType::MainlandTravelPermitHkMo | IdType::MainlandTravelPermitTw | IdType::Passport => {
            false
        }
    };
    if !carries_birth || value.len() != 18 || !value.is_ascii() {
        return None;
    }
    NaiveDate::parse_from_str(&value[6..14], "%Y%m%d").ok()
}

/// The birth date in characters 7–14 (a real date from 1900 to `today`) and the GB 11643
/// check character; `value` has passed [`check_18_shape`].
fn check_18_birth_and_check_char(value: &str, today: NaiveDate) -> Result<(), ErrorCode> {
    let bytes = value.as_bytes();
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
        assert_eq!(resident("000102199001011237"), Err(ErrorCode::IdRegion));
        // Another document type's number: the type is wrong, not the region.
        assert_eq!(resident("810000199203050027"), Err(ErrorCode::IdPrefix));
        assert_eq!(resident("990102199001011237"), Err(ErrorCode::IdPrefix));
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

    fn parse(id_type: IdType, raw: &str) -> Result<IdNumber, ErrorCode> {
        IdNumber::parse(id_type, raw, today())
    }

    /// `first17` followed by its GB 11643 check character.
    fn with_check(first17: &str) -> String {
        let check = char::from(check_char(first17.as_bytes()));
        format!("{first17}{check}")
    }

    /// `first17` followed by a check character that is not its own.
    fn with_wrong_check(first17: &str) -> String {
        let right = check_char(first17.as_bytes());
        let wrong = if right == b'0' { '1' } else { '0' };
        format!("{first17}{wrong}")
    }

    #[test]
    fn should_accept_residence_permits_of_hong_kong_macau_and_taiwan() {
        for prefix in ["810000", "820000", "830000"] {
            let number = with_check(&format!("{prefix}19900101123"));
            let parsed = parse(IdType::ResidencePermitHmt, &number).unwrap();
            assert_eq!(parsed.expose(), number);
            assert_eq!(parsed.id_type(), IdType::ResidencePermitHmt);
        }
    }

    #[test]
    fn should_refuse_residence_permits_rule_by_rule() {
        let cases = [
            ("81000019900101123", ErrorCode::IdLength),
            ("81000019900101123A", ErrorCode::IdCharacters),
            ("640102199001011237", ErrorCode::IdPrefix),
            (&with_check("81000119900101123"), ErrorCode::IdPrefix),
            (&with_check("81000019900230123"), ErrorCode::IdBirthDate),
            (&with_check("81000020300101123"), ErrorCode::IdBirthDate),
            (
                &with_wrong_check("81000019900101123"),
                ErrorCode::IdCheckDigit,
            ),
        ];
        for (raw, code) in cases {
            assert_eq!(parse(IdType::ResidencePermitHmt, raw), Err(code), "{raw}");
        }
    }

    #[test]
    fn should_accept_new_and_old_permanent_residence_cards() {
        let new_card = with_check("93115619900101123");
        assert_eq!(
            parse(IdType::ForeignPermanentResidence, &new_card)
                .unwrap()
                .expose(),
            new_card
        );
        let old_card = parse(IdType::ForeignPermanentResidence, "usa 310190010112").unwrap();
        assert_eq!(old_card.expose(), "USA310190010112");
    }

    #[test]
    fn should_refuse_permanent_residence_cards_rule_by_rule() {
        let cases = [
            ("9311561990010112", ErrorCode::IdLength),
            ("USA3101900101120", ErrorCode::IdLength),
            ("93115619900101A23", ErrorCode::IdLength),
            ("93115619900101A234", ErrorCode::IdCharacters),
            ("US1310190010112", ErrorCode::IdCharacters),
            ("USA31019001011Z", ErrorCode::IdCharacters),
            (&with_check("83115619900101123"), ErrorCode::IdPrefix),
            (&with_check("93115619901301123"), ErrorCode::IdBirthDate),
            (
                &with_wrong_check("93115619900101123"),
                ErrorCode::IdCheckDigit,
            ),
        ];
        for (raw, code) in cases {
            assert_eq!(
                parse(IdType::ForeignPermanentResidence, raw),
                Err(code),
                "{raw}"
            );
        }
    }

    #[test]
    fn should_accept_hong_kong_and_macau_permits() {
        for (raw, stored) in [
            ("H12345678", "H12345678"),
            ("M1234567801", "M1234567801"),
            ("ｈ１２３４ ５６７８", "H12345678"),
        ] {
            let number = parse(IdType::MainlandTravelPermitHkMo, raw).unwrap();
            assert_eq!(number.expose(), stored);
        }
    }

    #[test]
    fn should_refuse_hong_kong_and_macau_permits_rule_by_rule() {
        let cases = [
            ("H1234567", ErrorCode::IdLength),
            ("H123456789", ErrorCode::IdLength),
            ("A12345678", ErrorCode::IdPrefix),
            ("123456789", ErrorCode::IdPrefix),
            ("H1234567A", ErrorCode::IdCharacters),
            ("H1234567号", ErrorCode::IdCharacters),
        ];
        for (raw, code) in cases {
            assert_eq!(
                parse(IdType::MainlandTravelPermitHkMo, raw),
                Err(code),
                "{raw}"
            );
        }
    }

    #[test]
    fn should_accept_and_refuse_taiwan_permits() {
        assert!(parse(IdType::MainlandTravelPermitTw, "12345678").is_ok());
        assert!(parse(IdType::MainlandTravelPermitTw, "1234567801").is_ok());
        let cases = [
            ("1234567", ErrorCode::IdLength),
            ("123456789", ErrorCode::IdLength),
            ("T1234567", ErrorCode::IdCharacters),
        ];
        for (raw, code) in cases {
            assert_eq!(
                parse(IdType::MainlandTravelPermitTw, raw),
                Err(code),
                "{raw}"
            );
        }
    }

    #[test]
    fn should_accept_chinese_and_foreign_passports() {
        let cases = [
            ("E12345678", PassportKind::Chinese),
            ("ea1234567", PassportKind::Chinese),
            ("ＥＢ１２３４５６７", PassportKind::Chinese),
            ("X1234", PassportKind::Foreign),
            ("C01X00T47", PassportKind::Foreign),
            ("AB1234567890CDEFG", PassportKind::Foreign),
        ];
        for (raw, kind) in cases {
            let number = parse(IdType::Passport, raw).unwrap();
            assert_eq!(passport_kind(number.expose()), kind, "{raw}");
        }
    }

    #[test]
    fn should_refuse_passports_rule_by_rule() {
        let cases = [
            ("X123", ErrorCode::IdLength),
            ("AB1234567890CDEFGH", ErrorCode::IdLength),
            ("E1234-567", ErrorCode::IdCharacters),
            ("护照12345", ErrorCode::IdCharacters),
        ];
        for (raw, code) in cases {
            assert_eq!(parse(IdType::Passport, raw), Err(code), "{raw}");
        }
    }

    #[test]
    fn should_name_every_type_on_the_wire_and_in_chinese() {
        let expected = [
            ("resident_id_card", "居民身份证"),
            ("residence_permit_hmt", "港澳台居民居住证"),
            ("mainland_travel_permit_hk_mo", "港澳居民来往内地通行证"),
            ("mainland_travel_permit_tw", "台湾居民来往大陆通行证"),
            ("foreign_permanent_residence", "外国人永久居留身份证"),
            ("passport", "护照"),
        ];
        assert_eq!(IdType::ALL.len(), expected.len());
        for (id_type, (wire, chinese)) in IdType::ALL.iter().zip(expected) {
            assert_eq!(id_type.as_str(), wire);
            assert_eq!(
                serde_json::to_string(id_type).unwrap(),
                format!("\"{wire}\"")
            );
            assert_eq!(id_type.display_name_zh(), chinese);
        }
    }

    #[test]
    fn should_list_every_document_type_in_all() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, U32Deserializer};

        // The derived `Deserialize` also reads a variant index, which counts the variants.
        for (index, id_type) in (0u32..).zip(IdType::ALL) {
            let deserializer: U32Deserializer<Error> = index.into_deserializer();
            assert_eq!(IdType::deserialize(deserializer).unwrap(), *id_type);
        }
        let past_the_end = u32::try_from(IdType::ALL.len()).unwrap();
        let deserializer: U32Deserializer<Error> = past_the_end.into_deserializer();
        assert!(IdType::deserialize(deserializer).is_err());
    }

    #[test]
    fn should_accept_names_with_cjk_extension_characters() {
        // U+20BB7 is in CJK Extension B, U+4DAE in Extension A; both are alphabetic in
        // Unicode. Written as escapes: the bundled font subset takes every character written
        // in the sources, and these belong to the rare-character fallback.
        assert!('\u{20BB7}'.is_alphabetic() && '\u{4DAE}'.is_alphabetic());
        assert_eq!(
            PersonName::parse("\u{20BB7}田").unwrap().expose(),
            "\u{20BB7}田"
        );
        assert_eq!(
            PersonName::parse("刘\u{4DAE}").unwrap().masked(),
            "*\u{4DAE}"
        );
    }

    proptest::proptest! {
        #[test]
        fn should_accept_any_number_with_a_computed_check_char_and_refuse_another(
            province in proptest::sample::select(PROVINCE_CODES),
            area in 0u32..10_000,
            days in 0i64..45_000,
            sequence in 0u32..1_000,
            wrong in 0usize..11,
        ) {
            let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
            let birth = (earliest + chrono::Duration::days(days)).min(today());
            let first17 = format!("{province}{area:04}{}{sequence:03}", birth.format("%Y%m%d"));
            let number = with_check(&first17);
            let parsed = resident(&number).unwrap();
            proptest::prop_assert_eq!(parsed.expose(), number.as_str());

            let right = check_char(first17.as_bytes());
            let other = CHECK_CHARS[wrong];
            proptest::prop_assume!(other != right);
            let changed = format!("{first17}{}", char::from(other));
            proptest::prop_assert_eq!(resident(&changed), Err(ErrorCode::IdCheckDigit));
        }
    }

    #[test]
    fn should_normalise_middle_dots_and_refuse_bad_names() {
        let name = PersonName::parse(" 买买提•艾力 ").unwrap();
        assert_eq!(name.expose(), "买买提·艾力");
        assert_eq!(PersonName::parse("张"), Err(ErrorCode::NameInvalid));
        assert_eq!(PersonName::parse("张3"), Err(ErrorCode::NameInvalid));
    }
}
