//! The draft endpoint the importer writes: the spec format's endpoint file, as data.

/// An endpoint file to be written.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    /// The page it comes from, for the file's first comment.
    pub page: String,
    pub operation: String,
    pub summary: String,
    pub source_page: Option<String>,
    pub method: String,
    pub path: String,
    pub review: Vec<String>,
    pub request: Vec<DraftField>,
    pub response: DraftResponse,
    pub types: Vec<DraftType>,
    pub examples: Vec<DraftExample>,
    pub quirks: Vec<String>,
}

/// The response: a struct, or a type when the page gives no usable struct.
#[derive(Debug)]
pub(crate) enum DraftResponse {
    /// `response: {doc, fields}`.
    Fields {
        doc: Option<String>,
        fields: Vec<DraftField>,
    },
    /// `response: {type: …}`.
    Type(String),
}

impl Default for DraftResponse {
    fn default() -> Self {
        DraftResponse::Fields {
            doc: None,
            fields: Vec::new(),
        }
    }
}

/// A field, keyed by its wire name.
#[derive(Debug, Default, Clone)]
pub(crate) struct DraftField {
    pub wire: String,
    pub ty: String,
    pub required: bool,
    pub nullable: bool,
    pub rust_name: Option<String>,
    pub aliases: Vec<String>,
    pub doc: Option<String>,
    pub example: Option<String>,
    pub quirks: Vec<String>,
    pub review: Vec<String>,
    /// The table's own example, kept apart from the one the page's JSON example gives.
    pub table_example: Option<String>,
}

/// A named type.
#[derive(Debug)]
pub(crate) struct DraftType {
    pub name: String,
    pub doc: Option<String>,
    pub quirks: Vec<String>,
    pub review: Vec<String>,
    pub body: DraftBody,
}

/// A struct's fields or an enum's values.
#[derive(Debug)]
pub(crate) enum DraftBody {
    Struct(Vec<DraftField>),
    Enum {
        repr: String,
        /// `(value, variant name, doc)`.
        values: Vec<(String, String, String)>,
    },
}

/// An example exchange, with the page's verbatim text where it had to be normalised.
#[derive(Debug, Default)]
pub(crate) struct DraftExample {
    pub name: String,
    pub request: Option<String>,
    pub request_verbatim: Option<String>,
    pub response: Option<String>,
    pub response_verbatim: Option<String>,
}
