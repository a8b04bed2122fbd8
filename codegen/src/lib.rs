//! Spec-driven code generation for retail-apis: parse → validate → resolved model → emit →
//! format → write.
//!
//! ```no_run
//! let spec = retail_apis_codegen::load(std::path::Path::new("spec")).expect("valid specs");
//! let files = retail_apis_codegen::generate(&spec).expect("generated code");
//! retail_apis_codegen::write_changed(std::path::Path::new("generated"), &files).expect("written");
//! ```

pub mod api_surface;
pub mod diff;
pub mod emit;
pub mod export;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
mod par;
mod reserved;

pub use api_surface::{
    compare as compare_surfaces, render as render_surface_changes, surface, surface_of_spec,
    ApiSurface, ItemChange, SurfaceError,
};
pub use emit::{generate, generate_with, EmitError, GenerateOptions, GeneratedFile};
pub use export::{
    openapi_document, openapi_document_in, openapi_text, openapi_text_in, ExportError,
    OpenApiVersion,
};
pub use load::{
    load, load_sources, load_sources_with_warnings, load_with_warnings, read_sources, spec_schema,
    spec_schema_text, Diagnostic, DiagnosticKind, Diagnostics, Severity, SourceFile,
};
pub use output::{check, write_changed, CheckReport, WriteReport};
pub use reserved::SANDBOX_PATH_PREFIX;
