//! Spec-driven code generation for retail-apis: parse → validate → resolved model → emit →
//! format → write.

pub mod emit;
pub mod load;
pub mod model;

pub use load::{
    load, load_sources, read_sources, Diagnostic, DiagnosticKind, Diagnostics, SourceFile,
};
