//! The properties the fuzz targets assert, shared so that each target stays one line.
//! A property that does not hold panics, which libFuzzer reports as a crash with the input.

use chrono::NaiveDate;
use shebao_core::id::normalise;
use shebao_core::{IdNumber, IdType, PersonName};

/// A fixed "today", so that a birth-date refusal does not depend on when the fuzzer runs.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default()
}

/// Parses `raw` as a document of `id_type` and checks, whatever the outcome:
/// - parsing the normal form of `raw` gives the same answer (number or refusal code);
/// - normalising is idempotent;
/// - an accepted number is stored in its normal form, parses again to itself, keeps its type,
///   and its masked form (which `Display` and `Debug` show) never holds the full number.
pub fn check_id_number(id_type: IdType, raw: &str) {
    let parsed = IdNumber::parse(id_type, raw, today());
    let normal = normalise(raw);
    assert_eq!(normalise(&normal), normal, "normalise is not idempotent");
    assert_eq!(
        IdNumber::parse(id_type, &normal, today()),
        parsed,
        "parse(normalise(x)) differs from parse(x)"
    );
    let Ok(number) = parsed else { return };
    let full = number.expose();
    assert_eq!(full, normal, "an accepted number is not stored normalised");
    assert_eq!(number.id_type(), id_type);
    assert_eq!(
        IdNumber::parse(id_type, full, today()).as_ref(),
        Ok(&number),
        "an accepted number does not parse again to itself"
    );
    let masked = number.masked();
    assert_eq!(masked.chars().count(), full.chars().count());
    assert!(
        !masked.contains(full),
        "the masked form shows the full number"
    );
    assert_eq!(number.to_string(), masked);
    assert_eq!(format!("{number:?}"), format!("IdNumber({masked})"));
}

/// The document type picked by one byte, so a target can cover every type.
pub fn id_type_from_byte(byte: u8) -> IdType {
    IdType::ALL[usize::from(byte) % IdType::ALL.len()]
}

/// Parses `raw` as a name and checks that an accepted name is its own normal form and that
/// its masked form (which `Display` and `Debug` show) never holds the full name.
pub fn check_person_name(raw: &str) {
    let Ok(name) = PersonName::parse(raw) else {
        return;
    };
    let full = name.expose();
    assert_eq!(
        PersonName::parse(full).as_ref(),
        Ok(&name),
        "an accepted name does not parse again to itself"
    );
    let masked = name.masked();
    assert_eq!(masked.chars().count(), full.chars().count());
    assert!(
        !masked.contains(full),
        "the masked form shows the full name"
    );
    assert_eq!(name.to_string(), masked);
    assert_eq!(format!("{name:?}"), format!("PersonName({masked})"));
}
