//! The payment certificate (缴费证明) page: what it shows and where, drawn to a PNG 1080 px
//! wide whose height follows its content.

use image::{Luma, Rgb};
use imageproc::geometric_transformations::{Interpolation, rotate_about_center_no_crop};
use qrcode::{Color, EcLevel, QrCode};
use rust_decimal::Decimal;
use shebao_core::capitals::amount_in_chinese_capitals;
use shebao_core::certificate::SignedCertificate;
use shebao_core::{Amount, YearMonth};

use crate::canvas::{Canvas, Rect, TextStyle, text_mask, text_width, wrap};
use crate::{Fonts, RenderError};

/// The title of a payment certificate.
pub const PAYMENT_CERTIFICATE_TITLE: &str = "缴费证明";
/// The issuing tax office the sandbox prints.
pub const SANDBOX_TAX_OFFICE: &str = "国家税务总局银川市税务局（演示）";

/// Everything a certificate page shows. The certificate number, issue date, fee period and
/// total amount are read from the signed payload, so the picture cannot disagree with its QR;
/// the lines must add up to that payload.
#[derive(Debug, Clone)]
pub struct CertificateView {
    /// The kind of certificate, e.g. [`PAYMENT_CERTIFICATE_TITLE`].
    pub title: String,
    /// The payer's name, already masked (`张*明`).
    pub name_masked: String,
    /// The document number, already masked (`640102********1234`).
    pub id_number_masked: String,
    /// The document type (证件类型), e.g. 居民身份证.
    pub id_type_name: String,
    /// What was paid, one line per insurance item and sub-item.
    pub lines: Vec<CertificateLine>,
    /// The electronic tax ticket number (电子税票号码).
    pub ticket_number: String,
    /// The issuing tax office (税务机关).
    pub tax_office: String,
    /// Prints the sandbox banner and watermark (演示 — 仅供测试).
    pub sandbox: bool,
    pub certificate: SignedCertificate,
    /// The verification origin written into the QR.
    pub verify_origin: String,
}

/// One paid line of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateLine {
    /// 征收项目, e.g. 企业职工基本养老保险费.
    pub item_name: String,
    /// 征收品目, e.g. 职工基本养老保险(个人缴纳).
    pub sub_item_name: String,
    pub first_month: YearMonth,
    pub last_month: YearMonth,
    /// The monthly contribution base (缴费基数).
    pub base: Amount,
    /// The rate as a fraction (0.20 for 20 %).
    pub rate: Decimal,
    pub amount: Amount,
}

const WIDTH: u32 = 1080;
const PAGE_CENTRE: f32 = WIDTH as f32 / 2.0;
const MARGIN: f32 = 60.0;
const CONTENT: f32 = WIDTH as f32 - 2.0 * MARGIN;
const BANNER_HEIGHT: f32 = 64.0;
const LABEL_COLUMN: f32 = 250.0;
const CELL_PADDING: f32 = 24.0;
const ROW_PADDING: f32 = 14.0;
const ROW_MIN: f32 = 64.0;
const LINE_HEIGHT: f32 = 1.45;
const NOTE_LINE_HEIGHT: f32 = 1.6;
/// Between the notes and the QR.
const GUTTER: f32 = 48.0;
/// The smallest QR, without its quiet zone, in pixels. Modules stay whole pixels, so it is
/// usually a little larger.
const QR_MIN: u32 = 300;
const QR_QUIET_MODULES: u32 = 4;
/// The caption and origin under the QR.
const QR_CAPTION_HEIGHT: f32 = 96.0;

const INK: Rgb<u8> = Rgb([26, 26, 26]);
const LABEL_INK: Rgb<u8> = Rgb([72, 72, 72]);
const MUTED: Rgb<u8> = Rgb([110, 110, 110]);
const SEAL_RED: Rgb<u8> = Rgb([166, 32, 26]);
const RULE: Rgb<u8> = Rgb([150, 150, 150]);
const FRAME: Rgb<u8> = Rgb([51, 51, 51]);
const LABEL_FILL: Rgb<u8> = Rgb([244, 242, 237]);
const WHITE: Rgb<u8> = Rgb([255, 255, 255]);
const BLACK: Rgb<u8> = Rgb([0, 0, 0]);

const SANDBOX_BANNER: &str = "演示 — 仅供测试　本证明不具有缴费凭证效力";
const WATERMARK: &str = "演示 · 仅供测试";
const SCAN_TO_VERIFY: &str = "扫码验真";
const NOTES_HEADING: &str = "说明";
const NOTES: [&str; 4] = [
    "1. 本证明依据缴费记录开具，扫描右侧二维码可核验真伪；所载信息以核验结果为准。",
    "2. “我的宁夏”App、大厅自助缴费设备、各代征银行网点开具的缴费凭证与政务大厅税务窗口开具的缴费凭证具有同等效力，均为合法缴费票据，可作为报销、报账凭据及“4050”等人员申请社保补贴时使用。",
    "3. 为保护个人信息，缴费人名称及证件号码已部分隐去。",
    "4. 咨询电话：12366（税务）、12333（人力资源和社会保障）。",
];
const FOOTER: &str = "社保缴费助手 · 电子缴费证明";

const NUMBER_LABEL: &str = "证明编号";
const ISSUED_LABEL: &str = "开具日期";
const NAME_LABEL: &str = "缴费人名称";
const ID_TYPE_LABEL: &str = "证件类型";
const ID_NUMBER_LABEL: &str = "证件号码";
const ITEM_LABEL: &str = "征收项目";
const SUB_ITEM_LABEL: &str = "征收品目";
const PERIOD_LABEL: &str = "费款所属期";
const BASE_LABEL: &str = "缴费基数";
const RATE_LABEL: &str = "费率";
const LINE_AMOUNT_LABEL: &str = "实缴金额";
const TOTAL_LABEL: &str = "实缴金额（小写）";
const CAPITALS_LABEL: &str = "实缴金额（大写）";
const TICKET_LABEL: &str = "电子税票号码";
const TAX_OFFICE_LABEL: &str = "税务机关";
/// Characters of the values the page formats itself.
const FORMAT_TEXT: &str = "人民币￥元/月年日至%：0123456789.零壹贰叁肆伍陆柒捌玖拾佰仟万亿角分整";

/// Every character the page draws on its own, apart from the view's own text: the bundled
/// font subset must contain them.
pub fn fixed_characters() -> String {
    let texts = [
        PAYMENT_CERTIFICATE_TITLE,
        SANDBOX_TAX_OFFICE,
        SANDBOX_BANNER,
        WATERMARK,
        SCAN_TO_VERIFY,
        NOTES_HEADING,
        FOOTER,
        NUMBER_LABEL,
        ISSUED_LABEL,
        NAME_LABEL,
        ID_TYPE_LABEL,
        ID_NUMBER_LABEL,
        ITEM_LABEL,
        SUB_ITEM_LABEL,
        PERIOD_LABEL,
        BASE_LABEL,
        RATE_LABEL,
        LINE_AMOUNT_LABEL,
        TOTAL_LABEL,
        CAPITALS_LABEL,
        TICKET_LABEL,
        TAX_OFFICE_LABEL,
        FORMAT_TEXT,
    ];
    let mut characters: Vec<char> = texts
        .into_iter()
        .chain(NOTES)
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    characters.sort_unstable();
    characters.dedup();
    characters.into_iter().collect()
}

/// Draws the certificate and encodes it as PNG.
pub fn render_payment_certificate(
    view: &CertificateView,
    fonts: &Fonts,
) -> Result<Vec<u8>, RenderError> {
    check_lines_match_payload(view)?;
    let qr_text = view.certificate.qr_text(&view.verify_origin);
    let qr = QrCode::with_error_correction_level(qr_text, EcLevel::M)?;

    let rows = table_rows(view, fonts)?;
    let module_px = QR_MIN.div_ceil(qr.width() as u32);
    let qr_size = ((qr.width() as u32 + 2 * QR_QUIET_MODULES) * module_px) as f32;
    let notes = Notes::wrap(fonts, CONTENT - qr_size - GUTTER)?;
    let table_height = rows.iter().map(|row| row.height).sum();
    let layout = Layout::new(
        view.sandbox,
        table_height,
        notes.height.max(qr_size + QR_CAPTION_HEIGHT),
    );

    let mut canvas = Canvas::new(WIDTH, layout.height, fonts);
    draw_header(&mut canvas, view, &layout)?;
    draw_table(&mut canvas, &rows, layout.table_top)?;
    draw_notes(&mut canvas, &notes, layout.bottom_top)?;
    let qr_area = Rect::new(
        MARGIN + CONTENT - qr_size,
        layout.bottom_top,
        qr_size,
        qr_size,
    );
    draw_qr(&mut canvas, &qr, qr_area, module_px, &view.verify_origin)?;
    canvas.fill(Rect::new(MARGIN, layout.footer_top, CONTENT, 1.0), RULE);
    let footer = TextStyle::new(20.0, MUTED).spaced(2.0);
    canvas.text_centred(FOOTER, PAGE_CENTRE, layout.footer_top + 40.0, footer)?;
    if view.sandbox {
        watermark(&mut canvas, layout.banner, qr_area)?;
    }

    let mut png = Vec::new();
    let mut writer = std::io::Cursor::new(&mut png);
    canvas
        .image
        .write_to(&mut writer, image::ImageFormat::Png)?;
    Ok(png)
}

/// Where the parts of the page go, top to bottom.
struct Layout {
    banner: f32,
    title_centre: f32,
    rule_top: f32,
    meta_centre: f32,
    table_top: f32,
    /// Top of the notes and of the QR.
    bottom_top: f32,
    footer_top: f32,
    height: u32,
}

impl Layout {
    fn new(sandbox: bool, table_height: f32, bottom_height: f32) -> Self {
        let banner = if sandbox { BANNER_HEIGHT } else { 0.0 };
        let title_centre = banner + 98.0;
        let rule_top = title_centre + 66.0;
        let meta_centre = rule_top + 62.0;
        let table_top = meta_centre + 42.0;
        let bottom_top = table_top + table_height + 44.0;
        let footer_top = bottom_top + bottom_height + 36.0;
        Self {
            banner,
            title_centre,
            rule_top,
            meta_centre,
            table_top,
            bottom_top,
            footer_top,
            height: (footer_top + 84.0).ceil() as u32,
        }
    }
}

/// One row of the table: a label and its value, wrapped to the value column.
struct Row {
    label: &'static str,
    value: Vec<String>,
    style: TextStyle,
    height: f32,
    /// Opens a group (each paid line, the totals): a heavier rule above it.
    opens_group: bool,
}

fn table_rows(view: &CertificateView, fonts: &Fonts) -> Result<Vec<Row>, RenderError> {
    let payload = view.certificate.payload();
    let total = Amount::from_fen(i64::from(payload.amount_fen));
    let capitals = amount_in_chinese_capitals(total)?;
    let body = TextStyle::new(28.0, INK);
    let value_width = CONTENT - LABEL_COLUMN - 2.0 * CELL_PADDING;

    let mut rows = Vec::new();
    let mut push = |label, value: &str, style: TextStyle| -> Result<(), RenderError> {
        let value = wrap(fonts, value, style, value_width)?;
        let text_height = value.len() as f32 * style.size * LINE_HEIGHT;
        rows.push(Row {
            label,
            value,
            style,
            height: (text_height + 2.0 * ROW_PADDING).max(ROW_MIN),
            opens_group: label == ITEM_LABEL || label == TOTAL_LABEL,
        });
        Ok(())
    };
    push(NAME_LABEL, &view.name_masked, body)?;
    push(ID_TYPE_LABEL, &view.id_type_name, body)?;
    push(ID_NUMBER_LABEL, &view.id_number_masked, body)?;
    for line in &view.lines {
        push(ITEM_LABEL, &line.item_name, body)?;
        push(SUB_ITEM_LABEL, &line.sub_item_name, body)?;
        push(
            PERIOD_LABEL,
            &fee_period(line.first_month, line.last_month),
            body,
        )?;
        push(BASE_LABEL, &format!("{} 元/月", line.base), body)?;
        push(RATE_LABEL, &percent(line.rate), body)?;
        if view.lines.len() > 1 {
            push(LINE_AMOUNT_LABEL, &format!("￥{}", line.amount), body)?;
        }
    }
    push(
        TOTAL_LABEL,
        &format!("￥{total}"),
        TextStyle::new(40.0, INK).bold(),
    )?;
    push(CAPITALS_LABEL, &format!("人民币{capitals}"), body.bold())?;
    push(TICKET_LABEL, &view.ticket_number, body)?;
    push(TAX_OFFICE_LABEL, &view.tax_office, body)?;
    Ok(rows)
}

/// The numbered notes, each number hanging left of its wrapped text.
struct Notes {
    notes: Vec<(&'static str, f32, Vec<String>)>,
    height: f32,
}

impl Notes {
    const STYLE: TextStyle = TextStyle::new(22.0, LABEL_INK);
    const HEADING_HEIGHT: f32 = 44.0;
    const GAP: f32 = 10.0;

    fn wrap(fonts: &Fonts, width: f32) -> Result<Self, RenderError> {
        let mut notes = Vec::new();
        let mut height = Self::HEADING_HEIGHT;
        for note in NOTES {
            let (number, text) = note.split_once(' ').unwrap_or(("", note));
            let indent = text_width(fonts, &format!("{number} "), Self::STYLE)?;
            let lines = wrap(fonts, text, Self::STYLE, width - indent)?;
            height += lines.len() as f32 * Self::STYLE.size * NOTE_LINE_HEIGHT + Self::GAP;
            notes.push((number, indent, lines));
        }
        Ok(Self { notes, height })
    }
}

/// The sandbox banner, the title over its double rule, and the certificate number and issue
/// date above the table.
fn draw_header(
    canvas: &mut Canvas,
    view: &CertificateView,
    layout: &Layout,
) -> Result<(), RenderError> {
    if view.sandbox {
        canvas.fill(Rect::new(0.0, 0.0, WIDTH as f32, layout.banner), SEAL_RED);
        let style = TextStyle::new(26.0, WHITE).bold();
        canvas.text_centred(SANDBOX_BANNER, PAGE_CENTRE, layout.banner / 2.0, style)?;
    }
    let title = TextStyle::new(60.0, SEAL_RED).bold().spaced(30.0);
    canvas.text_centred(&view.title, PAGE_CENTRE, layout.title_centre, title)?;
    canvas.fill(Rect::new(MARGIN, layout.rule_top, CONTENT, 4.0), SEAL_RED);
    canvas.fill(
        Rect::new(MARGIN, layout.rule_top + 8.0, CONTENT, 2.0),
        SEAL_RED,
    );

    let payload = view.certificate.payload();
    let label = TextStyle::new(24.0, MUTED);
    let value = TextStyle::new(24.0, INK);
    let centre = layout.meta_centre;
    let label_width = canvas.text(&format!("{NUMBER_LABEL}："), MARGIN, centre, label)?;
    canvas.text(
        &payload.number.to_string(),
        MARGIN + label_width,
        centre,
        value,
    )?;
    let issued = payload.issued_on.format("%Y年%m月%d日").to_string();
    let issued_width = canvas.text_right(&issued, MARGIN + CONTENT, centre, value)?;
    let issued_label = format!("{ISSUED_LABEL}：");
    canvas.text_right(
        &issued_label,
        MARGIN + CONTENT - issued_width,
        centre,
        label,
    )?;
    Ok(())
}

/// The table: a shaded label column, rules between rows, heavier ones between groups, and a
/// frame.
fn draw_table(canvas: &mut Canvas, rows: &[Row], top: f32) -> Result<(), RenderError> {
    let height = rows.iter().map(|row| row.height).sum();
    canvas.fill(Rect::new(MARGIN, top, LABEL_COLUMN, height), LABEL_FILL);
    let label_style = TextStyle::new(26.0, LABEL_INK);
    let value_left = MARGIN + LABEL_COLUMN + CELL_PADDING;

    let mut row_top = top;
    for (index, row) in rows.iter().enumerate() {
        if index > 0 && row.opens_group {
            canvas.fill(Rect::new(MARGIN, row_top - 1.0, CONTENT, 2.0), FRAME);
        } else if index > 0 {
            canvas.fill(Rect::new(MARGIN, row_top, CONTENT, 1.0), RULE);
        }
        let centre = row_top + row.height / 2.0;
        canvas.text(row.label, MARGIN + CELL_PADDING, centre, label_style)?;
        let step = row.style.size * LINE_HEIGHT;
        let first_centre = centre - (row.value.len() as f32 - 1.0) * step / 2.0;
        for (at, line) in row.value.iter().enumerate() {
            canvas.text(line, value_left, first_centre + at as f32 * step, row.style)?;
        }
        row_top += row.height;
    }

    canvas.fill(Rect::new(MARGIN + LABEL_COLUMN, top, 1.0, height), RULE);
    canvas.frame(Rect::new(MARGIN, top, CONTENT, height), 2.0, FRAME);
    Ok(())
}

fn draw_notes(canvas: &mut Canvas, notes: &Notes, top: f32) -> Result<(), RenderError> {
    let heading = TextStyle::new(24.0, INK).bold();
    canvas.text(NOTES_HEADING, MARGIN, top + 14.0, heading)?;
    let style = Notes::STYLE;
    let step = style.size * NOTE_LINE_HEIGHT;
    let mut centre = top + Notes::HEADING_HEIGHT + step / 2.0;
    for (number, indent, lines) in &notes.notes {
        canvas.text(number, MARGIN, centre, style)?;
        for line in lines {
            canvas.text(line, MARGIN + indent, centre, style)?;
            centre += step;
        }
        centre += Notes::GAP;
    }
    Ok(())
}

/// The QR inside `area` (quiet zone included, framed), each module a whole number of pixels,
/// with 扫码验真 and the verification origin under it.
fn draw_qr(
    canvas: &mut Canvas,
    qr: &QrCode,
    area: Rect,
    module_px: u32,
    verify_origin: &str,
) -> Result<(), RenderError> {
    let width = qr.width();
    let module = module_px as f32;
    let quiet = QR_QUIET_MODULES as f32 * module;
    for (index, color) in qr.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (column, row) = ((index % width) as f32, (index / width) as f32);
            let (x, y) = (
                area.left + quiet + column * module,
                area.top + quiet + row * module,
            );
            canvas.fill(Rect::new(x, y, module, module), BLACK);
        }
    }
    canvas.frame(area, 1.0, RULE);

    let centre = area.left + area.width / 2.0;
    let caption = TextStyle::new(28.0, INK).bold().spaced(6.0);
    canvas.text_centred(SCAN_TO_VERIFY, centre, area.bottom() + 34.0, caption)?;
    let origin = verify_origin.trim_end_matches('/').to_ascii_lowercase();
    let origin_style = TextStyle::new(18.0, MUTED);
    canvas.text_centred(&origin, centre, area.bottom() + 72.0, origin_style)?;
    Ok(())
}

/// The lines must add up to the signed amount and span the signed fee period.
fn check_lines_match_payload(view: &CertificateView) -> Result<(), RenderError> {
    let payload = view.certificate.payload();
    let inconsistent = |field| RenderError::Inconsistent { field };
    let first = view.lines.iter().map(|line| line.first_month).min();
    let last = view.lines.iter().map(|line| line.last_month).max();
    if first != Some(payload.first_month) || last != Some(payload.last_month) {
        return Err(inconsistent("fee_period"));
    }
    if view
        .lines
        .iter()
        .any(|line| line.last_month < line.first_month)
    {
        return Err(inconsistent("fee_period"));
    }
    let total: Amount = view.lines.iter().map(|line| line.amount).sum();
    if total.fen() != i64::from(payload.amount_fen) {
        return Err(inconsistent("amount"));
    }
    Ok(())
}

fn fee_period(first: YearMonth, last: YearMonth) -> String {
    let month = |m: YearMonth| format!("{}年{:02}月", m.year(), m.month());
    format!("{} 至 {}", month(first), month(last))
}

fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// The sandbox watermark: the words tilted 30° and tiled over the page below the banner,
/// light enough to read through, and kept off the QR so that it still scans.
fn watermark(canvas: &mut Canvas, top: f32, keep_clear: Rect) -> Result<(), RenderError> {
    let words = text_mask(canvas.fonts, WATERMARK, TextStyle::new(52.0, SEAL_RED))?;
    let tilt = -std::f32::consts::FRAC_PI_6;
    let mask = rotate_about_center_no_crop(&words, tilt, Interpolation::Bilinear, Luma([0]));

    let (step_x, step_y) = (i64::from(mask.width()) + 60, i64::from(mask.height()) + 40);
    let page_height = i64::from(canvas.image.height());
    let mut y = top as i64 + 40;
    let mut row = 0;
    while y < page_height {
        let mut x = -(row % 2) * step_x / 2;
        while x < i64::from(WIDTH) {
            canvas.overlay(&mask, (x, y), SEAL_RED, 0.12, keep_clear);
            x += step_x;
        }
        y += step_y;
        row += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_print_rates_as_percentages_without_trailing_zeros() {
        assert_eq!(percent("0.20".parse().unwrap()), "20%");
        assert_eq!(percent("0.085".parse().unwrap()), "8.5%");
    }

    #[test]
    fn should_print_the_fee_period_from_first_to_last_month() {
        let (first, last) = ("2025-04".parse().unwrap(), "2025-06".parse().unwrap());
        assert_eq!(fee_period(first, last), "2025年04月 至 2025年06月");
    }
}
