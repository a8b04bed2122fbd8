//! Descriptions of a resolved spec set for other tools. The JSON Schema of spec files lives
//! with the loader (`spec_schema`), since it describes the YAML format rather than an API.

pub mod openapi;

pub use openapi::{openapi_document, openapi_text, ExportError};
