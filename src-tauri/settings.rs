//! The user's settings (`settings.json` in the app data folder, replaced atomically): which
//! gateway the app talks to — the embedded sandbox (default) or a remote gateway with the keys
//! the app trusts for it — the language, large text and whether the privacy notice was
//! accepted, the colour theme and whether payment reminders are on. A gateway change takes
//! effect at the next start.

use std::path::Path;

use serde::{Deserialize, Serialize};
use shebao_client::TrustedKeys;
use shebao_core::wire::{KeySet, KeyUse};

use crate::error::CommandError;

pub const FILE_NAME: &str = "settings.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    #[serde(default)]
    pub gateway: GatewaySetting,
    #[serde(default)]
    pub language: Language,
    /// 长辈模式: larger text throughout.
    #[serde(default)]
    pub large_text: bool,
    /// The first-start privacy notice was read and accepted.
    #[serde(default)]
    pub privacy_accepted: bool,
    /// Light, dark, or whatever the system says (the default).
    #[serde(default)]
    pub theme: Theme,
    /// Local notifications before the deadlines of the policy table; off until the person
    /// turns them on (and allows notifications).
    #[serde(default)]
    pub reminders: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            gateway: GatewaySetting::Sandbox,
            language: Language::ZhCn,
            large_text: false,
            privacy_accepted: false,
            theme: Theme::System,
            reminders: false,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GatewaySetting {
    /// The embedded sandbox: fictional people, simulated channel.
    #[default]
    Sandbox,
    /// A gateway elsewhere (`shebao-gateway serve`), and the key set the app trusts for it:
    /// its response keys and its certificate keys, as served at `/.well-known/shebao-keys`.
    Remote { origin: String, keys: KeySet },
}

/// Two settings are the same gateway when they say the same thing (the wire key types have no
/// equality of their own).
impl PartialEq for GatewaySetting {
    fn eq(&self, other: &Self) -> bool {
        match (serde_json::to_value(self), serde_json::to_value(other)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

/// The colour theme: the system's light or dark preference, or one of them always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

fn invalid(field: &str) -> CommandError {
    CommandError::new(
        shebao_core::ErrorCode::ValidationFailed.as_str(),
        format!("settings: {field} is not usable"),
    )
}

impl Settings {
    /// The saved settings, or the defaults when there are none (or they don't parse).
    /// The saved settings, the defaults when none were saved, or why the file is not usable:
    /// it does not parse, or it names a gateway the settings screen would refuse (a plain-http
    /// origin off this machine, a path, a key set without a response and a certificate key).
    pub fn read(data_dir: &Path) -> Result<Self, String> {
        let path = data_dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(error) => return Err(format!("{}: {error}", path.display())),
        };
        let settings: Self =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        settings
            .validate()
            .map_err(|error| format!("{}: {}", path.display(), error.message))?;
        Ok(settings)
    }

    /// Checks the settings: a remote gateway needs an `https` origin (plain `http` only on
    /// this machine's loopback) and a key set with a response key and a certificate key.
    pub fn validate(&self) -> Result<(), CommandError> {
        if let GatewaySetting::Remote { origin, keys } = &self.gateway {
            let url = reqwest::Url::parse(origin).map_err(|_| invalid("origin"))?;
            let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
            let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
            if !scheme_ok || url.host_str().is_none() || url.path() != "/" {
                return Err(invalid("origin"));
            }
            TrustedKeys::from_key_set(keys).map_err(|_| invalid("keys"))?;
            let has = |wanted: KeyUse| keys.keys.iter().any(|k| k.key_use == wanted);
            if !has(KeyUse::Response) || !has(KeyUse::Certificate) {
                return Err(invalid("keys"));
            }
        }
        Ok(())
    }

    /// Writes the settings atomically: a temporary file in the same folder, then a rename.
    pub fn save(&self, data_dir: &Path) -> Result<(), CommandError> {
        self.validate()?;
        let failed = |error: std::io::Error| {
            tracing::error!(%error, "settings could not be saved");
            CommandError::new("save_failed", "settings could not be saved")
        };
        let text = serde_json::to_vec_pretty(self)
            .map_err(|_| CommandError::new("internal", "settings do not serialise"))?;
        let mut file = tempfile::NamedTempFile::new_in(data_dir).map_err(failed)?;
        std::io::Write::write_all(&mut file, &text).map_err(failed)?;
        file.as_file().sync_all().map_err(failed)?;
        file.persist(data_dir.join(FILE_NAME))
            .map_err(|error| failed(error.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shebao_core::wire::PublicKeyEntry;

    fn key(kid: &str, key_use: KeyUse, index: Option<u8>) -> PublicKeyEntry {
        let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        PublicKeyEntry {
            kid: kid.into(),
            key_use,
            index,
            public_key: shebao_core::sign::public_key_b64(&signing),
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2035-01-01T00:00:00Z".into(),
        }
    }

    fn remote(origin: &str) -> Settings {
        Settings {
            gateway: GatewaySetting::Remote {
                origin: origin.into(),
                keys: KeySet {
                    keys: vec![
                        key("gw-1", KeyUse::Response, None),
                        key("gw-cert-1", KeyUse::Certificate, Some(1)),
                    ],
                },
            },
            language: Language::En,
            large_text: true,
            privacy_accepted: true,
            theme: Theme::Dark,
            reminders: true,
        }
    }

    #[test]
    fn should_default_to_the_sandbox_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::read(dir.path()).unwrap();
        assert_eq!(settings, Settings::default());
        assert_eq!(
            serde_json::to_value(&settings).unwrap(),
            serde_json::json!({"gateway": {"kind": "sandbox"}, "language": "zh-CN", "large_text": false, "privacy_accepted": false, "theme": "system", "reminders": false})
        );
    }

    #[test]
    fn should_read_settings_saved_before_theme_and_reminders_existed() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{"gateway": {"kind": "sandbox"}, "language": "en", "large_text": true, "privacy_accepted": true}"#;
        std::fs::write(dir.path().join(FILE_NAME), old).unwrap();
        let settings = Settings::read(dir.path()).unwrap();
        assert_eq!(settings.language, Language::En);
        assert_eq!(settings.theme, Theme::System);
        assert!(!settings.reminders);
    }

    #[test]
    fn should_save_and_load_a_remote_gateway() {
        let dir = tempfile::tempdir().unwrap();
        let settings = remote("https://gw.example.cn");
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::read(dir.path()).unwrap(), settings);
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "only settings.json, no temporary file");
    }

    #[test]
    fn should_refuse_a_saved_file_that_does_not_parse_or_names_an_unusable_gateway() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{not json").unwrap();
        assert!(Settings::read(dir.path()).is_err());
        let by_hand = remote("http://10.255.255.1:8787");
        let text = serde_json::to_string(&by_hand).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), text).unwrap();
        let refused = Settings::read(dir.path()).unwrap_err();
        assert!(refused.contains("origin"), "{refused}");
    }

    #[test]
    fn should_refuse_plain_http_except_on_loopback() {
        assert!(remote("http://gw.example.cn").validate().is_err());
        assert!(remote("http://127.0.0.1:8787").validate().is_ok());
        assert!(
            remote("https://gw.example.cn/some/path")
                .validate()
                .is_err()
        );
        assert!(remote("not a url").validate().is_err());
    }

    #[test]
    fn should_refuse_a_key_set_without_a_certificate_key_and_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = remote("https://gw.example.cn");
        if let GatewaySetting::Remote { keys, .. } = &mut settings.gateway {
            keys.keys.retain(|k| k.key_use == KeyUse::Response);
        }
        let refused = settings.save(dir.path()).unwrap_err();
        assert_eq!(refused.code, "validation_failed");
        assert_eq!(Settings::read(dir.path()).unwrap(), Settings::default());
    }
}
