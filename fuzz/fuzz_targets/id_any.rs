//! The type-dispatching `IdNumber::parse`: the first byte picks the document type, the rest
//! is the number; see `shebao_fuzz::check_id_number` for the properties.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&type_byte, rest)) = data.split_first() else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(rest) else {
        return;
    };
    shebao_fuzz::check_id_number(shebao_fuzz::id_type_from_byte(type_byte), raw);
});
