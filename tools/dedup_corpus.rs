//! Placeholder; replaced by the corpus generator.
fn main() {}
