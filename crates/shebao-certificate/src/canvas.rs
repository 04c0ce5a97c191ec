//! A white RGB page with the few drawing operations a certificate needs: filled rectangles,
//! anti-aliased text from [`Fonts`], measuring and wrapping text, and a tinted overlay.

use ab_glyph::{Font, FontArc, GlyphId, ScaleFont, point};
use image::{GrayImage, Luma, Rgb, RgbImage};

use crate::{Fonts, RenderError};

/// Where the centre of the ideographic em box sits above the baseline, in em: CJK faces
/// put the em box from 0.88 em above to 0.12 em below the baseline.
const EM_CENTRE_ABOVE_BASELINE: f32 = 0.38;

/// Characters that may not open a line: closing punctuation.
const NO_LINE_START: &str = "，。、；：？！）》」』”’%.";
/// Characters that may not end a line: opening brackets and quotes.
const NO_LINE_END: &str = "（《「『“‘";

#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle {
    pub size: f32,
    pub color: Rgb<u8>,
    /// Drawn twice, a fraction of the size apart: the bundled face has one weight.
    pub bold: bool,
    /// Extra advance after each character, in pixels.
    pub spacing: f32,
}

impl TextStyle {
    pub const fn new(size: f32, color: Rgb<u8>) -> Self {
        Self {
            size,
            color,
            bold: false,
            spacing: 0.0,
        }
    }

    pub fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    pub fn spaced(self, spacing: f32) -> Self {
        Self { spacing, ..self }
    }

    fn bold_offset(self) -> f32 {
        if self.bold { self.size / 36.0 } else { 0.0 }
    }
}

enum Shape<'f> {
    Glyph(&'f FontArc, GlyphId),
    Blank,
}

/// How `character` is drawn. Whitespace no face has is a blank a third of an em wide; any
/// other missing character is an error.
fn shape(fonts: &Fonts, character: char) -> Result<Shape<'_>, RenderError> {
    match fonts.glyph(character) {
        Ok((font, glyph)) => Ok(Shape::Glyph(font, glyph)),
        Err(_) if character.is_whitespace() => Ok(Shape::Blank),
        Err(error) => Err(error),
    }
}

fn advance(fonts: &Fonts, character: char, style: TextStyle) -> Result<f32, RenderError> {
    Ok(match shape(fonts, character)? {
        Shape::Glyph(font, glyph) => font.as_scaled(style.size).h_advance(glyph),
        Shape::Blank => style.size / 3.0,
    } + style.spacing)
}

/// The advance width of `text` in `style`.
pub(crate) fn text_width(fonts: &Fonts, text: &str, style: TextStyle) -> Result<f32, RenderError> {
    let mut width = style.bold_offset();
    for character in text.chars() {
        width += advance(fonts, character, style)?;
    }
    if !text.is_empty() {
        width -= style.spacing;
    }
    Ok(width)
}

/// Breaks `text` into lines no wider than `max_width`. Chinese breaks between any two
/// characters, but a run of ASCII letters and digits stays whole, an opening bracket or quote
/// stays with what follows it and closing punctuation with what precedes it (避头尾).
pub(crate) fn wrap(
    fonts: &Fonts,
    text: &str,
    style: TextStyle,
    max_width: f32,
) -> Result<Vec<String>, RenderError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    let width_of = |unit: &str| {
        unit.chars()
            .map(|character| advance(fonts, character, style))
            .sum::<Result<f32, _>>()
    };
    let mut units = Vec::new();
    for unit in unbreakable_units(text) {
        // A unit wider than a whole line is broken after all.
        if width_of(&unit)? > max_width {
            units.extend(unit.chars().map(String::from));
        } else {
            units.push(unit);
        }
    }
    for unit in units {
        let unit_width = width_of(&unit)?;
        if width + unit_width > max_width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = 0.0;
        }
        line.push_str(&unit);
        width += unit_width;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

fn unbreakable_units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for character in text.chars() {
        let joins = units
            .last()
            .and_then(|unit| unit.chars().last())
            .is_some_and(|last| {
                NO_LINE_START.contains(character)
                    || NO_LINE_END.contains(last)
                    || (last.is_ascii_alphanumeric() && character.is_ascii_alphanumeric())
            });
        match units.last_mut() {
            Some(unit) if joins => unit.push(character),
            _ => units.push(character.to_string()),
        }
    }
    units
}

/// Rasterises `text` with its left end at `x` and its em box centred on `centre_y`, handing
/// each covered pixel and its coverage (0–1) to `plot`; returns the advance width.
fn rasterise(
    fonts: &Fonts,
    text: &str,
    x: f32,
    centre_y: f32,
    style: TextStyle,
    mut plot: impl FnMut(i64, i64, f32),
) -> Result<f32, RenderError> {
    let baseline = centre_y + style.size * EM_CENTRE_ABOVE_BASELINE;
    let strokes: &[f32] = if style.bold {
        &[0.0, style.bold_offset()]
    } else {
        &[0.0]
    };
    let mut caret = x;
    for character in text.chars() {
        if let Shape::Glyph(font, glyph_id) = shape(fonts, character)? {
            for offset in strokes {
                let glyph =
                    glyph_id.with_scale_and_position(style.size, point(caret + offset, baseline));
                if let Some(outline) = font.outline_glyph(glyph) {
                    let bounds = outline.px_bounds();
                    let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
                    outline.draw(|gx, gy, coverage| {
                        plot(left + i64::from(gx), top + i64::from(gy), coverage);
                    });
                }
            }
        }
        caret += advance(fonts, character, style)?;
    }
    Ok(caret - x - style.spacing)
}

/// `text` as a coverage mask just large enough to hold it.
pub(crate) fn text_mask(
    fonts: &Fonts,
    text: &str,
    style: TextStyle,
) -> Result<GrayImage, RenderError> {
    let pad = 4.0;
    let width = (text_width(fonts, text, style)? + 2.0 * pad).ceil() as u32;
    let height = (style.size * 1.4).ceil() as u32;
    let mut mask = GrayImage::new(width, height);
    rasterise(
        fonts,
        text,
        pad,
        height as f32 / 2.0,
        style,
        |x, y, coverage| {
            if let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y))
                && let Some(pixel) = mask.get_pixel_mut_checked(x, y)
            {
                let value = (coverage.clamp(0.0, 1.0) * 255.0).round() as u8;
                *pixel = Luma([pixel.0[0].max(value)]);
            }
        },
    )?;
    Ok(mask)
}

/// An axis-aligned rectangle in page pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub left: f32,
    pub top: f32,
    pub width: f32,
    pub height: f32,
}

impl Rect {
    pub fn new(left: f32, top: f32, width: f32, height: f32) -> Self {
        Self {
            left,
            top,
            width,
            height,
        }
    }

    pub fn right(self) -> f32 {
        self.left + self.width
    }

    pub fn bottom(self) -> f32 {
        self.top + self.height
    }

    pub fn contains(self, x: f32, y: f32) -> bool {
        (self.left..self.right()).contains(&x) && (self.top..self.bottom()).contains(&y)
    }
}

pub(crate) struct Canvas<'f> {
    pub image: RgbImage,
    pub fonts: &'f Fonts,
}

impl<'f> Canvas<'f> {
    pub fn new(width: u32, height: u32, fonts: &'f Fonts) -> Self {
        Self {
            image: RgbImage::from_pixel(width, height, Rgb([255, 255, 255])),
            fonts,
        }
    }

    /// Fills the whole pixels of `area` (edges rounded to the nearest pixel).
    pub fn fill(&mut self, area: Rect, color: Rgb<u8>) {
        let (left, top) = (area.left.round() as i64, area.top.round() as i64);
        let (right, bottom) = (area.right().round() as i64, area.bottom().round() as i64);
        for py in top..bottom {
            for px in left..right {
                self.blend(px, py, color, 1.0);
            }
        }
    }

    /// An outline `thickness` pixels wide drawn inside the edges of `area`.
    pub fn frame(&mut self, area: Rect, thickness: f32, color: Rgb<u8>) {
        let Rect {
            left,
            top,
            width,
            height,
        } = area;
        self.fill(Rect::new(left, top, width, thickness), color);
        self.fill(
            Rect::new(left, area.bottom() - thickness, width, thickness),
            color,
        );
        self.fill(Rect::new(left, top, thickness, height), color);
        self.fill(
            Rect::new(area.right() - thickness, top, thickness, height),
            color,
        );
    }

    /// Draws `color` over the pixel with opacity `alpha` (0–1); outside the page is ignored.
    pub fn blend(&mut self, x: i64, y: i64, color: Rgb<u8>, alpha: f32) {
        let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
            return;
        };
        let Some(pixel) = self.image.get_pixel_mut_checked(x, y) else {
            return;
        };
        let alpha = alpha.clamp(0.0, 1.0);
        for (channel, ink) in pixel.0.iter_mut().zip(color.0) {
            let mixed = f32::from(*channel) * (1.0 - alpha) + f32::from(ink) * alpha;
            *channel = mixed.round().clamp(0.0, 255.0) as u8;
        }
    }

    /// Tints the page with `color` through a coverage mask placed at (`x`, `y`), at most
    /// `opacity`, leaving `keep_clear` untouched.
    pub fn overlay(
        &mut self,
        mask: &GrayImage,
        (x, y): (i64, i64),
        color: Rgb<u8>,
        opacity: f32,
        keep_clear: Rect,
    ) {
        for (mx, my, coverage) in mask.enumerate_pixels() {
            let (px, py) = (x + i64::from(mx), y + i64::from(my));
            if coverage.0[0] > 0 && !keep_clear.contains(px as f32, py as f32) {
                self.blend(px, py, color, f32::from(coverage.0[0]) / 255.0 * opacity);
            }
        }
    }

    /// Draws `text` with its left end at `x` and its em box centred on `centre_y`; returns
    /// the width drawn.
    pub fn text(
        &mut self,
        text: &str,
        x: f32,
        centre_y: f32,
        style: TextStyle,
    ) -> Result<f32, RenderError> {
        let fonts = self.fonts;
        rasterise(fonts, text, x, centre_y, style, |px, py, coverage| {
            self.blend(px, py, style.color, coverage);
        })
    }

    /// Draws `text` centred on `centre_x`.
    pub fn text_centred(
        &mut self,
        text: &str,
        centre_x: f32,
        centre_y: f32,
        style: TextStyle,
    ) -> Result<(), RenderError> {
        let width = text_width(self.fonts, text, style)?;
        self.text(text, centre_x - width / 2.0, centre_y, style)?;
        Ok(())
    }

    /// Draws `text` with its right end at `right`; returns its width.
    pub fn text_right(
        &mut self,
        text: &str,
        right: f32,
        centre_y: f32,
        style: TextStyle,
    ) -> Result<f32, RenderError> {
        let width = text_width(self.fonts, text, style)?;
        self.text(text, right - width, centre_y, style)?;
        Ok(width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FontFace;
    use std::path::Path;

    const FONTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fonts");
    /// U+20BB7 (Extension B), U+4DAE (Extension A), U+5803 (outside GB2312): none in the
    /// common subset. Escaped so that the subset build, which takes every character written in
    /// the sources, leaves them to the fallback.
    const RARE_NAME_CHARACTERS: [char; 3] = ['\u{20BB7}', '\u{4DAE}', '\u{5803}'];

    /// One glyph drawn alone at a fixed place, as a coverage mask.
    fn glyph_mask(font: &FontArc, glyph: GlyphId, size: f32) -> GrayImage {
        let side = (size * 1.5) as u32;
        let mut mask = GrayImage::new(side, side);
        let placed = glyph.with_scale_and_position(size, point(size * 0.25, size * 1.1));
        if let Some(outline) = font.outline_glyph(placed) {
            let bounds = outline.px_bounds();
            outline.draw(|x, y, coverage| {
                let (x, y) = (bounds.min.x as u32 + x, bounds.min.y as u32 + y);
                if let Some(pixel) = mask.get_pixel_mut_checked(x, y) {
                    pixel.0[0] = (coverage.clamp(0.0, 1.0) * 255.0) as u8;
                }
            });
        }
        mask
    }

    fn ink(mask: &GrayImage) -> u64 {
        mask.pixels().map(|pixel| u64::from(pixel.0[0])).sum()
    }

    #[test]
    fn should_draw_rare_name_characters_from_the_fallback_not_as_blanks_or_boxes() {
        let fonts = Fonts::load_bundled(Path::new(FONTS)).unwrap();
        let common = FontFace::load(&Path::new(FONTS).join(crate::BUNDLED_FONT_FILE)).unwrap();
        let size = 64.0;
        let notdef = glyph_mask(fonts.faces()[0].font(), GlyphId(0), size);
        assert!(ink(&notdef) > 0, "the common face draws its .notdef box");

        for character in RARE_NAME_CHARACTERS {
            assert!(
                !common.has_glyph(character),
                "{character} is in the common subset"
            );
            let drawn = text_mask(
                &fonts,
                &character.to_string(),
                TextStyle::new(size, Rgb([0; 3])),
            )
            .unwrap();
            assert!(
                ink(&drawn) > 255 * 100,
                "{character}: the page would show a blank"
            );

            let (font, glyph) = fonts.glyph(character).unwrap();
            assert_ne!(glyph.0, 0, "{character}: .notdef");
            let mask = glyph_mask(font, glyph, size);
            let differing = mask
                .pixels()
                .zip(notdef.pixels())
                .filter(|(a, b)| a.0[0].abs_diff(b.0[0]) > 128)
                .count();
            assert!(
                differing > 200,
                "{character}: drawn like the .notdef box ({differing} pixels differ)"
            );
        }
    }

    #[test]
    fn should_keep_numbers_and_brackets_with_their_neighbours() {
        assert_eq!(
            unbreakable_units("及“4050”等（演示）。App"),
            ["及", "“4050”", "等", "（演", "示）。", "App"]
        );
    }
}
