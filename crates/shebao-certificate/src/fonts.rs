//! Font faces the certificate is drawn with, read from files at run time (they ship as
//! resources, not inside the binary), and the glyph lookup that falls back face by face and
//! refuses a character no face can draw.

use std::path::Path;

use ab_glyph::{Font, FontArc, FontVec, GlyphId};

use crate::RenderError;

/// The bundled common-text face: Noto Sans CJK SC cut to GB2312 and the app's own text.
pub const BUNDLED_FONT_FILE: &str = "NotoSansSC-Subset.otf";
/// The bundled fallback for rare characters in names: the rest of Noto Sans CJK SC's
/// ideographs (CJK Unified Ideographs and Extensions A to G, as far as the face has them).
pub const RARE_FONT_FILE: &str = "NotoSansSC-Rare.otf";

/// One font face: an OpenType/TrueType file, or one face of a collection (TTC/OTC).
#[derive(Clone)]
pub struct FontFace {
    font: FontArc,
}

impl FontFace {
    /// Reads the first face of a font file.
    pub fn load(path: &Path) -> Result<Self, RenderError> {
        Self::load_index(path, 0)
    }

    /// Reads face `index` of a font collection; 0 for a single-face file.
    pub fn load_index(path: &Path, index: u32) -> Result<Self, RenderError> {
        let bytes = std::fs::read(path).map_err(|source| RenderError::FontUnreadable {
            path: path.to_owned(),
            source,
        })?;
        Self::from_vec(bytes, index)
    }

    pub fn from_vec(bytes: Vec<u8>, index: u32) -> Result<Self, RenderError> {
        let font =
            FontVec::try_from_vec_and_index(bytes, index).map_err(|_| RenderError::FontInvalid)?;
        Ok(Self {
            font: FontArc::new(font),
        })
    }

    /// Whether the face has a real glyph for `character` (glyph 0 is `.notdef`).
    pub fn has_glyph(&self, character: char) -> bool {
        self.font.glyph_id(character).0 != 0
    }

    #[cfg(test)]
    pub(crate) fn font(&self) -> &FontArc {
        &self.font
    }
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontFace").finish_non_exhaustive()
    }
}

/// The faces a certificate is drawn with, in order: each character comes from the first face
/// that has a glyph for it. A character no face has is an error, never a blank or a box.
#[derive(Debug, Clone)]
pub struct Fonts {
    faces: Vec<FontFace>,
}

impl Fonts {
    pub fn new(primary: FontFace) -> Self {
        Self {
            faces: vec![primary],
        }
    }

    /// The first face of the file at `path`, without a fallback.
    pub fn load(path: &Path) -> Result<Self, RenderError> {
        Ok(Self::new(FontFace::load(path)?))
    }

    /// The bundled faces in `folder` (the app's `fonts` resource folder): the common-text
    /// subset, then the rare-character fallback.
    pub fn load_bundled(folder: &Path) -> Result<Self, RenderError> {
        Ok(Self::load(&folder.join(BUNDLED_FONT_FILE))?
            .with_fallback(FontFace::load(&folder.join(RARE_FONT_FILE))?))
    }

    /// Adds a face tried after the ones already there.
    pub fn with_fallback(mut self, fallback: FontFace) -> Self {
        self.faces.push(fallback);
        self
    }

    /// The faces in the order they are tried.
    pub fn faces(&self) -> &[FontFace] {
        &self.faces
    }

    pub fn has_glyph(&self, character: char) -> bool {
        self.glyph(character).is_ok()
    }

    /// The face that draws `character`, and its glyph there.
    pub(crate) fn glyph(&self, character: char) -> Result<(&FontArc, GlyphId), RenderError> {
        self.faces
            .iter()
            .find(|face| face.has_glyph(character))
            .map(|face| (&face.font, face.font.glyph_id(character)))
            .ok_or(RenderError::MissingGlyph { character })
    }
}
