//! The resolved model as an OpenAPI document, for client generators and API browsers that
//! read OpenAPI rather than our YAML: 3.1 by default (Swagger UI, Postman, TypeScript
//! generators), or 3.0.3 for generators that read only 3.0.x (progenitor among them).
//!
//! All services go into one document, each operation carrying its service's base URL as
//! operation-level `servers` (services have different hosts). Names must therefore be unique
//! across services: operation ids, method + path pairs and schema names; a clash is an
//! [`ExportError`] rather than a silently merged document.
//!
//! Signing schemes become security schemes where OpenAPI has a type for them: the Kingdee
//! gateway's `app-token` and `X-Api-Signature` headers, a bearer token's header. A signature
//! carried in the body (the MD5 `sign` field) has no OpenAPI type; it is described on the
//! field and in the operation's `x-retail-apis-auth`, which every operation carries with its
//! scheme's parameters.
//!
//! What else OpenAPI cannot say is kept as text or extensions: field aliases (`x-aliases`),
//! the Rust variant names of enums (`x-enum-varnames`), quirks (`x-quirks`, and in
//! descriptions). Enums list the documented values; the generated Rust client also accepts
//! others (`Unknown`), which a strict OpenAPI `enum` does not express.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::security;

use crate::model::{
    Code, Endpoint, EnumRepr, EnumType, Field, HttpMethod, NamedType, Service, SpecSet, StructType,
    TypeExpr, TypeKind,
};

/// Which OpenAPI version a document is written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpenApiVersion {
    /// OpenAPI 3.0.3: `nullable`, and a `$ref` wrapped in `allOf` to carry a description.
    V3_0,
    /// OpenAPI 3.1.0, whose schemas are JSON Schema 2020-12: `null` as a type.
    #[default]
    V3_1,
}

impl OpenApiVersion {
    /// The `openapi` field of the document.
    pub fn as_str(self) -> &'static str {
        match self {
            OpenApiVersion::V3_0 => "3.0.3",
            OpenApiVersion::V3_1 => "3.1.0",
        }
    }
}

/// Where component schemas are referenced from.
const SCHEMA_REF: &str = "#/components/schemas/";

/// Why a spec set has no faithful OpenAPI document.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExportError {
    /// Two services (or one service twice) declare the same name where OpenAPI needs it to
    /// be unique within the document.
    #[error("{what} `{name}` is declared by service `{first}` and by service `{second}`; OpenAPI needs it once per document")]
    Clash {
        /// What kind of name (`operationId`, `schema`, `path`).
        what: &'static str,
        /// The repeated name.
        name: String,
        /// The service that declared it first.
        first: String,
        /// The service that declared it again.
        second: String,
    },
}

/// The OpenAPI 3.1 document of every service in `spec`, as pretty-printed JSON with a final
/// newline. The same spec always gives the same bytes.
pub fn openapi_text(spec: &SpecSet) -> Result<String, ExportError> {
    openapi_text_in(spec, OpenApiVersion::default())
}

/// [`openapi_text`] in the given OpenAPI version.
pub fn openapi_text_in(spec: &SpecSet, version: OpenApiVersion) -> Result<String, ExportError> {
    let document = openapi_document_in(spec, version)?;
    // Serialising a `Value` cannot fail: its keys are strings and it holds no floats
    // that JSON cannot represent.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// The OpenAPI 3.1 document of every service in `spec`.
pub fn openapi_document(spec: &SpecSet) -> Result<Value, ExportError> {
    openapi_document_in(spec, OpenApiVersion::default())
}

/// [`openapi_document`] in the given OpenAPI version.
pub fn openapi_document_in(spec: &SpecSet, version: OpenApiVersion) -> Result<Value, ExportError> {
    let mut names = Names::default();
    let mut security_schemes = Map::new();
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut tags = Vec::with_capacity(spec.services.len());
    for service in &spec.services {
        tags.push(json!({"name": service.name, "description": service.title}));
        let security = security::schemes(service);
        for (name, scheme) in &security.schemes {
            names.claim("security scheme", name, &service.name)?;
            security_schemes.insert(name.clone(), scheme.clone());
        }
        for ty in &service.types {
            names.claim("schema", &ty.name, &service.name)?;
            schemas.insert(ty.name.clone(), named_schema(ty, version));
        }
        for endpoint in &service.endpoints {
            names.claim("operationId", &endpoint.operation, &service.name)?;
            names.claim(
                "path",
                &format!("{} {}", endpoint.method.as_str(), endpoint.path),
                &service.name,
            )?;
            let response = match &service.envelope.data_field {
                Some(_) => {
                    let name = envelope_name(&endpoint.operation);
                    names.claim("schema", &name, &service.name)?;
                    schemas.insert(name.clone(), envelope_schema(service, endpoint));
                    reference(&name)
                }
                None => type_schema(&endpoint.response),
            };
            let item = paths
                .entry(endpoint.path.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(item) = item {
                let mut op = operation(service, endpoint, response, version);
                security.apply(&mut op);
                item.insert(method_key(endpoint.method).to_owned(), Value::Object(op));
            }
        }
    }
    let mut document = Map::new();
    document.insert("openapi".to_owned(), json!(version.as_str()));
    document.insert("info".to_owned(), info(spec));
    if let [service] = spec.services.as_slice() {
        document.insert("servers".to_owned(), servers(service));
    }
    document.insert("tags".to_owned(), Value::Array(tags));
    document.insert("paths".to_owned(), Value::Object(paths));
    let mut components = Map::new();
    components.insert("schemas".to_owned(), Value::Object(schemas));
    if !security_schemes.is_empty() {
        components.insert(
            "securitySchemes".to_owned(),
            Value::Object(security_schemes),
        );
    }
    document.insert("components".to_owned(), Value::Object(components));
    Ok(Value::Object(document))
}

/// Names that must be unique in the document, with the service that declared each.
#[derive(Default)]
struct Names {
    seen: HashMap<(&'static str, String), String>,
}

impl Names {
    fn claim(&mut self, what: &'static str, name: &str, service: &str) -> Result<(), ExportError> {
        match self
            .seen
            .insert((what, name.to_owned()), service.to_owned())
        {
            None => Ok(()),
            Some(first) => Err(ExportError::Clash {
                what,
                name: name.to_owned(),
                first,
                second: service.to_owned(),
            }),
        }
    }
}

fn info(spec: &SpecSet) -> Value {
    let title = match spec.services.as_slice() {
        [service] => service.title.clone(),
        services => services
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>()
            .join(" / "),
    };
    json!({
        "title": title,
        "description": "Exported by `retail-apis export openapi` from the reviewed YAML specs. \
            The vendor pages give no API version.",
        "version": "unversioned",
    })
}

fn servers(service: &Service) -> Value {
    json!([{ "url": service.base_url, "description": service.title }])
}

fn method_key(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Post => "post",
    }
}

fn operation(
    service: &Service,
    endpoint: &Endpoint,
    response: Value,
    version: OpenApiVersion,
) -> Map<String, Value> {
    let mut op = Map::new();
    op.insert("operationId".to_owned(), json!(endpoint.operation));
    op.insert("summary".to_owned(), json!(endpoint.summary));
    if let Some(text) = described(endpoint.description.as_deref(), &endpoint.quirks) {
        op.insert("description".to_owned(), json!(text));
    }
    op.insert("tags".to_owned(), json!([service.name]));
    op.insert("servers".to_owned(), servers(service));
    match endpoint.method {
        HttpMethod::Get => {
            op.insert(
                "parameters".to_owned(),
                query_parameters(service, endpoint, version),
            );
        }
        HttpMethod::Post => {
            op.insert(
                "requestBody".to_owned(),
                json!({
                    "required": true,
                    "content": {"application/json": {"schema": reference(&endpoint.request)}},
                }),
            );
        }
    }
    let description = match &service.envelope.data_field {
        Some(field) => format!("Success: the `{field}` of the {} envelope.", service.name),
        None => format!(
            "Success: the whole body (the {} envelope has no data field).",
            service.name
        ),
    };
    op.insert(
        "responses".to_owned(),
        json!({"200": {
            "description": description,
            "content": {"application/json": {"schema": response}},
        }}),
    );
    if endpoint.safe {
        op.insert("x-safe".to_owned(), json!(true));
    }
    if let Some(key) = &endpoint.idempotency_key {
        op.insert("x-idempotency-key".to_owned(), json!(key));
    }
    quirks(&mut op, &endpoint.quirks);
    op
}

/// The quirks as an extension too, for tools that show extensions apart from the text.
fn quirks(schema: &mut Map<String, Value>, quirks: &[String]) {
    if !quirks.is_empty() {
        schema.insert("x-quirks".to_owned(), json!(quirks));
    }
}

/// A GET request's fields as query parameters; its request struct names them.
fn query_parameters(service: &Service, endpoint: &Endpoint, version: OpenApiVersion) -> Value {
    let fields = match service.named_type(&endpoint.request).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => s.fields.as_slice(),
        _ => &[],
    };
    Value::Array(
        fields
            .iter()
            .map(|field| {
                let mut parameter = Map::new();
                parameter.insert("name".to_owned(), json!(field.wire_name));
                parameter.insert("in".to_owned(), json!("query"));
                parameter.insert("required".to_owned(), json!(caller_required(field)));
                if let Some(text) = described(field.description.as_deref(), &field.quirks) {
                    parameter.insert("description".to_owned(), json!(text));
                }
                parameter.insert("schema".to_owned(), field_schema(field, version));
                Value::Object(parameter)
            })
            .collect(),
    )
}

/// `MallRechargeEnvelope` for `mall_recharge`.
fn envelope_name(operation: &str) -> String {
    let mut name: String = operation
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    name.push_str("Envelope");
    name
}

/// The body of a successful call of a service whose envelope holds the data in one field.
fn envelope_schema(service: &Service, endpoint: &Endpoint) -> Value {
    let envelope = &service.envelope;
    let code = match envelope.success_code {
        Code::Int(_) => json!({"type": "integer", "format": "int64"}),
        Code::Str(_) => json!({"type": "string"}),
    };
    let mut properties = Map::new();
    properties.insert(envelope.code_field.to_string(), code);
    properties.insert(
        envelope.message_field.to_string(),
        json!({"type": "string"}),
    );
    if let Some(field) = &envelope.data_field {
        properties.insert(field.to_string(), type_schema(&endpoint.response));
    }
    json!({
        "type": "object",
        "description": format!(
            "Answer of `{}`: the {} envelope around its data.",
            endpoint.operation, service.name
        ),
        "required": [envelope.code_field.to_string()],
        "properties": properties,
    })
}

fn named_schema(ty: &NamedType, version: OpenApiVersion) -> Value {
    let mut schema = match &ty.kind {
        TypeKind::Struct(s) => struct_schema(s, ty.in_response, version),
        TypeKind::Enum(e) => enum_schema(e),
    };
    if let Some(text) = described(ty.description.as_deref(), &ty.quirks) {
        schema.insert("description".to_owned(), json!(text));
    }
    quirks(&mut schema, &ty.quirks);
    Value::Object(schema)
}

fn struct_schema(s: &StructType, in_response: bool, version: OpenApiVersion) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".to_owned(), json!("object"));
    let required: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| caller_required(f))
        .map(|f| f.wire_name.as_str())
        .collect();
    if !required.is_empty() {
        schema.insert("required".to_owned(), json!(required));
    }
    let properties: Map<String, Value> = s
        .fields
        .iter()
        .map(|f| (f.wire_name.clone(), field_schema(f, version)))
        .collect();
    schema.insert("properties".to_owned(), Value::Object(properties));
    if in_response {
        // Decoders keep what the vendor adds; say so rather than rely on the default.
        schema.insert("additionalProperties".to_owned(), json!(true));
    }
    schema
}

/// Whether the caller must send the field: required on the page and not filled in by the
/// client (the Shoubei `sign`).
fn caller_required(field: &Field) -> bool {
    field.required && !field.computed
}

fn field_schema(field: &Field, version: OpenApiVersion) -> Value {
    let mut schema = match type_schema(&field.ty) {
        // A `$ref` takes no siblings in OpenAPI 3.0: wrap it to carry a description.
        Value::Object(map) if version == OpenApiVersion::V3_1 || !map.contains_key("$ref") => map,
        reference => {
            let mut wrapper = Map::new();
            wrapper.insert("allOf".to_owned(), json!([reference]));
            wrapper
        }
    };
    let mut text = field.description.clone().unwrap_or_default();
    if field.computed {
        push_paragraph(
            &mut text,
            "Filled in by the client when the request is sent.",
        );
    }
    if let Some(text) = described(Some(text.as_str()), &field.quirks) {
        schema.insert("description".to_owned(), json!(text));
    }
    if field.nullable {
        nullable(&mut schema, version);
    }
    if !field.aliases.is_empty() {
        schema.insert("x-aliases".to_owned(), json!(field.aliases));
    }
    quirks(&mut schema, &field.quirks);
    Value::Object(schema)
}

/// Lets the schema's value also be null: `nullable` in 3.0; in 3.1, `null` joins the
/// `type`, or, for a reference or a value of any type, an `anyOf` with `null`.
fn nullable(schema: &mut Map<String, Value>, version: OpenApiVersion) {
    match version {
        OpenApiVersion::V3_0 => {
            schema.insert("nullable".to_owned(), json!(true));
        }
        OpenApiVersion::V3_1 => match schema.get("type").cloned() {
            Some(Value::String(ty)) => {
                schema.insert("type".to_owned(), json!([ty, "null"]));
            }
            // Any value already includes null.
            _ if !schema.contains_key("$ref") && !schema.contains_key("allOf") => {}
            _ => {
                let keep = ["description", "x-aliases", "x-quirks"];
                let mut inner = Map::new();
                for (key, value) in std::mem::take(schema) {
                    if keep.contains(&key.as_str()) {
                        schema.insert(key, value);
                    } else {
                        inner.insert(key, value);
                    }
                }
                schema.insert(
                    "anyOf".to_owned(),
                    json!([Value::Object(inner), {"type": "null"}]),
                );
            }
        },
    }
}

fn enum_schema(e: &EnumType) -> Map<String, Value> {
    let mut schema = Map::new();
    let values: Vec<Value> = match e.repr {
        EnumRepr::Integer => {
            schema.insert("type".to_owned(), json!("integer"));
            schema.insert("format".to_owned(), json!("int64"));
            // The loader checked every value against the repr; one that is not an integer
            // could only come from a hand-built model and is written as text.
            e.variants
                .iter()
                .map(|v| {
                    v.value
                        .trim()
                        .parse::<i64>()
                        .map_or_else(|_| json!(v.value), |n| json!(n))
                })
                .collect()
        }
        EnumRepr::String { max_len } => {
            schema.insert("type".to_owned(), json!("string"));
            if let Some(n) = max_len {
                schema.insert("maxLength".to_owned(), json!(n));
            }
            e.variants.iter().map(|v| json!(v.value)).collect()
        }
    };
    schema.insert("enum".to_owned(), Value::Array(values));
    let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
    schema.insert("x-enum-varnames".to_owned(), json!(names));
    schema
}

/// The text of an `amount`, as `retail_apis_descriptor::check_decimal_text` accepts it
/// (which also caps the digits at 28).
const AMOUNT_PATTERN: &str = "^-?[0-9]+(\\.[0-9]+)?$";

/// The schema of a value of `ty`.
fn type_schema(ty: &TypeExpr) -> Value {
    match ty {
        TypeExpr::String { max_len: Some(n) } => json!({"type": "string", "maxLength": n}),
        TypeExpr::String { max_len: None } => json!({"type": "string"}),
        TypeExpr::Integer => json!({"type": "integer", "format": "int64"}),
        TypeExpr::Number => json!({"type": "number", "format": "double"}),
        TypeExpr::Boolean => json!({"type": "boolean"}),
        // Any value: the empty schema.
        TypeExpr::Json => json!({}),
        TypeExpr::Amount { max_len } => {
            let mut schema = json!({
                "type": "string",
                "format": "decimal",
                "pattern": AMOUNT_PATTERN,
            });
            if let Some(n) = max_len {
                schema["maxLength"] = json!(n);
            }
            schema
        }
        TypeExpr::List(inner) => json!({"type": "array", "items": type_schema(inner)}),
        TypeExpr::Map(inner) => json!({
            "type": "object",
            "additionalProperties": type_schema(inner),
        }),
        TypeExpr::Named(name) => reference(name),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{SCHEMA_REF}{name}") })
}

/// A description with the quirks after it, as rustdoc shows them; `None` when both are
/// empty.
fn described(description: Option<&str>, quirks: &[String]) -> Option<String> {
    let mut text = description.unwrap_or_default().to_owned();
    for quirk in quirks {
        push_paragraph(&mut text, &format!("Quirk: {quirk}"));
    }
    (!text.is_empty()).then_some(text)
}

fn push_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}
