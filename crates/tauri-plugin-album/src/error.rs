use serde::{Serialize, Serializer};

/// Why an image was not saved or shared. Serialised to the webview as its message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not an image file name: {0:?}")]
    InvalidFileName(String),
    #[error("the image is empty")]
    EmptyImage,
    #[error("no Pictures folder on this system")]
    NoPicturesFolder,
    #[error("sharing is not available on this platform")]
    ShareUnsupported,
    #[error("could not write the image: {0}")]
    Io(#[from] std::io::Error),
    #[cfg(mobile)]
    #[error(transparent)]
    PluginInvoke(#[from] tauri::plugin::mobile::PluginInvokeError),
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}
