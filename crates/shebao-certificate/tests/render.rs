//! Renders certificates (缴费证明, 完税证明) and reads every page back the way a verifier
//! would: the QR decoded by two independent decoders (rqrr in-process, zbarimg from
//! zbar-tools), its signature verified, its figures compared with what was rendered.
//!
//! Rare characters are written as escapes: the bundled font subset takes every character
//! written in the sources, and these must come from the rare-character fallback.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers fail the test loudly on anything unexpected"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use shebao_certificate::{
    BUNDLED_FONT_FILE, CertificateKind, CertificateLine, CertificateView, FontFace, Fonts,
    MAX_PAGE_HEIGHT, PageFormat, RenderError, SANDBOX_TAX_OFFICE, decode_qr_from_png,
    fixed_characters, render_certificate,
};
use shebao_core::certificate::{CertificatePayload, SignedCertificate, holder_tag};
use shebao_core::wire::TaxPaymentCertificate;
use shebao_core::{Amount, IdNumber, IdType, PersonName, YearMonth};

const FONTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts");
const SYSTEM_CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The Simplified Chinese face inside the Noto Sans CJK collection.
const SYSTEM_CJK_SC_FACE: u32 = 2;
const SYSTEM_LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const ORIGIN: &str = "http://127.0.0.1:8080";
/// A CJK Extension B character that neither bundled face has (U+20000).
const RARE: char = '\u{20000}';

/// The bundled faces, as the app loads them: common subset, then the rare-character fallback.
fn fonts() -> Fonts {
    Fonts::load_bundled(Path::new(FONTS)).unwrap()
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
        ticket_number: None,
    }
}

/// A view whose signed payload is computed from its own lines, as the gateway would.
fn view(holder: &Person, lines: Vec<CertificateLine>, sandbox: bool) -> CertificateView {
    view_of(CertificateKind::Payment, holder, lines, sandbox)
}

fn view_of(
    kind: CertificateKind,
    holder: &Person,
    lines: Vec<CertificateLine>,
    sandbox: bool,
) -> CertificateView {
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
        kind,
        name_masked: holder.name.masked(),
        id_number_masked: holder.id_number.masked(),
        id_type_name: "居民身份证".into(),
        lines,
        ticket_number: match kind {
            CertificateKind::Payment => "364016250700012345".into(),
            CertificateKind::TaxPayment => String::new(),
        },
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

/// Renders `view` in `format`, keeps each page as an example named `name`(-n), checks each
/// page's size, and reads each page back: every page carries the view's own QR.
fn render_and_read_back(view: &CertificateView, format: PageFormat, name: &str) -> usize {
    let pages = render_certificate(view, &fonts(), format).unwrap();
    for (index, page) in pages.iter().enumerate() {
        let image = image::load_from_memory(page).unwrap();
        assert_eq!(image.width(), 1080, "page {index}");
        assert!(image.height() <= MAX_PAGE_HEIGHT, "page {index} overflows");
        let file_name = match pages.len() {
            1 => format!("{name}.{}", format.extension()),
            _ => format!("{name}-{}.{}", index + 1, format.extension()),
        };
        let path = keep_example(&file_name, page);
        let certificate = read_back(page, &path);
        assert_eq!(certificate, view.certificate, "page {index}");
    }
    pages.len()
}

/// Decodes the QR with both decoders, parses it, verifies it and returns the certificate.
fn read_back(image: &[u8], file: &Path) -> SignedCertificate {
    let text = decode_qr_from_png(image).unwrap();
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

    let pages = render_certificate(&view, &fonts(), PageFormat::Png).unwrap();

    assert_eq!(pages.len(), 1);
    assert_eq!(image::load_from_memory(&pages[0]).unwrap().width(), 1080);
    let file = keep_example("payment-certificate.png", &pages[0]);
    let certificate = read_back(&pages[0], &file);
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
}

#[test]
fn should_render_a_jpeg_whose_qr_both_decoders_read() {
    let view = view(
        &ma_xiaoyan(),
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );

    let pages = render_certificate(&view, &fonts(), PageFormat::Jpeg).unwrap();

    assert!(pages[0].starts_with(&[0xFF, 0xD8, 0xFF]), "a JPEG");
    assert_eq!(
        render_and_read_back(&view, PageFormat::Jpeg, "payment-certificate-jpeg"),
        1
    );
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

    let pages = render_and_read_back(&view, PageFormat::Png, "payment-certificate-sandbox");

    assert_eq!(pages, 1);
    assert_eq!(view.certificate.payload().amount_fen, 423654);
}

#[test]
fn should_render_rare_name_characters_with_the_fallback_face() {
    // U+20BB7 (Extension B) and U+5803 (outside GB2312) kept by the mask; U+4DAE
    // (Extension A) as the last character of a two-character name.
    let common = Fonts::load(&Path::new(FONTS).join(BUNDLED_FONT_FILE)).unwrap();
    for (name, shown) in [
        ("\u{20BB7}明\u{5803}", "\u{20BB7}*\u{5803}"),
        ("刘\u{4DAE}", "*\u{4DAE}"),
    ] {
        let holder = person(name, "640104199003150022");
        assert_eq!(holder.name.masked(), shown);
        assert!(
            shown.chars().any(|c| !common.has_glyph(c)),
            "the name needs the fallback face"
        );
        let view = view(
            &holder,
            vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
            false,
        );

        let file = format!("payment-certificate-rare-{}", name.chars().count());
        assert_eq!(render_and_read_back(&view, PageFormat::Png, &file), 1);
    }
}

#[test]
fn should_render_a_long_minority_name_with_its_middle_dot() {
    let holder = person("阿卜杜热西提·买买提艾力", "650102198807150014");
    assert_eq!(holder.name.masked(), "阿**********力");
    let view = view(
        &holder,
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        true,
    );

    assert_eq!(
        render_and_read_back(&view, PageFormat::Png, "payment-certificate-long-name"),
        1
    );
}

#[test]
fn should_flow_a_year_of_payments_onto_further_pages_each_with_the_qr() {
    let holder = ma_xiaoyan();
    let lines: Vec<CertificateLine> = (1..=12)
        .map(|month_number| {
            let month = format!("2025-{month_number:02}");
            CertificateLine {
                ticket_number: Some(format!("3640162501{month_number:08}")),
                ..pension_line(&month, &month, "4955.00", "991.00")
            }
        })
        .collect();
    let view = view_of(CertificateKind::TaxPayment, &holder, lines, true);

    let pages = render_and_read_back(&view, PageFormat::Png, "tax-payment-certificate");

    assert!(pages >= 3, "twelve lines on {pages} pages");
    let payload = view.certificate.payload();
    assert_eq!(payload.amount_fen, 12 * 99100);
    assert_eq!(
        (payload.first_month, payload.last_month),
        (month("2025-01"), month("2025-12"))
    );
}

#[test]
fn should_render_a_tax_payment_certificate_as_the_gateway_answers_it() {
    let holder = ma_xiaoyan();
    // Two payments (May and June), each under its own ticket, signed as the gateway signs a
    // 完税证明: their total and the months they span.
    let lines = [
        ("2025-05", "36401625050000000001"),
        ("2025-06", "36401625060000000002"),
    ];
    let number = 20250000000457;
    let payload = CertificatePayload {
        key_index: 1,
        number,
        amount_fen: 198_200,
        first_month: month("2025-05"),
        last_month: month("2025-06"),
        issued_on: NaiveDate::from_ymd_opt(2025, 7, 3).unwrap(),
        holder_tag: holder_tag(number, holder.id_number.expose(), holder.name.expose()),
    };
    let signed = payload.sign(&signing_key()).unwrap();
    let wire: TaxPaymentCertificate = serde_json::from_value(serde_json::json!({
        "number": number.to_string(),
        "order_ids": ["ord_may", "ord_june"],
        "name_masked": holder.name.masked(),
        "id_number_masked": holder.id_number.masked(),
        "id_type": "resident_id_card",
        "lines": lines.iter().map(|(month, ticket)| serde_json::json!({
            "ticket_number": ticket,
            "item": "pension",
            "item_name": "企业职工基本养老保险费",
            "sub_item_name": "职工基本养老保险(个人缴纳)",
            "period_start": month,
            "period_end": month,
            "base": "4955.00",
            "rate": "0.20",
            "amount": "991.00",
        })).collect::<Vec<_>>(),
        "total": "1982.00",
        "issued_on": "2025-07-03",
        "tax_office": SANDBOX_TAX_OFFICE,
        "qr_text": signed.qr_text(ORIGIN),
        "status": "valid",
    }))
    .unwrap();

    let view = CertificateView::tax_payment(&wire, true).unwrap();

    assert_eq!(view.kind, CertificateKind::TaxPayment);
    assert_eq!(view.kind.title_zh(), "完税证明");
    let tickets: Vec<_> = view
        .lines
        .iter()
        .map(|line| line.ticket_number.clone())
        .collect();
    assert_eq!(
        tickets,
        lines
            .iter()
            .map(|(_, ticket)| Some((*ticket).to_owned()))
            .collect::<Vec<_>>()
    );
    assert_eq!(view.certificate, signed);
    assert_eq!(
        render_and_read_back(
            &view,
            PageFormat::Png,
            "tax-payment-certificate-two-payments"
        ),
        1
    );
    // A QR text that is not payload v1 is refused before drawing.
    let mut broken = wire.clone();
    broken.qr_text = "not a certificate".into();
    assert!(matches!(
        CertificateView::tax_payment(&broken, true),
        Err(RenderError::Inconsistent { field: "qr_text" })
    ));
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

    let result = render_certificate(&view, &fonts, PageFormat::Png);

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
    assert!(fonts.has_glyph('缴'));
    let view = view(
        &ma_xiaoyan(),
        vec![pension_line("2025-06", "2025-06", "4955.00", "991.00")],
        false,
    );

    let pages = render_certificate(&view, &fonts, PageFormat::Png).unwrap();

    assert_eq!(
        decode_qr_from_png(&pages[0]).unwrap(),
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
        match render_certificate(&view, &fonts(), PageFormat::Png) {
            Err(RenderError::Inconsistent { field: found }) => assert_eq!(found, field),
            other => panic!("expected Inconsistent({field}), got {other:?}"),
        }
    }
}

#[test]
fn should_find_every_fixed_character_in_the_bundled_font() {
    let fonts = Fonts::load(&Path::new(FONTS).join(BUNDLED_FONT_FILE)).unwrap();
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
