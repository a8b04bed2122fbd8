//! The emitter on hand-built models the loader would never produce: keyword names, extreme
//! enum values, awkward text and name clashes must give either code that compiles cleanly
//! or an `EmitError`, never a panic or broken code.

mod common;

use std::fs;

use common::compiles_cleanly;
use retail_apis_codegen::model::{
    AuthScheme, Code, Endpoint, EnumRepr, EnumType, EnumVariant, EnvelopeDescriptor, Field,
    HttpMethod, Md5SignScheme, NamedType, Service, SourceRef, SpecSet, StructType, TypeExpr,
    TypeKind, VendorPage,
};
use retail_apis_codegen::{generate, write_changed, EmitError};

fn string() -> TypeExpr {
    TypeExpr::String { max_len: None }
}

fn field(name: &str, ty: TypeExpr, required: bool) -> Field {
    Field {
        name: name.to_owned(),
        wire_name: name.to_owned(),
        aliases: Vec::new(),
        ty,
        required,
        nullable: false,
        computed: false,
        description: None,
        example: None,
        quirks: Vec::new(),
        origin: SourceRef::default(),
    }
}

fn named_type(name: &str, kind: TypeKind, request: bool, response: bool) -> NamedType {
    NamedType {
        name: name.to_owned(),
        description: None,
        kind,
        in_response: response,
        in_request: request,
        quirks: Vec::new(),
        origin: SourceRef::default(),
    }
}

fn struct_type(name: &str, fields: Vec<Field>, request: bool, response: bool) -> NamedType {
    named_type(
        name,
        TypeKind::Struct(StructType { fields }),
        request,
        response,
    )
}

fn enum_type(name: &str, repr: EnumRepr, values: &[(&str, &str)]) -> NamedType {
    let kind = TypeKind::Enum(EnumType {
        repr,
        variants: values
            .iter()
            .map(|(value, name)| EnumVariant {
                name: (*name).to_owned(),
                value: (*value).to_owned(),
                description: Some(format!("值 [{value}] <{name}>")),
                origin: SourceRef::default(),
            })
            .collect(),
    });
    named_type(name, kind, true, true)
}

fn edge_spec() -> SpecSet {
    let mut keyword = field("type", string(), true);
    keyword.wire_name = "type".to_owned();
    // The loader refuses bidirectional controls; a hand-built model still compiles (rustc
    // denies them raw in comments and literals).
    keyword.description =
        Some("类型\n    indented `code` [x] https://e.example/a_b. \u{202e}bidi".to_owned());
    keyword.example = Some("a`b".to_owned());
    keyword.quirks = vec!["page says </b> and\ttabs\r\nand a lone\rCR".to_owned()];
    let mut renamed = field("extra", string(), false);
    renamed.wire_name = "Extra-Field".to_owned();
    renamed.aliases = vec!["extraField".to_owned()];
    let mut sign = field("sign", string(), false);
    sign.computed = true;
    let mut nullable = field("maybe", TypeExpr::Integer, true);
    nullable.nullable = true;
    let item = struct_type(
        "Item",
        vec![
            keyword,
            field("match", TypeExpr::Integer, false),
            field("new", string(), false),
            field("with_new", TypeExpr::Boolean, false),
            renamed,
            field("undocumented", TypeExpr::Json, false),
            field("level", TypeExpr::Named("Signed".to_owned()), false),
        ],
        true,
        true,
    );
    let request = struct_type(
        "TypeRequest",
        vec![
            field("gen", string(), true),
            field(
                "items",
                TypeExpr::List(Box::new(TypeExpr::Named("Item".to_owned()))),
                true,
            ),
            field("code", TypeExpr::Named("Quoted".to_owned()), true),
            field("ratio", TypeExpr::Number, true),
            field("flag", TypeExpr::Boolean, true),
            field("raw", TypeExpr::Json, true),
            field("tags", TypeExpr::List(Box::new(string())), true),
            nullable,
            sign,
        ],
        true,
        false,
    );
    let signed = enum_type(
        "Signed",
        EnumRepr::Integer,
        &[
            ("-1", "Negative"),
            ("0", "Zero"),
            ("-9223372036854775808", "Min"),
            ("9223372036854775807", "Max"),
        ],
    );
    let quoted = enum_type(
        "Quoted",
        EnumRepr::String { max_len: Some(4) },
        &[
            ("a\"b", "Quote"),
            ("c\\d", "Backslash"),
            ("", "Empty"),
            ("\u{2066}", "Isolate"),
        ],
    );
    let service = Service {
        name: "edge".to_owned(),
        title: "Edge <cases> [标题]".to_owned(),
        description: Some("```\nfn not_a_doctest() {}\n```".to_owned()),
        files: vec!["edge/service.yaml".to_owned()],
        base_url: "https://edge.example.com".to_owned(),
        auth: AuthScheme::Md5BodySign(Md5SignScheme {
            field: "sign".into(),
            skip_null: true,
            skip_empty: true,
            pair_separator: "&".into(),
            kv_separator: "=".into(),
            secret_suffix: "&key={key}".into(),
            uppercase: true,
            verify_response: false,
        }),
        headers: Vec::new(),
        envelope: EnvelopeDescriptor {
            code_field: "code".into(),
            success_code: Code::Str("OK".into()),
            message_field: "msg".into(),
            data_field: Some("data".into()),
            result: None,
        },
        errors: Vec::new(),
        types: vec![item, quoted, signed, request],
        endpoints: vec![Endpoint {
            operation: "type".to_owned(),
            summary: "类型 [查询]".to_owned(),
            description: None,
            source_page: Some("page`1`.txt".to_owned()),
            method: HttpMethod::Get,
            path: "/edge/type".to_owned(),
            idempotency_key: None,
            idempotency_evidence: None,
            safe: true,
            request: "TypeRequest".to_owned(),
            response: TypeExpr::List(Box::new(TypeExpr::Named("Item".to_owned()))),
            examples: Vec::new(),
            quirks: vec![
                "page`1`.txt: a quirk citing a page whose title and URL fight back".to_owned(),
            ],
            origin: SourceRef::default(),
            spans: Default::default(),
        }],
        quirks: vec!["page`1`.txt: ```\nfn not_a_doctest() {}\n```".to_owned()],
        pages: [(
            "page`1`.txt".to_owned(),
            VendorPage {
                title: "Title](https://evil.example) [`x` *y* <b>".to_owned(),
                url: Some("https://docs.example.com/a(b)c?x=1&y=[2]".to_owned()),
            },
        )]
        .into(),
        origin: SourceRef::default(),
        spans: Default::default(),
    };
    SpecSet {
        services: vec![service],
    }
}

#[test]
fn awkward_names_and_values_generate_code_that_compiles_cleanly() {
    let files = generate(&edge_spec()).expect("edge model generates");
    let edge = &files[0].contents;
    for needle in [
        "pub r#type: String,",
        "pub r#match: Option<i64>,",
        "pub async fn r#type(&self, request: &TypeRequest) -> Result<Vec<Item>, rt::Error>",
        "pub const TYPE: rt::EndpointDescriptor",
        // `with_new` is taken by the field of that name, so `new`'s setter moves further.
        "pub fn with_new(mut self, value: bool) -> Self",
        "pub fn with_with_new(mut self, value: impl Into<String>) -> Self",
        "extra: fields.optional(\"Extra-Field\", &[\"extraField\"])?",
        "pub extra_fields: serde_json::Map<String, serde_json::Value>,",
        "i64::MIN => Self::Min",
        "-1 => Self::Negative",
        "pub fn new(\n        r#gen: impl Into<String>,",
        "#[allow(clippy::too_many_arguments)]",
        "```text\n//! fn not_a_doctest() {}",
        "Example: `` a`b ``.",
        // A page title stays link text, and the URL's parentheses cannot end the link.
        "Quirk ([Title\\]\\(https\\:\\/\\/evil\\.example\\) \\[\\`x\\` \\*y\\* \\<b\\>](https://docs.example.com/a%28b%29c?x=1&y=[2])): a quirk",
    ] {
        assert!(edge.contains(needle), "edge.rs lacks {needle}\n---\n{edge}");
    }
    assert!(!edge.contains('\t') && !edge.contains('\r'));

    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("generated");
    write_changed(&out, &files).expect("write");
    // The generated mod.rs embeds the spec files it was generated from.
    fs::create_dir_all(tmp.path().join("spec/edge")).expect("spec dir");
    fs::write(tmp.path().join("spec/edge/service.yaml"), "# placeholder\n").expect("spec");
    compiles_cleanly(
        tmp.path(),
        "generated-edge-check",
        &[("generated", out.join("mod.rs"))],
    );
}

fn service(spec: &mut SpecSet) -> &mut Service {
    &mut spec.services[0]
}

fn kind_of<'a>(spec: &'a mut SpecSet, name: &str) -> &'a mut TypeKind {
    let ty = service(spec)
        .types
        .iter_mut()
        .find(|t| t.name == name)
        .expect("type");
    &mut ty.kind
}

fn enum_of<'a>(spec: &'a mut SpecSet, name: &str) -> &'a mut EnumType {
    match kind_of(spec, name) {
        TypeKind::Enum(e) => e,
        TypeKind::Struct(_) => panic!("{name} is a struct"),
    }
}

fn struct_of<'a>(spec: &'a mut SpecSet, name: &str) -> &'a mut StructType {
    match kind_of(spec, name) {
        TypeKind::Struct(s) => s,
        TypeKind::Enum(_) => panic!("{name} is an enum"),
    }
}

/// A change to a hand-built model.
type Edit = fn(&mut SpecSet);

#[test]
fn names_that_cannot_compile_are_errors() {
    // Each edit of the edge spec, and what the error must say.
    let cases: &[(Edit, &str)] = &[
        (
            |s| service(s).endpoints[0].operation = "runtime".into(),
            "clashes with `Client::runtime`",
        ),
        (
            |s| enum_of(s, "Signed").variants[0].name = "Unknown".into(),
            "`Unknown` is reserved",
        ),
        (
            |s| enum_of(s, "Signed").variants[1].value = "-01".into(),
            "listed twice",
        ),
        (
            |s| enum_of(s, "Signed").variants[1].value = "1.5".into(),
            "not an integer",
        ),
        (
            |s| struct_of(s, "Item").fields[1].name = "券码".into(),
            "`券码`",
        ),
        (
            |s| struct_of(s, "Item").fields[1].name = "self".into(),
            "`self`",
        ),
        (
            |s| struct_of(s, "Item").fields[1].name = "type".into(),
            "declared twice",
        ),
        (
            |s| struct_of(s, "Item").fields[6].ty = TypeExpr::Named("Missing".into()),
            "undefined type `Missing`",
        ),
        (
            |s| service(s).endpoints[0].response = TypeExpr::Named("Gone".into()),
            "undefined type `Gone`",
        ),
        (
            |s| {
                let dup = service(s).types[0].clone();
                service(s).types.push(dup);
            },
            "declared twice",
        ),
        (|s| service(s).name = "mod".into(), "`mod`"),
        (
            |s| service(s).name = "runtime".into(),
            "clashes with `retail_apis::runtime`",
        ),
    ];
    for (edit, needle) in cases {
        let mut spec = edge_spec();
        edit(&mut spec);
        let err: EmitError = generate(&spec).expect_err(needle);
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}
