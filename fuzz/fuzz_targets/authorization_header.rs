//! The request `Authorization` header the gateway reads from any client, and the response
//! `Shebao-Signature` header the app reads from the network: an accepted header must render
//! to a header that parses to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shebao_core::sign::{AuthorizationHeader, ResponseSignatureHeader};

fuzz_target!(|value: &str| {
    if let Ok(header) = AuthorizationHeader::parse(value) {
        assert_eq!(
            AuthorizationHeader::parse(&header.to_header_value()).as_ref(),
            Ok(&header)
        );
    }
    if let Ok(header) = ResponseSignatureHeader::parse(value) {
        assert_eq!(
            ResponseSignatureHeader::parse(&header.to_header_value()).as_ref(),
            Ok(&header)
        );
    }
});
