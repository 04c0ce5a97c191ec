//! The whole workspace speaks TLS through rustls: no package, for any target, depends on
//! OpenSSL. `cargo tree --invert` answers "did not match any packages" for a package that is
//! not in the resolved graph, and prints the dependents of one that is.

use std::path::PathBuf;
use std::process::Output;

fn workspace_manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml")
}

/// `cargo tree -i <package> --target all` over the whole workspace.
fn inverted_tree(package: &str) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = std::process::Command::new(cargo)
        .args(["tree", "--locked", "--workspace", "--target", "all", "-i"])
        .arg(package)
        .arg("--manifest-path")
        .arg(workspace_manifest())
        .output();
    match output {
        Ok(output) => output,
        Err(error) => panic!("cargo tree could not run: {error}"),
    }
}

fn assert_absent(package: &str) {
    let output = inverted_tree(package);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let absent = format!("package ID specification `{package}` did not match any packages");
    assert!(
        !output.status.success() && stdout.trim().is_empty() && stderr.contains(&absent),
        "{package} is in the dependency graph (or cargo tree failed otherwise):\n{stdout}\n{stderr}"
    );
}

#[test]
fn should_have_no_package_depending_on_openssl_sys() {
    assert_absent("openssl-sys");
}

#[test]
fn should_have_no_package_depending_on_openssl() {
    assert_absent("openssl");
}

/// The same question about a package that is in the graph gets its dependents, so the
/// assertions above can tell presence from absence.
#[test]
fn should_list_the_dependents_of_a_package_that_is_in_the_graph() {
    let output = inverted_tree("rustls");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("shebao-client"), "{stdout}");
}
