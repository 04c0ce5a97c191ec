//! Random identifiers and secrets: resource ids, request ids, ticket numbers, tokens.

use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use shebao_core::sign::b64;

/// `prefix` + `bytes` random bytes in base64url, e.g. `att_` + 16 bytes.
pub fn random_id(prefix: &str, bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    format!("{prefix}{}", b64(&buffer))
}

/// `req_` + 12 random bytes.
pub fn request_id() -> String {
    random_id("req_", 12)
}

/// `count` random decimal digits, the first one not zero.
pub fn random_digits(count: usize) -> String {
    let mut rng = OsRng;
    (0..count)
        .map(|position| {
            let low = if position == 0 { 1 } else { 0 };
            char::from(b'0' + rng.gen_range(low..10u8))
        })
        .collect()
}

/// 32 random bytes, base64url: a bearer secret such as an identity token.
pub fn secret_token() -> String {
    let mut buffer = [0u8; 32];
    OsRng.fill_bytes(&mut buffer);
    b64(&buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_make_twenty_digit_ticket_numbers() {
        let digits = random_digits(20);
        assert_eq!(digits.len(), 20);
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(digits.as_bytes()[0], b'0');
    }

    #[test]
    fn should_make_url_safe_ids() {
        let id = random_id("att_", 16);
        assert_eq!(id.len(), 4 + 22);
        assert!(
            id[4..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
