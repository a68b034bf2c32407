//! The window's footprint: WebKitGTK's settings for a page of forms and tables, and a bare
//! window to measure against (`--bare-window`, issue #17).
//!
//! WebKitGTK's defaults suit a web browser: a page cache for back and forward, a memory
//! cache sized for browsing, GPU compositing (without a GPU, as on a plain office machine or
//! a virtual display, that is Mesa's software GL in the web process: most of the window's
//! memory beyond WebKit's own), WebGL, media, Web Audio, offline caches and DNS prefetching.
//! GrantDesk's page — forms, tables and a few SVG charts — uses none of them, and paints
//! itself in software well within a frame.
//!
//! Without compositing, WebKitGTK 2.50's WebDriver screenshot waits for the page's next paint
//! and, on a page where nothing changes, waits forever (the page itself repaints whenever
//! it changes: seen on the virtual display, `import -window root`). The end-to-end tests'
//! driver therefore changes a transparent pixel while it takes one (e2e/driver.mjs).

use tauri::{Runtime, WebviewWindow};

/// `--webkit-defaults` keeps WebKitGTK's defaults: for measuring what the settings save
/// (`make measure` starts the windows both ways).
pub const DEFAULTS_FLAG: &str = "--webkit-defaults";

/// Whether the command line asks for WebKitGTK's defaults (see [`DEFAULTS_FLAG`]).
pub fn keep_defaults(args: &[String]) -> bool {
    args.iter().any(|a| a == DEFAULTS_FLAG)
}

/// The environment WebKitGTK's processes start with (the web and network processes inherit
/// the window's), set by [`tune_environment`] unless `--webkit-defaults` is given.
///
/// - `JSC_useDFGJIT=false`: JavaScriptCore keeps its first, baseline compiler and drops the
///   optimising ones (DFG, and FTL above it), whose compiler threads, code and profiling cost
///   memory for speed this page does not use: its scripts build the DOM from the core's
///   answers, the numbers are worked out in Rust. Measured (`make measure`, release):
///   GrantDesk's window 251.7 → 236.0 MiB PSS with the allocator setting below. Interpreting
///   every script (`JSC_useJIT=false`) saves ≈ 6 MiB more but doubles the work of a table
///   of a national call in the page (100,000 proposals: sorting 0.54 → 1.23 s, a search
///   0.18 → 0.41 s); the baseline compiler alone keeps them as fast as with every compiler.
/// - `MALLOC_ARENA_MAX=2`: glibc's allocator keeps at most two arenas in a process instead of
///   one per thread that allocates (eight per core): WebKit's processes run a dozen threads.
///
/// A variable already set in the environment is kept: an officer (or a test) may still
/// choose otherwise.
pub const ENVIRONMENT: [(&str, &str); 2] = [("JSC_useDFGJIT", "false"), ("MALLOC_ARENA_MAX", "2")];

/// What [`tune_environment`] sets for a command line: [`ENVIRONMENT`], or nothing with
/// `--webkit-defaults`.
pub fn environment(args: &[String]) -> &'static [(&'static str, &'static str)] {
    if keep_defaults(args) {
        &[]
    } else {
        &ENVIRONMENT
    }
}

/// Sets [`environment`]'s variables in this process's environment, where WebKitGTK's processes
/// will find them. Must run first in `main`, before any other thread exists: changing the
/// environment of a process is safe only while it has a single thread (GLib's `g_setenv`
/// says so too). The window's own allocator has already read its settings by then; the
/// web processes, which hold most of the memory, start later and read them.
pub fn tune_environment(args: &[String]) {
    #[cfg(target_os = "linux")]
    for (name, value) in environment(args) {
        let _ = webkit2gtk::glib::setenv(name, value, false);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = args;
}

/// Applies the settings to a window's web view, before its page has drawn (called from the
/// set-up hook). Failing to reach the web view changes nothing but the footprint.
pub fn lighten<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    let _ = window.with_webview(|w| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = w.inner();
        // The smallest memory cache, and no cache of pages left behind.
        if let Some(context) = view.web_context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(s) = WebViewExt::settings(&view) {
            s.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            s.set_enable_page_cache(false);
            s.set_enable_webgl(false);
            s.set_enable_webaudio(false);
            s.set_enable_media(false);
            s.set_enable_mediasource(false);
            s.set_enable_media_stream(false);
            s.set_enable_encrypted_media(false);
            s.set_enable_html5_database(false);
            s.set_enable_offline_web_application_cache(false);
            s.set_enable_dns_prefetching(false);
        }
    });
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// A bare Tauri window of the same build: one static page (`ui/bare.html`), no commands, no
/// database, no state. What `make measure` compares GrantDesk's window with, side by side.
pub fn run_bare(context: tauri::Context<tauri::Wry>, light: bool) -> Result<(), String> {
    let mut context = context;
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(move |app| {
            let window = tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("bare.html".into()),
            )
            .title("bare Tauri window")
            .inner_size(1280.0, 840.0)
            .build()?;
            if light {
                lighten(&window);
            }
            Ok(())
        })
        .run(context)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn the_web_processes_keep_only_the_baseline_compiler_unless_webkits_defaults_are_asked_for() {
        let tuned = environment(&args(&["grantdesk-app", "--db", "x.db"]));
        assert!(tuned.contains(&("JSC_useDFGJIT", "false")));
        assert!(tuned.contains(&("MALLOC_ARENA_MAX", "2")));
        assert!(environment(&args(&["grantdesk-app", DEFAULTS_FLAG])).is_empty());
        assert!(environment(&args(&["grantdesk-app", "--bare-window", DEFAULTS_FLAG])).is_empty());
    }
}
