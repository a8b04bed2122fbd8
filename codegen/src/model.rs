//! The resolved model: a validated spec set, with every reference checked and every
//! default applied. The emitter and the sandbox read only this, never raw YAML.
//!
//! Ordering is part of the contract, because generated output must be deterministic:
//! services are sorted by name, endpoints by operation, named types by name, and fields
//! keep the order in which the spec lists them.
//!
//! What the runtime needs of a service (auth scheme, envelope, error codes, HTTP
//! methods) is held as the descriptor types of `retail-apis-descriptor`, the same types
//! the runtime and the sandbox read; [`Service::descriptor`] is the one conversion from
//! this model to a [`ServiceDescriptor`].

use std::collections::BTreeMap;

pub use retail_apis_descriptor::{
    AuthScheme, AuthorizeEndpoint, BearerScheme, Code, EndpointDescriptor, EnvelopeDescriptor,
    ErrorAction, ErrorCodeInfo, HttpMethod, KingdeeGatewayScheme, Md5SignScheme, Processed,
    ResultCheck, ServiceDescriptor, TokenEndpoint,
};

/// Where a spec item was declared (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceRef {
    /// Path relative to the spec root, with `/` separators (`jdy/endpoints/mall_recharge.yaml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Where the keys of one spec file were written, by their dotted path from the file's top
/// level (`method`, `auth.token.path`, `errors.2.code`; list items by index). Items with an
/// `origin` of their own (types, fields, enum values) are not repeated here.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KeySpans(pub BTreeMap<String, SourceRef>);

impl KeySpans {
    /// Where the key at `path` was written, if the file has it.
    pub fn get(&self, path: &str) -> Option<&SourceRef> {
        self.0.get(path)
    }
}

/// All services found under a spec root.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SpecSet {
    /// Services sorted by name.
    pub services: Vec<Service>,
}

/// One vendor API: everything common to its endpoints, plus the endpoints.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// Module name of the generated client: a snake_case Rust identifier (`jdy`).
    pub name: String,
    /// Human title (may be Chinese), becomes the module's first doc line.
    pub title: String,
    /// Longer description, kept as rustdoc.
    pub description: Option<String>,
    /// Every spec file that contributed to this service, relative to the spec root, sorted.
    pub files: Vec<String>,
    /// Production base URL, without a trailing slash (`https://api.kingdee.com`).
    pub base_url: String,
    /// Authentication and signing scheme.
    pub auth: AuthScheme,
    /// Headers every call carries, as documented (informational; the runtime sets them).
    pub headers: Vec<HeaderSpec>,
    /// How responses are wrapped and how success is recognised.
    pub envelope: EnvelopeDescriptor,
    /// Known error codes.
    pub errors: Vec<ErrorCodeInfo>,
    /// Every named type of the service (service-level and endpoint-level), sorted by name.
    pub types: Vec<NamedType>,
    /// Endpoints sorted by operation name.
    pub endpoints: Vec<Endpoint>,
    /// Documentation quirks recorded at service level.
    pub quirks: Vec<String>,
    /// The vendor pages quirks cite, by the name they cite them with.
    pub pages: BTreeMap<String, VendorPage>,
    /// Where the service file declared the service.
    pub origin: SourceRef,
    /// Where each key of the service file was written (all but `types`).
    pub spans: KeySpans,
}

/// A vendor documentation page the specs were transcribed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendorPage {
    /// Its title, as the vendor gives it.
    pub title: String,
    /// Where it is published (`http(s)://`), when it can be linked.
    pub url: Option<String>,
}

/// A documented request header.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderSpec {
    /// Header name as documented.
    pub name: String,
    /// Fixed value, if the header is constant.
    pub value: Option<String>,
    /// Whether the page marks it required.
    pub required: bool,
    /// Description from the page.
    pub description: Option<String>,
}

/// One API operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// snake_case operation name: the client method name (`mall_recharge`).
    pub operation: String,
    /// One-line summary (Chinese as on the page).
    pub summary: String,
    /// Longer description.
    pub description: Option<String>,
    /// The vendor page this endpoint was transcribed from (seed file name or URL).
    pub source_page: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// Wire name of the request field the caller keeps when repeating the call
    /// (`src_bill_id`). Without [`idempotency_evidence`](Self::idempotency_evidence) it is
    /// documentation only.
    pub idempotency_key: Option<String>,
    /// Where the vendor says repeats of the key are ignored; `Some` means the client may
    /// repeat the call after a failure that may have been applied.
    pub idempotency_evidence: Option<Evidence>,
    /// The operation only reads (a query): the client may repeat it after any transient
    /// failure, and its failures never leave an unknown outcome. Every other endpoint is
    /// treated as a write.
    pub safe: bool,
    /// Name of the request struct in [`Service::types`] (`MallRechargeRequest`).
    pub request: String,
    /// Type of the payload returned on success.
    pub response: TypeExpr,
    /// Examples copied from the page, as JSON text.
    pub examples: Vec<Example>,
    /// Documentation quirks of this endpoint's page.
    pub quirks: Vec<String>,
    /// Where the endpoint was declared.
    pub origin: SourceRef,
    /// Where each top-level key of the endpoint file was written (`method`, `path`, …).
    pub spans: KeySpans,
}

/// A vendor statement backing a spec claim: the page and the sentence, verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// Seed file name or URL of the page (`000_02ae261432214172.txt`).
    pub page: String,
    /// The sentence copied from the page.
    pub quote: String,
}

/// An example exchange from the vendor page.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// Short name (`default`).
    pub name: String,
    /// Request body JSON, as on the page (normalised to valid JSON).
    pub request: Option<String>,
    /// Response body JSON.
    pub response: Option<String>,
}

/// A named type: a struct or an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct NamedType {
    /// UpperCamelCase Rust name (`SettleEntries`).
    pub name: String,
    /// Description, becomes rustdoc.
    pub description: Option<String>,
    /// Struct or enum.
    pub kind: TypeKind,
    /// Whether the type is reachable from a response (decoded from vendor data).
    /// Such structs keep undocumented fields instead of dropping them.
    pub in_response: bool,
    /// Whether the type is reachable from a request (encoded by the client).
    pub in_request: bool,
    /// Documentation quirks.
    pub quirks: Vec<String>,
    /// Where the type was declared.
    pub origin: SourceRef,
}

/// Body of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A JSON object.
    Struct(StructType),
    /// A closed set of known values, with a fallback for unknown ones.
    Enum(EnumType),
}

/// A JSON object type.
#[derive(Clone, Debug, PartialEq)]
pub struct StructType {
    /// Fields in spec order.
    pub fields: Vec<Field>,
}

/// A field of a struct.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// snake_case Rust identifier (not a keyword).
    pub name: String,
    /// Name on the wire (serialised name).
    pub wire_name: String,
    /// Other names accepted when decoding (doc quirks such as `couponCode`).
    pub aliases: Vec<String>,
    /// Value type.
    pub ty: TypeExpr,
    /// Marked required on the page.
    pub required: bool,
    /// The value may be JSON null even though it is required (a page example sends null).
    pub nullable: bool,
    /// Filled in by the runtime, not by the caller (the Shoubei `sign` field).
    pub computed: bool,
    /// Description from the page.
    pub description: Option<String>,
    /// Example value from the page.
    pub example: Option<String>,
    /// Documentation quirks of this field.
    pub quirks: Vec<String>,
    /// Where the field was declared.
    pub origin: SourceRef,
}

/// A value type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    /// JSON string, with an optional maximum length in characters (`string(32)`).
    String {
        /// Maximum length in characters.
        max_len: Option<u32>,
    },
    /// JSON integer (i64).
    Integer,
    /// JSON number (f64).
    Number,
    /// JSON boolean.
    Boolean,
    /// Any JSON value (used where the page gives no usable shape).
    Json,
    /// Decimal amount carried as a JSON string (`amount`, `amount(16)`), with an optional
    /// maximum length of that string in characters. Rust: `Amount`.
    Amount {
        /// Maximum length of the text in characters.
        max_len: Option<u32>,
    },
    /// JSON array of the inner type.
    List(Box<TypeExpr>),
    /// JSON object whose member names are free and whose values all have the inner type
    /// (`map<string, T>`).
    Map(Box<TypeExpr>),
    /// Reference to a named type of the same service.
    Named(String),
}

impl TypeExpr {
    /// The named type this expression refers to, looking through lists and maps (at most
    /// one: they wrap a single type).
    pub fn named(&self) -> Option<&str> {
        let mut ty = self;
        while let TypeExpr::List(inner) | TypeExpr::Map(inner) = ty {
            ty = inner;
        }
        match ty {
            TypeExpr::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// An enum of known values.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    /// How values appear on the wire.
    pub repr: EnumRepr,
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
}

/// Wire representation of an enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings, with an optional maximum length.
    String {
        /// Maximum length in characters.
        max_len: Option<u32>,
    },
    /// JSON integers.
    Integer,
}

/// One known value of an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    /// UpperCamelCase variant name (`Wechat`).
    pub name: String,
    /// Wire value as text (`"1"`, `"10001"`, `"9"`).
    pub value: String,
    /// Description from the page (`微信`).
    pub description: Option<String>,
    /// Where the value was declared.
    pub origin: SourceRef,
}

impl SpecSet {
    /// Looks up a service by name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

impl Service {
    /// Looks up a named type by name.
    pub fn named_type(&self, name: &str) -> Option<&NamedType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Looks up an endpoint by operation name.
    pub fn endpoint(&self, operation: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.operation == operation)
    }

    /// For each named type, the operations whose request or response reaches it (through
    /// struct fields, lists and maps), each once, in endpoint order.
    pub fn type_users(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for endpoint in &self.endpoints {
            let operation = endpoint.operation.as_str();
            let mut todo = vec![endpoint.request.as_str()];
            todo.extend(endpoint.response.named());
            while let Some(name) = todo.pop() {
                let seen = users.entry(name).or_default();
                if seen.last() == Some(&operation) {
                    continue;
                }
                seen.push(operation);
                if let Some(TypeKind::Struct(s)) = self.named_type(name).map(|t| &t.kind) {
                    todo.extend(s.fields.iter().filter_map(|f| f.ty.named()));
                }
            }
        }
        users
    }

    /// What the runtime needs of this service, as the descriptor that generated code
    /// declares and the sandbox serves.
    pub fn descriptor(&self) -> ServiceDescriptor {
        ServiceDescriptor {
            name: self.name.clone().into(),
            base_url: self.base_url.clone().into(),
            auth: self.auth.clone(),
            envelope: self.envelope.clone(),
            errors: self.errors.clone().into(),
            endpoints: self
                .endpoints
                .iter()
                .map(|endpoint| endpoint.descriptor(&self.name))
                .collect(),
        }
    }
}

impl Endpoint {
    /// What the runtime needs of this endpoint of `service`.
    pub fn descriptor(&self, service: &str) -> EndpointDescriptor {
        EndpointDescriptor {
            service: service.to_owned().into(),
            operation: self.operation.clone().into(),
            method: self.method,
            path: self.path.clone().into(),
            idempotency_key: self.idempotency_key.clone().map(Into::into),
            idempotency_evidence: self
                .idempotency_evidence
                .as_ref()
                .map(|evidence| evidence.page.clone().into()),
            safe: self.safe,
        }
    }
}
