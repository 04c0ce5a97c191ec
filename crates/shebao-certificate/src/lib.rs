//! Certificate images (缴费证明, 完税证明): pages drawn 1080 px wide as PNG or JPEG, each with
//! the signed QR, and the QR read back from an image for verification. No Tauri here; the app
//! and the tests call it alike.

mod canvas;
mod decode;
mod fonts;
mod render;

pub use decode::{DecodeError, decode_qr_from_png};
pub use fonts::{BUNDLED_FONT_FILE, FontFace, Fonts, RARE_FONT_FILE};
pub use render::{
    CertificateLine, CertificateView, MAX_PAGE_HEIGHT, PAYMENT_CERTIFICATE_TITLE, PageFormat,
    SANDBOX_TAX_OFFICE, draw_certificate, encode_page, fixed_characters, render_certificate,
};
pub use shebao_core::certificate::CertificateKind;

use std::path::PathBuf;

use shebao_core::capitals::CapitalsError;

/// Why a certificate could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("font file {path} could not be read")]
    FontUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a font file or face")]
    FontInvalid,
    /// No face has the character: the page would show a blank or a box in its place.
    #[error("no font has a glyph for {character:?} (U+{:04X})", u32::from(*character))]
    MissingGlyph { character: char },
    /// The view disagrees with its signed payload.
    #[error("certificate view disagrees with its signed payload on {field}")]
    Inconsistent { field: &'static str },
    #[error("amount has no capitals form: {0}")]
    Capitals(#[from] CapitalsError),
    #[error("QR text does not fit a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
    #[error("image encoding failed: {0}")]
    Encode(#[from] image::ImageError),
}

impl RenderError {
    /// A stable snake_case code for the app to map to its own text.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FontUnreadable { .. } => "font_unreadable",
            Self::FontInvalid => "font_invalid",
            Self::MissingGlyph { .. } => "missing_glyph",
            Self::Inconsistent { .. } => "certificate_inconsistent",
            Self::Capitals(_) => "amount_invalid",
            Self::Qr(_) => "qr_too_long",
            Self::Encode(_) => "image_encoding",
        }
    }
}
