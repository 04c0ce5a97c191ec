//! The resident_id_card parser: see `shebao_fuzz::check_id_number` for the properties.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shebao_core::IdType;

fuzz_target!(|raw: &str| shebao_fuzz::check_id_number(IdType::ResidentIdCard, raw));
