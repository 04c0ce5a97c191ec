//! The photo album: saves an image (a certificate page) where the person finds it again, and
//! hands it to the system share sheet.
//!
//! - Android: MediaStore, `Pictures/社保缴费助手` (Kotlin, `android/`).
//! - iOS: the photo library, add-only permission (Swift, `ios/`).
//! - Desktop: the folder `社保缴费助手` in the user's Pictures folder ([`desktop`]).
//!
//! Rust callers use [`AlbumExt::album`]; the webview calls the `save_image` and `share_image`
//! commands (`plugin:album|save_image`).

use serde::{Deserialize, Serialize};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime};

mod commands;
#[cfg(desktop)]
pub mod desktop;
mod error;
#[cfg(mobile)]
mod mobile;

pub use error::Error;

#[cfg(desktop)]
pub use desktop::Album;
#[cfg(mobile)]
pub use mobile::Album;

/// The album folder's name: a subfolder of Pictures on desktop and Android, an album name on
/// iOS.
pub const ALBUM_NAME: &str = "社保缴费助手";

/// An image to save or share.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageRequest {
    /// The encoded image (PNG or JPEG).
    pub bytes: Vec<u8>,
    /// The file name, e.g. `缴费证明_2025-06_20250000000456.png`; no folders.
    pub file_name: String,
}

/// Where a saved image went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedImage {
    /// A file path on desktop, a `content://` URI on Android, a photo-library local
    /// identifier on iOS.
    pub location: String,
    pub file_name: String,
}

/// Gives the app and its commands the album.
pub trait AlbumExt<R: Runtime> {
    fn album(&self) -> &Album<R>;
}

impl<R: Runtime, T: Manager<R>> AlbumExt<R> for T {
    fn album(&self) -> &Album<R> {
        self.state::<Album<R>>().inner()
    }
}

/// The plugin, to register with `tauri::Builder::plugin`.
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("album")
        .invoke_handler(tauri::generate_handler![
            commands::save_image,
            commands::share_image
        ])
        .setup(|app, api| {
            #[cfg(mobile)]
            let album = mobile::init(app, api)?;
            #[cfg(desktop)]
            let album = desktop::init(app, api)?;
            app.manage(album);
            Ok(())
        })
        .build()
}

/// The file types the album takes, by extension; anything else is refused before it is
/// written.
pub(crate) fn check_file_name(file_name: &str) -> Result<(), Error> {
    let invalid = || Error::InvalidFileName(file_name.to_owned());
    let has_folder = file_name.contains(['/', '\\', '\0']) || file_name.starts_with('.');
    if file_name.trim().is_empty() || has_folder || file_name.chars().count() > 120 {
        return Err(invalid());
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png" | "jpg" | "jpeg") => Ok(()),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_accept_image_file_names_only() {
        for good in ["缴费证明_2025-06_1.png", "完税证明_第1页.JPG", "a.jpeg"] {
            assert!(check_file_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "../x.png",
            "a/b.png",
            "a\\b.png",
            ".png",
            "x.gif",
            "noextension",
            "x.png\0",
        ] {
            assert!(
                matches!(check_file_name(bad), Err(Error::InvalidFileName(name)) if name == bad),
                "{bad:?}"
            );
        }
    }
}
