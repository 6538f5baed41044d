fn main() {
    // The window's files are embedded by `generate_context!`, which cargo does not know reads
    // them: without this, a rebuilt ui/dist left an old window inside a new binary.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
