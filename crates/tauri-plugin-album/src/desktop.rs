//! Desktop: images go to `社保缴费助手` in the user's Pictures folder (as the desktop names it,
//! else `~/Pictures`). Sharing is left to the file manager.

use std::path::{Path, PathBuf};

use tauri::plugin::PluginApi;
use tauri::{AppHandle, Runtime};

use crate::{ALBUM_NAME, Error, ImageRequest, SavedImage, check_file_name};

pub(crate) fn init<R: Runtime>(
    app: &AppHandle<R>,
    _api: PluginApi<R, ()>,
) -> Result<Album<R>, Box<dyn std::error::Error>> {
    Ok(Album {
        _app: app.clone(),
        folder: album_dir(),
    })
}

/// The album on desktop: a folder.
pub struct Album<R: Runtime> {
    _app: AppHandle<R>,
    folder: Option<PathBuf>,
}

impl<R: Runtime> Album<R> {
    /// The folder images are saved to.
    pub fn folder(&self) -> Result<&Path, Error> {
        self.folder.as_deref().ok_or(Error::NoPicturesFolder)
    }

    pub fn save_image(&self, request: ImageRequest) -> Result<SavedImage, Error> {
        let path = save_in(self.folder()?, &request)?;
        Ok(SavedImage {
            location: path.to_string_lossy().into_owned(),
            file_name: request.file_name,
        })
    }

    /// Desktop has no share sheet the plugin can reach.
    pub fn share_image(&self, _request: ImageRequest) -> Result<(), Error> {
        Err(Error::ShareUnsupported)
    }
}

/// Pictures/社保缴费助手: the Pictures folder as the desktop names it (XDG user dirs, the
/// Windows and macOS known folders), else `~/Pictures`.
pub fn album_dir() -> Option<PathBuf> {
    let user_dirs = directories::UserDirs::new()?;
    let pictures = user_dirs
        .picture_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| user_dirs.home_dir().join("Pictures"));
    Some(pictures.join(ALBUM_NAME))
}

/// Writes the image into `folder` (created if needed) under its file name and returns the
/// path. The bytes go to a hidden temporary file first and are renamed into place, so the
/// album never shows half an image; an image of the same name is replaced.
pub fn save_in(folder: &Path, request: &ImageRequest) -> Result<PathBuf, Error> {
    check_file_name(&request.file_name)?;
    if request.bytes.is_empty() {
        return Err(Error::EmptyImage);
    }
    std::fs::create_dir_all(folder)?;
    let path = folder.join(&request.file_name);
    let partial = folder.join(format!(".{}.part", request.file_name));
    std::fs::write(&partial, &request.bytes)?;
    if let Err(error) = std::fs::rename(&partial, &path) {
        // Best effort: the temporary file is hidden and replaced by the next attempt anyway.
        let _ = std::fs::remove_file(&partial);
        return Err(error.into());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(file_name: &str, bytes: &[u8]) -> ImageRequest {
        ImageRequest {
            bytes: bytes.to_vec(),
            file_name: file_name.to_owned(),
        }
    }

    #[test]
    fn should_create_the_album_folder_and_write_the_image_there() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("Pictures").join(ALBUM_NAME);

        let path = save_in(&folder, &request("缴费证明_2025-06_1.png", b"\x89PNG...")).unwrap();

        assert_eq!(path, folder.join("缴费证明_2025-06_1.png"));
        assert_eq!(std::fs::read(&path).unwrap(), b"\x89PNG...");
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["缴费证明_2025-06_1.png"], "no temporary file left");
    }

    #[test]
    fn should_replace_an_image_of_the_same_name() {
        let folder = tempfile::tempdir().unwrap();
        save_in(folder.path(), &request("a.png", b"old")).unwrap();
        let path = save_in(folder.path(), &request("a.png", b"new")).unwrap();
        assert_eq!(std::fs::read(path).unwrap(), b"new");
    }

    #[test]
    fn should_refuse_a_name_that_leaves_the_folder_and_write_nothing() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("album");
        for name in ["../escape.png", "sub/x.png", "x.exe"] {
            let result = save_in(&folder, &request(name, b"x"));
            assert!(matches!(result, Err(Error::InvalidFileName(_))), "{name}");
        }
        assert!(!folder.exists());
        assert!(!root.path().join("escape.png").exists());
    }

    #[test]
    fn should_refuse_an_empty_image() {
        let folder = tempfile::tempdir().unwrap();
        let result = save_in(folder.path(), &request("a.png", b""));
        assert!(matches!(result, Err(Error::EmptyImage)));
        assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    }

    #[test]
    fn should_put_the_album_inside_the_pictures_folder() {
        let Some(dir) = album_dir() else {
            eprintln!("SKIPPED: no home directory in this environment");
            return;
        };
        assert!(dir.ends_with(ALBUM_NAME));
        let pictures = dir.parent().unwrap();
        let user_dirs = directories::UserDirs::new().unwrap();
        let expected = user_dirs
            .picture_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| user_dirs.home_dir().join("Pictures"));
        assert_eq!(pictures, expected);
    }
}
