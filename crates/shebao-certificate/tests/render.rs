//! Renders payment certificates and reads them back the way a verifier would: the QR decoded
//! by two independent decoders (rqrr in-process, zbarimg from zbar-tools), its signature
//! verified, its figures compared with what was rendered.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test loudly on anything unexpected"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use shebao_certificate::{
    CertificateLine, CertificateView, FontFace, Fonts, PAYMENT_CERTIFICATE_TITLE, RenderError,
    SANDBOX_TAX_OFFICE, decode_qr_from_png, fixed_characters, render_payment_certificate,
};
use shebao_core::certificate::{CertificatePayload, SignedCertificate, holder_tag};
use shebao_core::{Amount, IdNumber, IdType, PersonName, YearMonth};

const BUNDLED_FONT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fonts/NotoSansSC-Subset.otf"
);
const SYSTEM_CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The Simplified Chinese face inside the Noto Sans CJK collection.
const SYSTEM_CJK_SC_FACE: u32 = 2;
const SYSTEM_LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const ORIGIN: &str = "http://127.0.0.1:8080";
/// A CJK Extension B character that neither the bundled subset nor Noto Sans CJK has.
const RARE: char = '\u{20000}';

fn fonts() -> Fonts {
    if Path::new(BUNDLED_FONT).exists() {
        return Fonts::load(Path::new(BUNDLED_FONT)).unwrap();
    }
    assert!(
        Path::new(SYSTEM_CJK_FONT).exists(),
        "no font to render with: neither {BUNDLED_FONT} nor {SYSTEM_CJK_FONT} (fonts-noto-cjk)"
    );
    eprintln!("bundled font missing; rendering with {SYSTEM_CJK_FONT}");
    let face = FontFace::load_index(Path::new(SYSTEM_CJK_FONT), SYSTEM_CJK_SC_FACE).unwrap();
    Fonts {
        primary: face,
        fallback: None,
    }
}

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32])
}

fn month(text: &str) -> YearMonth {
    text.parse().unwrap()
}

struct Person {
    name: PersonName,
    id_number: IdNumber,
}

fn person(name: &str, id_number: &str) -> Person {
    let today = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    Person {
        name: PersonName::parse(name).unwrap(),
        id_number: IdNumber::parse(IdType::ResidentIdCard, id_number, today).unwrap(),
    }
}

fn pension_line(first: &str, last: &str, base: &str, amount: &str) -> CertificateLine {
    CertificateLine {
        item_name: "企业职工基本养老保险费".into(),
        sub_item_name: "职工基本养老保险(个人缴纳)".into(),
        first_month: month(first),
        last_month: month(last),
        base: base.parse().unwrap(),
        rate: "0.20".parse().unwrap(),
        amount: amount.parse().unwrap(),
    }
}

/// A view whose signed payload is computed from its own lines, as the gateway would.
fn view(holder: &Person, lines: Vec<CertificateLine>, sandbox: bool) -> CertificateView {
    let number = 20250000000456;
    let total: Amount = lines.iter().map(|line| line.amount).sum();
    let payload = CertificatePayload {
        key_index: 1,
        number,
        amount_fen: u32::try_from(total.fen()).unwrap(),
        first_month: lines.iter().map(|line| line.first_month).min().unwrap(),
        last_month: lines.iter().map(|line| line.last_month).max().unwrap(),
        issued_on: NaiveDate::from_ymd_opt(2025, 7, 3).unwrap(),
        holder_tag: holder_tag(number, holder.id_number.expose(), holder.name.expose()),
    };
    CertificateView {
        title: PAYMENT_CERTIFICATE_TITLE.into(),
        name_masked: holder.name.masked(),
        id_number_masked: holder.id_number.masked(),
        id_type_name: "居民身份证".into(),
        lines,
        ticket_number: "364016250700012345".into(),
        tax_office: SANDBOX_TAX_OFFICE.into(),
        sandbox,
        certificate: payload.sign(&signing_key()).unwrap(),
        verify_origin: ORIGIN.into(),
    }
}

fn ma_xiaoyan() -> Person {
    person("马小燕", "640104199003150022")
}

/// Where a rendered example is kept for people to look at: `target/tmp/`.
fn keep_example(name: &str, png: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, png).unwrap();
    path
}

fn zbarimg(path: &Path) -> Option<String> {
    match Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(path)
        .output()
    {
        Ok(output) => {
            assert!(
                output.status.success(),
                "zbarimg failed on {}",
                path.display()
            );
            Some(
                String::from_utf8(output.stdout)
                    .unwrap()
                    .trim_end()
                    .to_owned(),
            )
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "zbarimg is missing on CI: install zbar-tools"
            );
            eprintln!("SKIPPED the zbarimg check: zbarimg not installed (apt install zbar-tools)");
            None
        }
        Err(error) => panic!("zbarimg could not run: {error}"),
    }
}

/// Decodes the QR with both decoders, parses it, verifies it and returns the certificate.
fn read_back(png: &[u8], file: &Path) -> SignedCertificate {
    let text = decode_qr_from_png(png).unwrap();
    if let Some(zbar_text) = zbarimg(file) {
        assert_eq!(zbar_text, text, "zbarimg and rqrr disagree");
    }
    let (origin, certificate) = SignedCertificate::parse_qr_text(&text).unwrap();
    assert_eq!(origin, ORIGIN.to_ascii_uppercase());
    certificate.verify(&signing_key().verifying_key()).unwrap();
    certificate
}

#[test]
fn should_render_a_certificate_whose_qr_verifies_and_matches_it() {
    let holder = ma_xiaoyan();
    let view = view(
        &holder,
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );

    let png = render_payment_certificate(&view, &fonts()).unwrap();

    let image = image::load_from_memory(&png).unwrap();
    assert_eq!(image.width(), 1080);
    let file = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(file.path(), &png).unwrap();
    let certificate = read_back(&png, file.path());
    let payload = certificate.payload();
    assert_eq!(payload.amount_fen, 99100);
    assert_eq!(
        (payload.first_month, payload.last_month),
        (month("2025-06"), month("2025-06"))
    );
    assert_eq!(
        payload.holder_tag,
        holder_tag(payload.number, "640104199003150022", "马小燕")
    );
    assert_eq!(&certificate, &view.certificate);
    keep_example("payment-certificate.png", &png);
}

#[test]
fn should_keep_the_sandbox_watermark_off_the_qr_and_wrap_long_values() {
    let holder = ma_xiaoyan();
    let lines = vec![
        pension_line("2025-04", "2025-06", "4955.00", "2973.00"),
        CertificateLine {
            item_name: "职工基本医疗保险费".into(),
            sub_item_name: "职工基本医疗保险(个人缴纳)".into(),
            rate: "0.085".parse().unwrap(),
            ..pension_line("2025-04", "2025-06", "4955.00", "1263.54")
        },
    ];
    let mut view = view(&holder, lines, true);
    view.tax_office =
        "国家税务总局宁夏回族自治区银川市金凤区税务局第一税务所（办税服务厅）（演示）".into();

    let png = render_payment_certificate(&view, &fonts()).unwrap();

    let path = keep_example("payment-certificate-sandbox.png", &png);
    let certificate = read_back(&png, &path);
    assert_eq!(certificate.payload().amount_fen, 423654);
    assert_eq!(certificate.payload().first_month, month("2025-04"));
}

#[test]
fn should_refuse_a_name_no_font_can_draw() {
    let fonts = fonts();
    assert!(
        !fonts.has_glyph(RARE),
        "the test needs a character the font lacks"
    );
    let holder = person(&format!("王{RARE}"), "640104199003150022");
    let view = view(
        &holder,
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );

    let result = render_payment_certificate(&view, &fonts);

    match result {
        Err(RenderError::MissingGlyph { character }) => assert_eq!(character, RARE),
        other => panic!("expected MissingGlyph, got {other:?}"),
    }
}

#[test]
fn should_draw_from_the_fallback_what_the_primary_face_lacks() {
    let paths = [SYSTEM_LATIN_FONT, SYSTEM_CJK_FONT];
    if let Some(missing) = paths.iter().find(|path| !Path::new(path).exists()) {
        eprintln!("SKIPPED the fallback check: {missing} not installed");
        return;
    }
    let latin = Fonts::load(Path::new(SYSTEM_LATIN_FONT)).unwrap();
    assert!(!latin.has_glyph('缴'));
    let cjk = FontFace::load_index(Path::new(SYSTEM_CJK_FONT), SYSTEM_CJK_SC_FACE).unwrap();
    let fonts = latin.with_fallback(cjk);
    let view = view(
        &ma_xiaoyan(),
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );

    let png = render_payment_certificate(&view, &fonts).unwrap();

    assert_eq!(
        decode_qr_from_png(&png).unwrap(),
        view.certificate.qr_text(ORIGIN)
    );
}

#[test]
fn should_refuse_lines_that_disagree_with_the_signed_payload() {
    let holder = ma_xiaoyan();
    let mut wrong_amount = view(
        &holder,
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );
    wrong_amount.lines[0].amount = "990.00".parse().unwrap();
    let mut wrong_period = wrong_amount.clone();
    wrong_period.lines[0].amount = "991.00".parse().unwrap();
    wrong_period.lines[0].last_month = month("2025-07");

    for (view, field) in [(wrong_amount, "amount"), (wrong_period, "fee_period")] {
        match render_payment_certificate(&view, &fonts()) {
            Err(RenderError::Inconsistent { field: found }) => assert_eq!(found, field),
            other => panic!("expected Inconsistent({field}), got {other:?}"),
        }
    }
}

#[test]
fn should_find_every_fixed_character_in_the_bundled_font() {
    let fonts = fonts();
    let missing: String = fixed_characters()
        .chars()
        .filter(|c| !fonts.has_glyph(*c))
        .collect();
    assert_eq!(missing, "", "characters the page draws that the font lacks");
}

#[test]
fn should_report_an_image_without_a_qr() {
    let mut png = Vec::new();
    image::RgbImage::from_pixel(200, 200, image::Rgb([255, 255, 255]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert!(matches!(
        decode_qr_from_png(&png),
        Err(shebao_certificate::DecodeError::NotFound)
    ));
    assert!(matches!(
        decode_qr_from_png(b"not a png"),
        Err(shebao_certificate::DecodeError::Image(_))
    ));
}
