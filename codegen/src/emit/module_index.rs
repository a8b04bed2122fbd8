//! `mod.rs` of the generated tree: the service modules, their descriptors and the
//! embedded spec sources.

use proc_macro2::TokenStream;
use quote::quote;

use super::idents::ident;
use super::{EmitError, GenerateOptions};
use crate::model::SpecSet;

/// Renders the index module.
pub fn index_module(spec: &SpecSet, options: &GenerateOptions) -> Result<TokenStream, EmitError> {
    let mut mods = Vec::with_capacity(spec.services.len());
    let mut services = Vec::with_capacity(spec.services.len());
    for service in &spec.services {
        if crate::reserved::SERVICES.contains(&service.name.as_str()) {
            return Err(EmitError::ReservedService {
                name: service.name.clone(),
            });
        }
        let name = ident(&service.name, "service name")?;
        // The module's own `//!` docs open with the title; docs here too would make
        // rustdoc show the summary twice.
        mods.push(quote!(pub mod #name;));
        services.push(quote!(&#name::SERVICE));
    }
    let mut files: Vec<&String> = spec.services.iter().flat_map(|s| &s.files).collect();
    files.sort();
    let prefix = options.spec_dir_from_output.trim_end_matches('/');
    let sources = files.iter().map(|file| {
        let include = format!("{prefix}/{file}");
        quote!((#file, include_str!(#include)))
    });
    Ok(quote! {
        #(#mods)*

        /// Descriptors of every service, for untyped calls by name.
        pub const SERVICES: &[&retail_apis_runtime::ServiceDescriptor] = &[#(#services),*];

        /// The spec files this code was generated from, as `(path relative to spec/, contents)`,
        /// so that the sandbox can serve exactly the reviewed specs.
        pub const SPEC_FILES: &[(&str, &str)] = &[#(#sources),*];
    })
}
