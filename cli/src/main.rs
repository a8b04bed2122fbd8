//! The `retail-apis` command.
fn main() {}
