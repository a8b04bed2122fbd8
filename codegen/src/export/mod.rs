//! Descriptions of a resolved spec set for other tools. The JSON Schema of spec files lives
//! with the loader (`spec_schema`), since it describes the YAML format rather than an API.

pub mod openapi;
mod security;

pub use openapi::{
    openapi_document, openapi_document_in, openapi_text, openapi_text_in, ExportError,
    OpenApiVersion,
};
