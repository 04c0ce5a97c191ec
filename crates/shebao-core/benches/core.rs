//! The core's costs on every request and every assessment: signing and verifying a request
//! (PROTOCOL.md's string to sign, Ed25519), and pricing a year of pension contributions with the
//! Ningxia policy table. `scripts/bench.sh` writes the figures into BENCHMARKS.md.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly on bad setup")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::SigningKey;
use shebao_core::policy::{InsuranceItem, PolicyTable};
use shebao_core::sign::RequestParts;
use shebao_core::{Amount, YearMonth};

fn request(body: &[u8]) -> RequestParts<'_> {
    RequestParts {
        method: "POST",
        host: "127.0.0.1:8080",
        target: "/v1/declarations",
        ts: 1_767_225_600,
        nonce: "AAECAwQFBgcICQoLDA0ODw",
        idempotency_key: Some("3f1c6c2e-5a7b-4c8e-9d0f-1a2b3c4d5e6f"),
        body,
    }
}

fn signing(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let body = br#"{"payable_ids":["pay_01"]}"#;
    let parts = request(body);
    let signature = parts.sign(&key);
    let verifying = key.verifying_key();
    c.bench_function("request/sign", |b| {
        b.iter(|| black_box(request(black_box(body))).sign(&key));
    });
    c.bench_function("request/verify", |b| {
        b.iter(|| {
            black_box(request(black_box(body)))
                .verify(&verifying, &signature)
                .unwrap();
        });
    });
}

fn pricing(c: &mut Criterion) {
    let table = PolicyTable::ningxia().unwrap();
    let first = YearMonth::new(2025, 1).unwrap();
    let last = YearMonth::new(2025, 12).unwrap();
    let base = Amount::from_fen(495_500);
    c.bench_function("policy/price_year", |b| {
        b.iter(|| {
            table
                .price(InsuranceItem::Pension, black_box(base), first, last)
                .unwrap()
        });
    });
}

criterion_group!(benches, signing, pricing);
criterion_main!(benches);
