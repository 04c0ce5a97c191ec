//! Captcha images a person can read: five characters from a set without look-alikes
//! (no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B), lightly distorted, as a PNG.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use captcha::Captcha;
use captcha::filters::{Noise, Wave};
use shebao_core::sign::sha256_hex;

const CHARACTERS: [char; 24] = [
    '3', '4', '6', '7', '9', 'A', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'M', 'N', 'P', 'R', 'T',
    'U', 'V', 'W', 'X', 'Y',
];
const LENGTH: u32 = 5;

pub struct CaptchaImage {
    /// Upper-case; never logged.
    pub answer: String,
    pub png: Vec<u8>,
}

/// Draws a new captcha (CPU work: call it off the async threads).
pub fn generate() -> Option<CaptchaImage> {
    let mut captcha = Captcha::new();
    captcha
        .set_chars(&CHARACTERS)
        .add_chars(LENGTH)
        .apply_filter(Noise::new(0.05))
        .apply_filter(Wave::new(2.0, 6.0).horizontal())
        .view(200, 70);
    let (answer, png) = captcha.as_tuple()?;
    Some(CaptchaImage {
        answer: answer.to_uppercase(),
        png,
    })
}

/// The stored form of an answer: SHA-256 of the trimmed, upper-cased text, so the comparison
/// ignores case.
pub fn answer_hash(answer: &str) -> String {
    sha256_hex(answer.trim().to_uppercase().as_bytes())
}

pub fn data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", STANDARD.encode(png))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn should_draw_five_unambiguous_characters_as_a_png() {
        let image = generate().unwrap();
        assert_eq!(image.answer.chars().count(), 5);
        assert!(image.answer.chars().all(|c| CHARACTERS.contains(&c)));
        assert!(image.png.starts_with(b"\x89PNG"));
    }

    #[test]
    fn should_compare_answers_without_case() {
        assert_eq!(answer_hash("ab3cd"), answer_hash(" AB3CD "));
    }
}
