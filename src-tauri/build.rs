fn main() {
    // tauri.conf.json sits at the repository root with the package, but the shell's own files
    // (capabilities) live under src-tauri/. Listing the commands makes Tauri generate one
    // permission per command, so the capability file can grant exactly those.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "view",
            "apply",
            "set_language",
            "sign_in_start",
            "sign_in_cancel",
            "sign_out",
            "sign_in_error_pasted",
            "sign_out_forget",
            "run_operation",
            "save_report",
            "copy_report",
            "refresh_trust",
            "zendesk_practice",
            "diagnostics_preview",
            "diagnostics_copy",
            "open_wizard_link",
            "accept_wizard_link",
            "dismiss_wizard_link",
            "share_wizard_link",
        ]));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
