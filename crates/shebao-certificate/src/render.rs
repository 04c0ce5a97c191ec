//! The certificate pages (缴费证明, 完税证明): what they show and where, drawn 1080 px wide,
//! each page as tall as its content up to [`MAX_PAGE_HEIGHT`]; more lines than fit flow onto
//! further pages, each with the header, its page number and the same QR.

use image::{Luma, Rgb, RgbImage};
use imageproc::geometric_transformations::{Interpolation, rotate_about_center_no_crop};
use qrcode::{Color, EcLevel, QrCode};
use rust_decimal::Decimal;
use shebao_core::capitals::amount_in_chinese_capitals;
use shebao_core::certificate::{CertificateKind, SignedCertificate};
use shebao_core::wire::TaxPaymentCertificate;
use shebao_core::{Amount, YearMonth};

use crate::canvas::{Canvas, Rect, TextStyle, text_mask, text_width, wrap};
use crate::{Fonts, RenderError};

/// The title of a payment certificate.
pub const PAYMENT_CERTIFICATE_TITLE: &str = CertificateKind::Payment.title_zh();
/// The issuing tax office the sandbox prints.
pub const SANDBOX_TAX_OFFICE: &str = "国家税务总局银川市税务局（演示）";

/// Everything a certificate page shows. The certificate number, issue date, fee period and
/// total amount are read from the signed payload, so the picture cannot disagree with its QR;
/// the lines must add up to that payload.
#[derive(Debug, Clone)]
pub struct CertificateView {
    /// 缴费证明 or 完税证明: the title and footer.
    pub kind: CertificateKind,
    /// The payer's name, already masked (`张*明`).
    pub name_masked: String,
    /// The document number, already masked (`640102********1234`).
    pub id_number_masked: String,
    /// The document type (证件类型), e.g. 居民身份证.
    pub id_type_name: String,
    /// What was paid, one line per insurance item and sub-item.
    pub lines: Vec<CertificateLine>,
    /// The electronic tax ticket number (电子税票号码) of the whole certificate (a 缴费证明);
    /// empty when each line carries its own (a 完税证明 over several payments).
    pub ticket_number: String,
    /// The issuing tax office (税务机关).
    pub tax_office: String,
    /// Prints the sandbox banner and watermark (演示 — 仅供测试).
    pub sandbox: bool,
    pub certificate: SignedCertificate,
    /// The verification origin written into the QR.
    pub verify_origin: String,
}

impl CertificateView {
    /// The view of a 完税证明 as the gateway answers it (`TaxPaymentCertificate`): each line
    /// under its own ticket, the signed payload and origin read from its `qr_text`.
    pub fn tax_payment(
        certificate: &TaxPaymentCertificate,
        sandbox: bool,
    ) -> Result<Self, RenderError> {
        let (verify_origin, signed) = SignedCertificate::parse_qr_text(&certificate.qr_text)
            .map_err(|_| RenderError::Inconsistent { field: "qr_text" })?;
        Ok(Self {
            kind: CertificateKind::TaxPayment,
            name_masked: certificate.name_masked.clone(),
            id_number_masked: certificate.id_number_masked.clone(),
            id_type_name: certificate.id_type.display_name_zh().to_owned(),
            lines: certificate
                .lines
                .iter()
                .map(|paid| CertificateLine {
                    item_name: paid.line.item_name.clone(),
                    sub_item_name: paid.line.sub_item_name.clone(),
                    first_month: paid.line.period_start,
                    last_month: paid.line.period_end,
                    base: paid.line.base,
                    rate: paid.line.rate,
                    amount: paid.line.amount,
                    ticket_number: Some(paid.ticket_number.clone()),
                })
                .collect(),
            ticket_number: String::new(),
            tax_office: certificate.tax_office.clone(),
            sandbox,
            certificate: signed,
            verify_origin,
        })
    }
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
    /// The ticket this line was paid under, printed with the line (a 完税证明's lines).
    pub ticket_number: Option<String>,
}

const WIDTH: u32 = 1080;
/// The tallest page, 20:9 like a phone screen. Printed on A4 fitted to the page, a page this
/// tall is scaled to 297 mm / 2400 px ≈ 0.124 mm per pixel (a page 1527 px tall or less fits
/// the width instead: 210 mm / 1080 px ≈ 0.194 mm, about 130 dpi).
pub const MAX_PAGE_HEIGHT: u32 = 2400;
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
/// The smallest QR module. A phone camera reads printed modules of 0.5 mm and up reliably; at
/// the worst print scale (a full-height page fitted to A4, 0.124 mm per pixel) 5 px are
/// 0.62 mm, and at the usual scale (0.194 mm per pixel) 0.97 mm. The payload text (origin plus
/// 148 base32 characters, about 175 alphanumerics) is QR version 11 at level Q: 61 modules,
/// 305 px, about 59 mm wide on paper.
const QR_MIN_MODULE_PX: u32 = 5;
/// Level Q restores up to 25 % of the code: a fold, a stain or a pen mark across the printed
/// page still scans, and the code stays small enough (version 11) for modules of 5 px.
const QR_ERROR_CORRECTION: EcLevel = EcLevel::Q;
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
const FOOTER_PREFIX: &str = "社保缴费助手 · 电子";

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
/// `第 1/2 页`, printed when a certificate has more than one page.
const PAGE_PREFIX: &str = "第 ";
const PAGE_SUFFIX: &str = " 页";
/// `第 1 笔`: the label of each payment on a 完税证明.
const PAYMENT_PREFIX: &str = "第 ";
const PAYMENT_SUFFIX: &str = " 笔";

/// Every character the page draws on its own, apart from the view's own text: the bundled
/// font subset must contain them.
pub fn fixed_characters() -> String {
    let texts = [
        CertificateKind::Payment.title_zh(),
        CertificateKind::TaxPayment.title_zh(),
        SANDBOX_TAX_OFFICE,
        SANDBOX_BANNER,
        WATERMARK,
        SCAN_TO_VERIFY,
        NOTES_HEADING,
        FOOTER_PREFIX,
        PAGE_PREFIX,
        PAGE_SUFFIX,
        PAYMENT_SUFFIX,
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

/// How a page is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFormat {
    Png,
    /// JPEG at quality 90: about a third of the PNG's size, and still sharp enough for the QR.
    Jpeg,
}

impl PageFormat {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
        }
    }
}

const JPEG_QUALITY: u8 = 90;

/// Draws the certificate and encodes each page; one page unless its lines overflow
/// [`MAX_PAGE_HEIGHT`].
pub fn render_certificate(
    view: &CertificateView,
    fonts: &Fonts,
    format: PageFormat,
) -> Result<Vec<Vec<u8>>, RenderError> {
    draw_certificate(view, fonts)?
        .iter()
        .map(|page| encode_page(page, format))
        .collect()
}

/// Encodes a drawn page.
pub fn encode_page(page: &RgbImage, format: PageFormat) -> Result<Vec<u8>, RenderError> {
    let mut bytes = Vec::new();
    let mut writer = std::io::Cursor::new(&mut bytes);
    match format {
        PageFormat::Png => page.write_to(&mut writer, image::ImageFormat::Png)?,
        PageFormat::Jpeg => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut writer, JPEG_QUALITY)
                .encode_image(page)?;
        }
    }
    Ok(bytes)
}

/// Draws the certificate's pages.
pub fn draw_certificate(
    view: &CertificateView,
    fonts: &Fonts,
) -> Result<Vec<RgbImage>, RenderError> {
    check_lines_match_payload(view)?;
    let qr_text = view.certificate.qr_text(&view.verify_origin);
    let qr = QrCode::with_error_correction_level(qr_text, QR_ERROR_CORRECTION)?;

    let groups = table_groups(view, fonts)?;
    let module_px = QR_MIN.div_ceil(qr.width() as u32).max(QR_MIN_MODULE_PX);
    let qr_size = ((qr.width() as u32 + 2 * QR_QUIET_MODULES) * module_px) as f32;
    let notes = Notes::wrap(fonts, CONTENT - qr_size - GUTTER)?;
    let bottom_height = notes.height.max(qr_size + QR_CAPTION_HEIGHT);
    let budget = Layout::new(view.sandbox, 0.0, bottom_height).table_budget();
    let pages = paginate(&groups, budget);

    let count = pages.len();
    pages
        .iter()
        .enumerate()
        .map(|(index, rows)| {
            let page = (count > 1).then_some((index + 1, count));
            draw_page(
                view,
                fonts,
                rows,
                page,
                (&qr, module_px, qr_size),
                &notes,
                bottom_height,
            )
        })
        .collect()
}

/// One page: the header (with `page` as 第 n/m 页), its rows of the table, the notes and the
/// QR, the footer, and in the sandbox the watermark.
fn draw_page(
    view: &CertificateView,
    fonts: &Fonts,
    rows: &[&Row],
    page: Option<(usize, usize)>,
    (qr, module_px, qr_size): (&QrCode, u32, f32),
    notes: &Notes,
    bottom_height: f32,
) -> Result<RgbImage, RenderError> {
    let table_height = rows.iter().map(|row| row.height).sum();
    let layout = Layout::new(view.sandbox, table_height, bottom_height);

    let mut canvas = Canvas::new(WIDTH, layout.height, fonts);
    draw_header(&mut canvas, view, &layout, page)?;
    draw_table(&mut canvas, rows, layout.table_top)?;
    draw_notes(&mut canvas, notes, layout.bottom_top)?;
    let qr_area = Rect::new(
        MARGIN + CONTENT - qr_size,
        layout.bottom_top,
        qr_size,
        qr_size,
    );
    draw_qr(&mut canvas, qr, qr_area, module_px, &view.verify_origin)?;
    canvas.fill(Rect::new(MARGIN, layout.footer_top, CONTENT, 1.0), RULE);
    let footer = TextStyle::new(20.0, MUTED).spaced(2.0);
    let footer_text = format!("{FOOTER_PREFIX}{}", view.kind.title_zh());
    canvas.text_centred(&footer_text, PAGE_CENTRE, layout.footer_top + 40.0, footer)?;
    if view.sandbox {
        watermark(&mut canvas, layout.banner, qr_area)?;
    }
    Ok(canvas.image)
}

/// Splits the table over pages no taller than the budget: every page repeats the payer's
/// rows, a paid line's rows stay together, and the totals close the last page with at least
/// one paid line above them. A group taller
/// than a whole page gets a page of its own, taller than the budget.
fn paginate(groups: &TableGroups, budget: f32) -> Vec<Vec<&Row>> {
    let height = |rows: &[Row]| rows.iter().map(|row| row.height).sum::<f32>();
    let payer_height = height(&groups.payer);
    let mut pages: Vec<Vec<&[Row]>> = Vec::new();
    let mut page: Vec<&[Row]> = Vec::new();
    let mut used = payer_height;
    let totals = groups.totals.as_slice();
    for group in groups.lines.iter().map(Vec::as_slice).chain([totals]) {
        if used + height(group) > budget && !page.is_empty() {
            // The totals never stand alone: the last paid line goes over with them.
            let carried = match page.len() {
                2.. if std::ptr::eq(group, totals) => page.pop(),
                _ => None,
            };
            pages.push(std::mem::take(&mut page));
            page.extend(carried);
            used = payer_height + page.iter().map(|rows| height(rows)).sum::<f32>();
        }
        used += height(group);
        page.push(group);
    }
    pages.push(page);
    pages
        .into_iter()
        .map(|page| {
            groups
                .payer
                .iter()
                .chain(page.into_iter().flatten())
                .collect()
        })
        .collect()
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
    /// The most table a page holds within [`MAX_PAGE_HEIGHT`].
    fn table_budget(&self) -> f32 {
        MAX_PAGE_HEIGHT as f32 - self.height as f32
    }

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
    label: String,
    value: Vec<String>,
    style: TextStyle,
    height: f32,
    /// Opens a group (each paid line, the totals): a heavier rule above it.
    opens_group: bool,
}

/// The table's rows in the groups pages are split by.
struct TableGroups {
    /// Name and document: repeated on every page.
    payer: Vec<Row>,
    /// Each paid line.
    lines: Vec<Vec<Row>>,
    /// The totals, the ticket and the tax office: on the last page.
    totals: Vec<Row>,
}

fn table_groups(view: &CertificateView, fonts: &Fonts) -> Result<TableGroups, RenderError> {
    let payload = view.certificate.payload();
    let total = Amount::from_fen(i64::from(payload.amount_fen));
    let capitals = amount_in_chinese_capitals(total)?;
    let body = TextStyle::new(28.0, INK);
    let value_width = CONTENT - LABEL_COLUMN - 2.0 * CELL_PADDING;
    // A row of one or more paragraphs, each wrapped to the value column.
    let paragraphs_row = |label: &str, paragraphs: &[&str], style: TextStyle, opens_group| {
        let mut value = Vec::new();
        for paragraph in paragraphs {
            value.extend(wrap(fonts, paragraph, style, value_width)?);
        }
        let text_height = value.len() as f32 * style.size * LINE_HEIGHT;
        Ok::<_, RenderError>(Row {
            label: label.to_owned(),
            value,
            style,
            height: (text_height + 2.0 * ROW_PADDING).max(ROW_MIN),
            opens_group,
        })
    };
    let row = |label: &str, value: &str, style: TextStyle| {
        let opens_group = label == ITEM_LABEL || label == TOTAL_LABEL;
        paragraphs_row(label, &[value], style, opens_group)
    };

    let payer = vec![
        row(NAME_LABEL, &view.name_masked, body)?,
        row(ID_TYPE_LABEL, &view.id_type_name, body)?,
        row(ID_NUMBER_LABEL, &view.id_number_masked, body)?,
    ];
    let mut lines = Vec::new();
    for (index, line) in view.lines.iter().enumerate() {
        if view.kind == CertificateKind::TaxPayment {
            // A 完税证明 lists many payments: one compact row each.
            let label = format!("{PAYMENT_PREFIX}{}{PAYMENT_SUFFIX}", index + 1);
            let paragraphs = [
                format!("{}（{}）", line.item_name, line.sub_item_name),
                format!(
                    "{PERIOD_LABEL}　{}",
                    fee_period(line.first_month, line.last_month)
                ),
                format!(
                    "{BASE_LABEL}　{} 元/月　{RATE_LABEL}　{}　{LINE_AMOUNT_LABEL}　￥{}",
                    line.base,
                    percent(line.rate),
                    line.amount
                ),
                line.ticket_number
                    .as_ref()
                    .map(|ticket| format!("{TICKET_LABEL}　{ticket}"))
                    .unwrap_or_default(),
            ];
            let paragraphs: Vec<&str> = paragraphs
                .iter()
                .map(String::as_str)
                .filter(|paragraph| !paragraph.is_empty())
                .collect();
            let compact = TextStyle::new(26.0, INK);
            lines.push(vec![paragraphs_row(&label, &paragraphs, compact, true)?]);
            continue;
        }
        let mut group = vec![
            row(ITEM_LABEL, &line.item_name, body)?,
            row(SUB_ITEM_LABEL, &line.sub_item_name, body)?,
            row(
                PERIOD_LABEL,
                &fee_period(line.first_month, line.last_month),
                body,
            )?,
            row(BASE_LABEL, &format!("{} 元/月", line.base), body)?,
            row(RATE_LABEL, &percent(line.rate), body)?,
        ];
        if view.lines.len() > 1 {
            group.push(row(LINE_AMOUNT_LABEL, &format!("￥{}", line.amount), body)?);
        }
        if let Some(ticket) = &line.ticket_number {
            group.push(row(TICKET_LABEL, ticket, body)?);
        }
        lines.push(group);
    }
    let mut totals = vec![
        row(
            TOTAL_LABEL,
            &format!("￥{total}"),
            TextStyle::new(40.0, INK).bold(),
        )?,
        row(CAPITALS_LABEL, &format!("人民币{capitals}"), body.bold())?,
    ];
    if !view.ticket_number.is_empty() {
        totals.push(row(TICKET_LABEL, &view.ticket_number, body)?);
    }
    totals.push(row(TAX_OFFICE_LABEL, &view.tax_office, body)?);
    Ok(TableGroups {
        payer,
        lines,
        totals,
    })
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
    page: Option<(usize, usize)>,
) -> Result<(), RenderError> {
    if view.sandbox {
        canvas.fill(Rect::new(0.0, 0.0, WIDTH as f32, layout.banner), SEAL_RED);
        let style = TextStyle::new(26.0, WHITE).bold();
        canvas.text_centred(SANDBOX_BANNER, PAGE_CENTRE, layout.banner / 2.0, style)?;
    }
    let title = TextStyle::new(60.0, SEAL_RED).bold().spaced(30.0);
    canvas.text_centred(
        view.kind.title_zh(),
        PAGE_CENTRE,
        layout.title_centre,
        title,
    )?;
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
    if let Some((number, count)) = page {
        let page_label = format!("{PAGE_PREFIX}{number}/{count}{PAGE_SUFFIX}");
        canvas.text_centred(&page_label, PAGE_CENTRE, centre, value.bold())?;
    }
    Ok(())
}

/// The table: a shaded label column, rules between rows, heavier ones between groups, and a
/// frame.
fn draw_table(canvas: &mut Canvas, rows: &[&Row], top: f32) -> Result<(), RenderError> {
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
        canvas.text(&row.label, MARGIN + CELL_PADDING, centre, label_style)?;
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
