//! The webview's commands: `plugin:album|save_image` and `plugin:album|share_image`.

use tauri::{AppHandle, Runtime, command};

use crate::{AlbumExt, Error, ImageRequest, SavedImage};

#[command]
pub(crate) async fn save_image<R: Runtime>(
    app: AppHandle<R>,
    bytes: Vec<u8>,
    file_name: String,
) -> Result<SavedImage, Error> {
    app.album().save_image(ImageRequest { bytes, file_name })
}

#[command]
pub(crate) async fn share_image<R: Runtime>(
    app: AppHandle<R>,
    bytes: Vec<u8>,
    file_name: String,
) -> Result<(), Error> {
    app.album().share_image(ImageRequest { bytes, file_name })
}
