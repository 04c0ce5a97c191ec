//! Android and iOS: the native sides in `android/` (MediaStore) and `ios/` (PHPhotoLibrary).
//! LIMITATION: never built or run here; see the crate README's section on the native sides.

use serde::de::DeserializeOwned;
use tauri::plugin::{PluginApi, PluginHandle};
use tauri::{AppHandle, Runtime};

use crate::{Error, ImageRequest, SavedImage, check_file_name};

#[cfg(target_os = "ios")]
tauri::ios_plugin_binding!(init_plugin_album);

pub(crate) fn init<R: Runtime, C: DeserializeOwned>(
    _app: &AppHandle<R>,
    api: PluginApi<R, C>,
) -> Result<Album<R>, Box<dyn std::error::Error>> {
    #[cfg(target_os = "android")]
    let handle = api.register_android_plugin("cn.shebao.album", "AlbumPlugin")?;
    #[cfg(target_os = "ios")]
    let handle = api.register_ios_plugin(init_plugin_album)?;
    Ok(Album(handle))
}

/// The album on a phone: the native plugin.
pub struct Album<R: Runtime>(PluginHandle<R>);

impl<R: Runtime> Album<R> {
    pub fn save_image(&self, request: ImageRequest) -> Result<SavedImage, Error> {
        check(&request)?;
        Ok(self.0.run_mobile_plugin("saveImage", request)?)
    }

    pub fn share_image(&self, request: ImageRequest) -> Result<(), Error> {
        check(&request)?;
        Ok(self.0.run_mobile_plugin("shareImage", request)?)
    }
}

fn check(request: &ImageRequest) -> Result<(), Error> {
    check_file_name(&request.file_name)?;
    if request.bytes.is_empty() {
        return Err(Error::EmptyImage);
    }
    Ok(())
}
