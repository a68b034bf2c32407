// The app commands get `allow-<command>` permissions only when listed here; the capability in
// `capabilities/default.json` grants exactly these to the main window (a test checks it). The
// names come from the one list in `src/commands/list.rs`.
fn commands() -> Vec<String> {
    let text = std::fs::read_to_string("src/commands/list.rs").unwrap_or_default();
    text.lines()
        .filter_map(|l| l.trim().strip_suffix(','))
        .filter_map(|l| l.split_once("::").map(|(_, name)| name.trim().to_string()))
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=../ui");
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    // tauri-build keeps the names for the whole build: leaked once, in this short process.
    let names: &'static [&'static str] = Box::leak(
        commands()
            .into_iter()
            .map(|n| &*Box::leak(n.into_boxed_str()))
            .collect::<Vec<&'static str>>()
            .into_boxed_slice(),
    );
    assert!(
        !names.is_empty(),
        "no commands read from src/commands/list.rs"
    );
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(names));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
