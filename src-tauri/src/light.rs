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
