//! Font faces the certificate is drawn with, read from files at run time (they ship as
//! resources, not inside the binary), and the glyph lookup that refuses a character no face
//! can draw.

use std::path::Path;

use ab_glyph::{Font, FontArc, FontVec, GlyphId};

use crate::RenderError;

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
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontFace").finish_non_exhaustive()
    }
}

/// The faces a certificate is drawn with: the bundled face first, then an optional fallback
/// for characters it lacks (rare characters in names). A character neither face has is an
/// error, never a blank.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub primary: FontFace,
    pub fallback: Option<FontFace>,
}

impl Fonts {
    /// The first face of the file at `path`, without a fallback.
    pub fn load(path: &Path) -> Result<Self, RenderError> {
        Ok(Self {
            primary: FontFace::load(path)?,
            fallback: None,
        })
    }

    pub fn with_fallback(self, fallback: FontFace) -> Self {
        Self {
            fallback: Some(fallback),
            ..self
        }
    }

    pub fn has_glyph(&self, character: char) -> bool {
        self.glyph(character).is_ok()
    }

    /// The face that draws `character`, and its glyph there.
    pub(crate) fn glyph(&self, character: char) -> Result<(&FontArc, GlyphId), RenderError> {
        [Some(&self.primary), self.fallback.as_ref()]
            .into_iter()
            .flatten()
            .find(|face| face.has_glyph(character))
            .map(|face| (&face.font, face.font.glyph_id(character)))
            .ok_or(RenderError::MissingGlyph { character })
    }
}
