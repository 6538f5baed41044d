//! Rebuilds the crate when a migration is added or changed: `sqlx::migrate!` embeds the folder
//! at compile time, and cargo would otherwise keep a build without the new file.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations/replica");
}
