//! Public verification of a certificate QR (`GET /C/{payload}`): the signature against the
//! published certificate key of its index, then the certificate's status. Answers a small
//! Chinese page, or JSON for `Accept: application/json`. Whatever the path holds, the answer
//! is a verdict, never a server error.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use shebao_core::certificate::{
    CertificateKind, CertificatePayload, SIGNED_LEN, SignedCertificate,
};
use shebao_core::wire::{CertificateStatus, Problem};
use shebao_core::{Amount, YearMonth};

use crate::error::ApiError;
use crate::html::escape;
use crate::routes::certificates::masked_holder;
use crate::routes::tax_certificates::masked_tax_holder;
use crate::state::AppState;
use crate::store::{StoredCertificate, StoredTaxCertificate};

/// Base32 characters of the 92 signed bytes, without padding.
const ENCODED_LEN: usize = (SIGNED_LEN * 8).div_ceil(5);

/// What verifying a QR found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Valid,
    Refunded,
    Superseded,
    /// Not a payload of this protocol, or the signature does not verify.
    InvalidSignature,
    /// The payload names a certificate key index the gateway never published.
    UnknownKey,
    /// The signature verifies, but no certificate with this content was issued here.
    NotFound,
}

/// The JSON answer. Number, amount and period come from the payload and are given only when
/// its signature verified; the kind only when the certificate was found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Verification {
    pub verdict: Verdict,
    /// 缴费证明 (`payment`) or 完税证明 (`tax_payment`).
    pub kind: Option<CertificateKind>,
    pub number: Option<String>,
    pub amount: Option<Amount>,
    pub period_start: Option<YearMonth>,
    pub period_end: Option<YearMonth>,
}

/// The outcome, with what the page may show.
struct Checked {
    verdict: Verdict,
    payload: Option<CertificatePayload>,
    issued: Option<Issued>,
}

/// The certificate a verified payload names, of either kind.
enum Issued {
    Payment(StoredCertificate),
    TaxPayment(StoredTaxCertificate),
}

impl Issued {
    fn kind(&self) -> CertificateKind {
        match self {
            Self::Payment(_) => CertificateKind::Payment,
            Self::TaxPayment(_) => CertificateKind::TaxPayment,
        }
    }
}

impl Checked {
    fn refused(verdict: Verdict) -> Self {
        Self {
            verdict,
            payload: None,
            issued: None,
        }
    }
}

#[utoipa::path(
    get,
    path = "/C/{payload}",
    tag = "public",
    summary = "Verify a certificate QR",
    description = "The QR's link: a Chinese page, or JSON with `Accept: application/json`. Always a verdict, never a refusal, whatever the path holds.",
    params(("payload" = String, Path, description = "The base32 certificate payload (148 characters, upper or lower case)")),
    responses(
        (status = 200, description = "The verdict", content(
            (Verification = "application/json"),
            (String = "text/html"),
        )),
        (status = 500, description = "The database failed", content(
            (Problem = "application/problem+json"),
            (String = "text/html"),
        )),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    Path(encoded): Path<String>,
    headers: HeaderMap,
) -> Response {
    let json = wants_json(&headers);
    let checked = match check(&state, &encoded).await {
        Ok(checked) => checked,
        Err(error) if json => return error.into_response(),
        Err(_) => return unavailable_page(),
    };
    let mut response = if json {
        let payload = checked.payload;
        Json(Verification {
            verdict: checked.verdict,
            kind: checked.issued.as_ref().map(Issued::kind),
            number: payload.map(|payload| payload.number.to_string()),
            amount: payload.map(|payload| Amount::from_fen(i64::from(payload.amount_fen))),
            period_start: payload.map(|payload| payload.first_month),
            period_end: payload.map(|payload| payload.last_month),
        })
        .into_response()
    } else {
        page(&state, &checked)
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::VARY, HeaderValue::from_static("accept"));
    response
}

async fn check(state: &AppState, encoded: &str) -> Result<Checked, ApiError> {
    if encoded.len() != ENCODED_LEN {
        return Ok(Checked::refused(Verdict::InvalidSignature));
    }
    let Ok(signed) = SignedCertificate::from_base32(&encoded.to_ascii_uppercase()) else {
        return Ok(Checked::refused(Verdict::InvalidSignature));
    };
    let payload = *signed.payload();
    let Some(key) = state.keys.certificate_key(payload.key_index) else {
        return Ok(Checked::refused(Verdict::UnknownKey));
    };
    if signed.verify(key).is_err() {
        return Ok(Checked::refused(Verdict::InvalidSignature));
    }
    // Both kinds share the number space; the stored bytes must be the scanned ones.
    let bytes = signed.to_bytes();
    let issued = match state
        .store
        .certificate_by_number(payload.number)
        .await?
        .filter(|issued| issued.payload == bytes)
    {
        Some(issued) => Some(Issued::Payment(issued)),
        None => state
            .store
            .tax_certificate_by_number(payload.number)
            .await?
            .filter(|issued| issued.payload == bytes)
            .map(Issued::TaxPayment),
    };
    let status = issued.as_ref().map(|issued| match issued {
        Issued::Payment(issued) => issued.status,
        Issued::TaxPayment(issued) => issued.status,
    });
    let verdict = match status {
        None => Verdict::NotFound,
        Some(CertificateStatus::Valid) => Verdict::Valid,
        Some(CertificateStatus::Refunded) => Verdict::Refunded,
        Some(CertificateStatus::Superseded) => Verdict::Superseded,
    };
    Ok(Checked {
        verdict,
        payload: Some(payload),
        issued,
    })
}

/// Whether `Accept` lists `application/json`.
fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|media| media.split(';').next())
        .any(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

/// Heading, explanation and tone of each verdict; `title` names the certificate (缴费证明,
/// 完税证明, or 证明 when none was found).
fn verdict_text(verdict: Verdict, title: &str) -> (&'static str, String, &'static str) {
    match verdict {
        Verdict::Valid => (
            "真实有效",
            format!("该{title}由本系统开具，签名核验通过，缴费记录有效。"),
            "ok",
        ),
        Verdict::Refunded => (
            "已退款",
            format!("该{title}由本系统开具，但所载款项已经退款，证明不再有效。"),
            "warn",
        ),
        Verdict::Superseded => (
            "已被替换",
            format!("该{title}已被重新开具的证明替换，请以新证明为准。"),
            "warn",
        ),
        Verdict::InvalidSignature => (
            "无法验证（签名不符）",
            "二维码内容与签名不符，可能被篡改，或不是本系统开具的缴费证明或完税证明。".to_owned(),
            "fail",
        ),
        Verdict::UnknownKey => (
            "无法验证（签名密钥未知）",
            "该二维码使用的签名密钥不属于本系统，无法核验。".to_owned(),
            "fail",
        ),
        Verdict::NotFound => (
            "未查到该证明",
            "签名核验通过，但本系统没有开具过内容相同的缴费证明或完税证明。".to_owned(),
            "fail",
        ),
    }
}

fn page(state: &AppState, checked: &Checked) -> Response {
    let kind = checked.issued.as_ref().map(Issued::kind);
    let title = kind.map_or("证明", CertificateKind::title_zh);
    let (heading, explanation, tone) = verdict_text(checked.verdict, title);
    let mark = if tone == "ok" { "✓" } else { "!" };
    let details = match (&checked.payload, &checked.issued) {
        (Some(payload), Some(issued)) => details(payload, issued),
        _ => String::new(),
    };
    let sandbox = if state.sandbox {
        r#"<div class="sandbox">沙箱演示环境：本页核验的证明仅供测试，不具有缴费凭证效力。</div>"#
    } else {
        ""
    };
    let main = format!(
        r#"<section class="card result">
  <p class="mark {tone}" aria-hidden="true">{mark}</p>
  <h2 class="{tone}-text">{heading}</h2>
  <p>{explanation}</p>
</section>
{details}<p class="hint">本页只显示部分隐去的个人信息。如有疑问，请拨打 12366（税务）或 12333（人社）。</p>"#
    );
    html_page(StatusCode::OK, &format!("{title}核验"), sandbox, &main)
}

fn details(payload: &CertificatePayload, issued: &Issued) -> String {
    let (masked, id_type, tickets, office) = match issued {
        Issued::Payment(issued) => (
            masked_holder(issued),
            issued.holder_id_type,
            issued.ticket_number.clone(),
            &issued.tax_office,
        ),
        Issued::TaxPayment(issued) => (
            masked_tax_holder(issued),
            issued.holder_id_type,
            issued.ticket_numbers.join("、"),
            &issued.tax_office,
        ),
    };
    let (name, id_number) = masked.unwrap_or_else(|_| ("*".to_owned(), "*".to_owned()));
    let amount = Amount::from_fen(i64::from(payload.amount_fen));
    format!(
        r#"<section class="card">
  <p class="amount">¥{amount}</p>
  <dl>
    <dt>证明种类</dt><dd>{kind}</dd>
    <dt>证明编号</dt><dd>{number}</dd>
    <dt>缴费人名称</dt><dd>{name}</dd>
    <dt>证件类型</dt><dd>{id_type}</dd>
    <dt>证件号码</dt><dd>{id_number}</dd>
    <dt>费款所属期</dt><dd>{first} 至 {last}</dd>
    <dt>电子税票号码</dt><dd>{tickets}</dd>
    <dt>开具日期</dt><dd>{issued_on}</dd>
    <dt>税务机关</dt><dd>{office}</dd>
  </dl>
</section>
"#,
        kind = issued.kind().title_zh(),
        number = payload.number,
        name = escape(&name),
        id_number = escape(&id_number),
        id_type = id_type.display_name_zh(),
        first = chinese_month(payload.first_month),
        last = chinese_month(payload.last_month),
        tickets = escape(&tickets),
        issued_on = payload.issued_on.format("%Y年%m月%d日"),
        office = escape(office),
    )
}

fn chinese_month(month: YearMonth) -> String {
    format!("{}年{:02}月", month.year(), month.month())
}

fn unavailable_page() -> Response {
    html_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "证明核验",
        "",
        r#"<section class="card result">
  <p class="mark fail" aria-hidden="true">!</p>
  <h2>系统繁忙</h2>
  <p>暂时无法核验，请稍后再试。</p>
</section>"#,
    )
}

fn html_page(status: StatusCode, heading: &str, banner: &str, main: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{heading}</title>
<style>
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: #f2f4f7; color: #1f2329;
    font: 16px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
  header {{ background: #a6201a; color: #fff; padding: 14px 16px; }}
  header h1 {{ margin: 0; font-size: 18px; font-weight: 600; }}
  .sandbox {{ background: #fff4e5; color: #8a4b00; font-size: 14px; padding: 8px 16px; }}
  main {{ max-width: 480px; margin: 0 auto; padding: 16px; }}
  .card {{ background: #fff; border-radius: 12px; padding: 16px; margin: 0 0 16px;
    box-shadow: 0 1px 3px rgba(0, 0, 0, .08); }}
  .result {{ text-align: center; }}
  .result h2 {{ margin: 4px 0 8px; font-size: 24px; }}
  .result p {{ margin: 0; }}
  .mark {{ width: 56px; height: 56px; margin: 8px auto; border-radius: 50%; color: #fff;
    font-size: 32px; line-height: 56px; font-weight: 700; }}
  .ok {{ background: #1a7f37; }}
  .warn {{ background: #b25e00; }}
  .fail {{ background: #c8102e; }}
  .ok-text {{ color: #1a7f37; }}
  .warn-text {{ color: #b25e00; }}
  .fail-text {{ color: #c8102e; }}
  .amount {{ margin: 0 0 16px; text-align: center; font-size: 30px; font-weight: 700; }}
  dl {{ display: grid; grid-template-columns: auto 1fr; gap: 8px 12px; margin: 0; font-size: 15px; }}
  dt {{ color: #646a73; }}
  dd {{ margin: 0; text-align: right; word-break: break-all; }}
  .hint {{ color: #646a73; font-size: 14px; margin: 0 4px; }}
</style>
</head>
<body>
<header><h1>{heading}</h1></header>
{banner}
<main>
{main}
</main>
</body>
</html>
"#
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_expect_148_base32_characters() {
        assert_eq!(ENCODED_LEN, 148);
    }

    #[test]
    fn should_answer_json_only_when_asked() {
        let mut headers = HeaderMap::new();
        assert!(!wants_json(&headers));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        assert!(!wants_json(&headers));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/plain, Application/JSON;q=0.9"),
        );
        assert!(wants_json(&headers));
    }
}
