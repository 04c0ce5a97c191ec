//! Generates the plugin's command permissions and, on mobile, builds the Kotlin and Swift sides.

const COMMANDS: &[&str] = &["save_image", "share_image"];

fn main() {
    tauri_plugin::Builder::new(COMMANDS)
        .android_path("android")
        .ios_path("ios")
        .build();

    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let mobile = target_os == "android" || target_os == "ios";
    cfg_alias("desktop", !mobile);
    cfg_alias("mobile", mobile);
}

/// Declares `cfg(name)` and sets it when `enabled`.
fn cfg_alias(name: &str, enabled: bool) {
    println!("cargo:rustc-check-cfg=cfg({name})");
    if enabled {
        println!("cargo:rustc-cfg={name}");
    }
}
