// Intentionally empty: this package exists only to pin the crates `cargo fetch` downloads.
