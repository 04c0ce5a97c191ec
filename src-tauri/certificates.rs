//! Certificates on this device (缴费证明 and 完税证明): check the gateway's certificate against
//! the keys the app trusts, render it as a PNG and save it to the album through
//! `tauri-plugin-album` (Pictures/社保缴费助手 on desktop, the photo library on phones).

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use shebao_certificate::{
    CertificateKind, CertificateLine, CertificateView, FontFace, Fonts, PageFormat, RARE_FONT_FILE,
};
use shebao_client::TrustedKeys;
use shebao_core::certificate::SignedCertificate;
use shebao_core::wire::{IssuedCertificate, PaymentCertificate};
use tauri_plugin_album::{ImageRequest, SavedImage};

use crate::error::CommandError;

/// The UI and certificate font, shipped as an app resource.
pub const FONT_RESOURCE: &str = "fonts/NotoSansSC-Subset.otf";

/// Where certificate images go: the album plugin in the app, a plain folder in tests.
pub trait Album: Send + Sync {
    fn save_image(&self, request: ImageRequest) -> Result<SavedImage, tauri_plugin_album::Error>;
}

/// The album plugin of the running app (`tauri_plugin_album::init()` registers it).
pub struct PluginAlbum<R: tauri::Runtime>(pub tauri::AppHandle<R>);

impl<R: tauri::Runtime> Album for PluginAlbum<R> {
    fn save_image(&self, request: ImageRequest) -> Result<SavedImage, tauri_plugin_album::Error> {
        use tauri_plugin_album::AlbumExt;
        self.0.album().save_image(request)
    }
}

/// A folder standing in for the album (tests): the plugin's own desktop writer.
#[cfg(test)]
pub struct FolderAlbum(pub std::path::PathBuf);

#[cfg(test)]
impl Album for FolderAlbum {
    fn save_image(&self, request: ImageRequest) -> Result<SavedImage, tauri_plugin_album::Error> {
        let path = tauri_plugin_album::desktop::save_in(&self.0, &request)?;
        Ok(SavedImage {
            location: path.to_string_lossy().into_owned(),
            file_name: request.file_name,
        })
    }
}

pub type SharedAlbum = Arc<dyn Album>;

/// A certificate saved on this device.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SavedCertificate {
    /// The gateway's certificate as issued, tagged with its `kind` (`payment`, `tax_payment`).
    pub certificate: IssuedCertificate,
    /// Where the first page went: a file path on desktop, a `content://` URI on Android, a
    /// photo-library identifier on iOS.
    pub path: String,
    pub file_name: String,
    /// Every page's location, the first one included.
    pub pages: Vec<String>,
}

/// Checks that the certificate's QR is signed by a trusted certificate key and says what the
/// certificate's fields say (amount and fee period).
pub fn verify(
    certificate: &IssuedCertificate,
    trusted: &TrustedKeys,
) -> Result<(String, SignedCertificate), CommandError> {
    let refused = |what: &str| CommandError::new("certificate_invalid", what.to_owned());
    let (origin, signed) = SignedCertificate::parse_qr_text(certificate.qr_text())
        .map_err(|_| refused("certificate QR does not parse"))?;
    let payload = signed.payload();
    let key = trusted
        .certificate_key(payload.key_index)
        .ok_or_else(|| refused("certificate signed by an unknown key"))?;
    signed
        .verify(key)
        .map_err(|_| refused("certificate signature does not verify"))?;

    let amount_matches = i64::from(payload.amount_fen) == certificate.total().fen();
    let period_matches =
        certificate.fee_period() == Some((payload.first_month, payload.last_month));
    let number_matches = certificate.number() == payload.number.to_string();
    if !amount_matches || !period_matches || !number_matches {
        return Err(refused("certificate fields differ from its signed QR"));
    }
    Ok((origin.to_ascii_lowercase(), signed))
}

/// Renders the certificate's pages as PNG images.
pub fn render(
    certificate: &IssuedCertificate,
    signed: SignedCertificate,
    verify_origin: String,
    sandbox: bool,
    font_path: &Path,
) -> Result<Vec<Vec<u8>>, CommandError> {
    let font_unavailable = |error: shebao_certificate::RenderError| {
        tracing::error!(%error, "certificate font unavailable");
        CommandError::new("render_failed", "certificate font unavailable")
    };
    let mut fonts = Fonts::load(font_path).map_err(font_unavailable)?;
    // The rare-character fallback ships next to the common font.
    let rare = font_path.with_file_name(RARE_FONT_FILE);
    if rare.exists() {
        fonts = fonts.with_fallback(FontFace::load(&rare).map_err(font_unavailable)?);
    }
    let view = match certificate {
        IssuedCertificate::Payment(certificate) => {
            payment_view(certificate, signed, verify_origin, sandbox)
        }
        IssuedCertificate::TaxPayment(certificate) => {
            let mut view = CertificateView::tax_payment(certificate, sandbox).map_err(|error| {
                tracing::error!(code = error.code(), "certificate render failed");
                CommandError::new("render_failed", error.code())
            })?;
            // The payload and origin as checked by `verify`, as for a 缴费证明.
            view.certificate = signed;
            view.verify_origin = verify_origin;
            view
        }
    };
    shebao_certificate::render_certificate(&view, &fonts, PageFormat::Png).map_err(|error| {
        tracing::error!(code = error.code(), "certificate render failed");
        CommandError::new("render_failed", error.code())
    })
}

/// The view of a 缴费证明: one ticket for the whole certificate.
fn payment_view(
    certificate: &PaymentCertificate,
    signed: SignedCertificate,
    verify_origin: String,
    sandbox: bool,
) -> CertificateView {
    CertificateView {
        kind: CertificateKind::Payment,
        name_masked: certificate.name_masked.clone(),
        id_number_masked: certificate.id_number_masked.clone(),
        id_type_name: certificate.id_type.display_name_zh().to_owned(),
        lines: certificate
            .lines
            .iter()
            .map(|line| CertificateLine {
                item_name: line.item_name.clone(),
                sub_item_name: line.sub_item_name.clone(),
                first_month: line.period_start,
                last_month: line.period_end,
                base: line.base,
                rate: line.rate,
                amount: line.amount,
                ticket_number: None,
            })
            .collect(),
        ticket_number: certificate.ticket_number.clone(),
        tax_office: certificate.tax_office.clone(),
        sandbox,
        certificate: signed,
        verify_origin,
    }
}

/// Saves rendered pages to the album: the first under [`file_name`], further pages (a
/// certificate too long for one image) as `_第n页`.
pub fn save_pages(
    certificate: &IssuedCertificate,
    pages: Vec<Vec<u8>>,
    album: &dyn Album,
) -> Result<SavedCertificate, CommandError> {
    let file_name = file_name(certificate);
    let mut locations = Vec::with_capacity(pages.len());
    for (index, bytes) in pages.into_iter().enumerate() {
        let page_name = match index {
            0 => file_name.clone(),
            _ => page_file_name(&file_name, index + 1),
        };
        let saved = album
            .save_image(ImageRequest {
                bytes,
                file_name: page_name,
            })
            .map_err(save_failed)?;
        locations.push(saved.location);
    }
    tracing::info!(number = %certificate.number(), kind = ?certificate.kind(), "certificate saved");
    Ok(SavedCertificate {
        certificate: certificate.clone(),
        path: locations.first().cloned().unwrap_or_default(),
        file_name,
        pages: locations,
    })
}

/// `缴费证明_..._<number>_第2页.png` for the second page.
pub fn page_file_name(first: &str, page: usize) -> String {
    match first.strip_suffix(".png") {
        Some(stem) => format!("{stem}_第{page}页.png"),
        None => format!("{first}_第{page}页"),
    }
}

fn save_failed(error: tauri_plugin_album::Error) -> CommandError {
    tracing::error!(%error, "certificate could not be saved");
    CommandError::new("save_failed", error.to_string())
}

/// `缴费证明_<fee period>_<certificate number>.png` (`完税证明_…` for a 完税证明).
pub fn file_name(certificate: &IssuedCertificate) -> String {
    let period = match certificate.fee_period() {
        Some((first, last)) if first == last => first.to_string(),
        Some((first, last)) => format!("{first}至{last}"),
        None => "未知所属期".to_owned(),
    };
    format!(
        "{}_{period}_{}.png",
        certificate.kind().title_zh(),
        certificate.number()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use shebao_core::wire::{CertificateLine as WireLine, CertificateStatus};

    fn certificate() -> IssuedCertificate {
        IssuedCertificate::Payment(PaymentCertificate {
            number: "20250000000001".into(),
            order_id: "ord_1".into(),
            ticket_number: "1".into(),
            name_masked: "马*燕".into(),
            id_number_masked: "640104********0022".into(),
            id_type: shebao_core::IdType::ResidentIdCard,
            lines: vec![WireLine {
                item: shebao_core::policy::InsuranceItem::Pension,
                item_name: "企业职工基本养老保险费".into(),
                sub_item_name: "职工基本养老保险(个人缴纳)".into(),
                period_start: "2025-04".parse().unwrap(),
                period_end: "2025-06".parse().unwrap(),
                base: "4955".parse().unwrap(),
                rate: "0.20".parse().unwrap(),
                amount: "2973".parse().unwrap(),
            }],
            total: "2973".parse().unwrap(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap(),
            tax_office: "国家税务总局银川市税务局（演示）".into(),
            qr_text: String::new(),
            status: CertificateStatus::Valid,
        })
    }

    #[test]
    fn should_name_the_file_by_kind_period_and_number() {
        assert_eq!(
            file_name(&certificate()),
            "缴费证明_2025-04至2025-06_20250000000001.png"
        );
    }

    #[test]
    fn should_name_a_tax_payment_certificate_file_by_its_kind() {
        let IssuedCertificate::Payment(payment) = certificate() else {
            unreachable!("a payment certificate")
        };
        let tax = IssuedCertificate::TaxPayment(shebao_core::wire::TaxPaymentCertificate {
            number: "20250000000002".into(),
            order_ids: vec![payment.order_id.clone()],
            name_masked: payment.name_masked.clone(),
            id_number_masked: payment.id_number_masked.clone(),
            id_type: payment.id_type,
            lines: payment
                .lines
                .iter()
                .map(|line| shebao_core::wire::TaxPaymentLine {
                    ticket_number: payment.ticket_number.clone(),
                    line: line.clone(),
                })
                .collect(),
            total: payment.total,
            issued_on: payment.issued_on,
            tax_office: payment.tax_office.clone(),
            qr_text: String::new(),
            status: CertificateStatus::Valid,
        });
        assert_eq!(
            file_name(&tax),
            "完税证明_2025-04至2025-06_20250000000002.png"
        );
    }

    #[test]
    fn should_refuse_a_certificate_whose_qr_does_not_parse() {
        let keys = TrustedKeys::from_key_set(&shebao_core::wire::KeySet { keys: vec![] }).unwrap();
        let error = verify(&certificate(), &keys).unwrap_err();
        assert_eq!(error.code, "certificate_invalid");
    }
}
