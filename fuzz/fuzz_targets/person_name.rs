//! The name normaliser and validator: see `shebao_fuzz::check_person_name`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| shebao_fuzz::check_person_name(raw));
