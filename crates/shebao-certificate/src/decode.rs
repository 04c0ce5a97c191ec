//! Reads the QR text back from a certificate PNG with `rqrr`, a decoder independent of the
//! encoder that drew it.

/// Why no QR text came out of an image.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a readable image: {0}")]
    Image(#[from] image::ImageError),
    #[error("no QR code found in the image")]
    NotFound,
    #[error("a QR code was found but could not be read: {0}")]
    Unreadable(#[from] rqrr::DeQRError),
}

/// The text of the first readable QR code in a PNG (or any format `image` reads here).
pub fn decode_qr_from_png(png: &[u8]) -> Result<String, DecodeError> {
    let image = image::load_from_memory(png)?.to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32).0[0],
    );
    let mut last_error = None;
    for grid in prepared.detect_grids() {
        match grid.decode() {
            Ok((_, text)) => return Ok(text),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.map_or(DecodeError::NotFound, DecodeError::Unreadable))
}
