//! How long a typical certificate takes: drawing one page (one pension line, sandbox
//! watermark) and encoding it as PNG, and as JPEG. The figure is kept in BENCHMARKS.md.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly on bad setup")]

use std::hint::black_box;
use std::path::Path;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;
use shebao_certificate::{
    CertificateKind, CertificateLine, CertificateView, Fonts, PageFormat, SANDBOX_TAX_OFFICE,
    render_certificate,
};
use shebao_core::certificate::{CertificatePayload, holder_tag};

const FONTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts");

/// A one-line 缴费证明 of a fictional payer, as the sandbox issues it.
fn typical_view() -> CertificateView {
    let number = 20250000000456;
    let payload = CertificatePayload {
        key_index: 1,
        number,
        amount_fen: 99100,
        first_month: "2025-06".parse().unwrap(),
        last_month: "2025-06".parse().unwrap(),
        issued_on: NaiveDate::from_ymd_opt(2025, 7, 3).unwrap(),
        holder_tag: holder_tag(number, "640104199003150022", "马小燕"),
    };
    CertificateView {
        kind: CertificateKind::Payment,
        name_masked: "马*燕".into(),
        id_number_masked: "640104********0022".into(),
        id_type_name: "居民身份证".into(),
        lines: vec![CertificateLine {
            item_name: "企业职工基本养老保险费".into(),
            sub_item_name: "职工基本养老保险(个人缴纳)".into(),
            first_month: payload.first_month,
            last_month: payload.last_month,
            base: "4955.00".parse().unwrap(),
            rate: "0.20".parse().unwrap(),
            amount: "991.00".parse().unwrap(),
            ticket_number: None,
        }],
        ticket_number: "364016250700012345".into(),
        tax_office: SANDBOX_TAX_OFFICE.into(),
        sandbox: true,
        certificate: payload.sign(&SigningKey::from_bytes(&[42; 32])).unwrap(),
        verify_origin: "http://127.0.0.1:8080".into(),
    }
}

fn render(c: &mut Criterion) {
    let fonts = Fonts::load_bundled(Path::new(FONTS)).unwrap();
    let view = typical_view();
    let mut group = c.benchmark_group("certificate");
    group.sample_size(30);
    for (name, format) in [("png", PageFormat::Png), ("jpeg", PageFormat::Jpeg)] {
        group.bench_function(format!("render_{name}"), |b| {
            b.iter(|| render_certificate(black_box(&view), &fonts, format).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
