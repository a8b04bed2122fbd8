//! Rendering the resolved model as formatted Rust source.
