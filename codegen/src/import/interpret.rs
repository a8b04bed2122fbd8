//! From a read [`Page`] to a [`Draft`]: the service's base URL and envelope applied,
//! types converted, enums and nested types declared, examples decoded and compared.

use std::collections::{BTreeMap, BTreeSet};

use super::contradictions::{self, Side};
use super::draft::{Draft, DraftBody, DraftExample, DraftField, DraftResponse, DraftType};
use super::enums::parse_values;
use super::examples::{self, Decoded, Note};
use super::page::{Page, Row, Table};
use crate::load::ident::{is_snake_case, is_upper_camel, to_snake_case, to_upper_camel};
use crate::model::{AuthScheme, Service, TypeKind};

/// A draft and what the page says differently from the service.
pub(crate) struct Interpreted {
    pub draft: Draft,
    /// The page's entry for `pages:`, when service.yaml does not declare it yet.
    pub declaration: Option<(String, Option<String>)>,
    /// Differences between the page and `service.yaml` (base URL, headers, page title).
    pub differences: Vec<String>,
}

/// Names declared by the service file, and where the endpoint's own file will be.
struct Names<'a> {
    service: &'a Service,
    /// The endpoint file the draft becomes: its current types do not count as taken.
    file: String,
    /// Type names this draft declares.
    taken: BTreeSet<String>,
}

impl Names<'_> {
    /// An enum of the service file with exactly these values.
    fn service_enum(&self, name: &str, values: &[(String, String)]) -> Option<()> {
        let t = self.service.named_type(name)?;
        if !t.origin.file.ends_with("service.yaml") {
            return None;
        }
        let TypeKind::Enum(e) = &t.kind else {
            return None;
        };
        let theirs: BTreeSet<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
        let ours: BTreeSet<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
        (theirs == ours).then_some(())
    }

    /// Whether `name` is declared elsewhere in the service (or already by this draft).
    fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
            || self
                .service
                .named_type(name)
                .is_some_and(|t| t.origin.file != self.file)
    }
}

/// Interprets `page` (the file `page_name`) for `service`.
pub(crate) fn interpret(page: &Page, page_name: &str, service: &Service) -> Interpreted {
    let mut differences = Vec::new();
    let mut d = Draft {
        page: page_name.to_string(),
        ..Draft::default()
    };
    d.summary = page
        .summary
        .clone()
        .or_else(|| page.title.clone())
        .unwrap_or_else(|| page_name.to_string());
    d.method = match page
        .method
        .as_deref()
        .map(|m| m.trim().to_ascii_uppercase())
    {
        Some(m) if m == "GET" || m == "POST" => m,
        Some(m) => {
            d.review
                .push(format!("The page's method `{m}` is neither GET nor POST."));
            "POST".into()
        }
        None => {
            d.review
                .push("The page states no method; POST is a guess.".into());
            "POST".into()
        }
    };
    d.path = endpoint_path(page, service, &mut d.review, &mut differences);
    d.operation = operation_name(&d.path);
    d.review.push(
        "Decide the operation name (derived from the path), idempotency_key and safe \
         (without them the endpoint is a write that is never repeated)."
            .into(),
    );
    declare_page(page, page_name, service, &mut d, &mut differences);
    compare_headers(page, service, &mut differences);

    let mut names = Names {
        service,
        file: format!("{}/endpoints/{}.yaml", service.name, d.operation),
        taken: BTreeSet::new(),
    };
    let mut tables: BTreeMap<String, &Table> = BTreeMap::new();
    for table in page.request.iter().chain(&page.response) {
        let Some(name) = &table.name else { continue };
        // A heading becomes a Rust type name: one that cannot be, or that the service
        // already uses, is left out rather than breaking the draft.
        if !is_upper_camel(name)
            || crate::reserved::TYPE_NAMES.contains(&name.as_str())
            || names.is_taken(name)
            || tables.contains_key(name)
        {
            d.review.push(format!(
                "The table under the heading `{name}` is left out: the heading is not a free \
                 UpperCamelCase type name."
            ));
            continue;
        }
        tables.insert(name.clone(), table);
    }
    let mut builder = Builder {
        tables: &tables,
        enums: Vec::new(),
        quirks: Vec::new(),
    };

    // The request body, then the response as the envelope frames it.
    if let Some(body) = page.request.iter().find(|t| t.name.is_none()) {
        d.request = builder.fields(&body.rows, "the body table", &mut names);
    }
    let mut consumed: BTreeSet<String> = BTreeSet::new();
    d.response = match page.response.iter().find(|t| t.name.is_none()) {
        None => {
            d.review
                .push("The page has no response table; the response is untyped.".into());
            DraftResponse::Type("json".into())
        }
        Some(root) => match service.envelope.data_field.as_deref() {
            None => DraftResponse::Fields {
                doc: None,
                fields: builder.fields(&root.rows, "the response table", &mut names),
            },
            Some(data) => {
                let row = root.rows.iter().find(|r| r.name == data);
                response_in_data(row, data, &mut builder, &mut names, &mut consumed, &mut d)
            }
        },
    };
    for (name, table) in &tables {
        if consumed.contains(name) {
            continue;
        }
        let owner = format!("the {name} table");
        let fields = builder.fields(&table.rows, &owner, &mut names);
        names.taken.insert(name.clone());
        d.types.push(DraftType {
            name: name.clone(),
            doc: None,
            quirks: Vec::new(),
            review: Vec::new(),
            body: DraftBody::Struct(fields),
        });
    }
    // Tables in page order, as a reader of the page meets them.
    let order: Vec<&str> = page
        .request
        .iter()
        .chain(&page.response)
        .filter_map(|t| t.name.as_deref())
        .collect();
    d.types.sort_by_key(|t| {
        order
            .iter()
            .position(|n| *n == t.name)
            .unwrap_or(usize::MAX)
    });
    d.quirks.extend(builder.quirks);
    d.types.extend(builder.enums);

    examples_of(page, service, &mut d);
    signed_scalars(service, &mut d);
    contradictions::unique_rust_names(&mut d);
    contradictions::shared_descriptions(&mut d);
    contradictions::cite_all(&mut d, page_name);
    let declaration = (!service.pages.contains_key(page_name)).then(|| {
        (
            page.title.clone().unwrap_or_else(|| page_name.to_string()),
            page.url.clone().filter(|u| plain_url(u)),
        )
    });
    Interpreted {
        draft: d,
        declaration,
        differences,
    }
}

/// Records a single-quoted example value on the fields of that wire name.
fn single_quoted(d: &mut Draft, side: &str, member: &str) {
    let quirk = format!(
        "the {side} example quotes the value of {member} with single quotes, which is not JSON."
    );
    let fields: Vec<&mut DraftField> = match side {
        "request" => d.request.iter_mut().collect(),
        _ => match &mut d.response {
            DraftResponse::Fields { fields, .. } => fields.iter_mut().collect(),
            DraftResponse::Type(_) => Vec::new(),
        },
    };
    for f in fields {
        if (f.wire == member || f.aliases.iter().any(|a| a == member)) && !f.quirks.contains(&quirk)
        {
            f.quirks.push(quirk.clone());
        }
    }
}

/// A URL `pages:` accepts: `http(s)://` without spaces or control characters.
fn plain_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The response when the envelope puts the payload in `data`: the fields of the table the
/// data row names.
fn response_in_data(
    row: Option<&Row>,
    data: &str,
    builder: &mut Builder<'_>,
    names: &mut Names<'_>,
    consumed: &mut BTreeSet<String>,
    d: &mut Draft,
) -> DraftResponse {
    let Some(row) = row else {
        d.review.push(format!(
            "The response table has no `{data}` row; the response is untyped."
        ));
        return DraftResponse::Type("json".into());
    };
    let doc = (!row.doc.is_empty()).then(|| row.doc.clone());
    let Some(table) = builder.tables.get(row.ty.trim()) else {
        let ty = builder.convert_type(&row.ty, &mut Vec::new(), &mut Vec::new());
        return DraftResponse::Type(ty);
    };
    consumed.insert(row.ty.trim().to_string());
    if table.rows.iter().all(|r| r.name.is_empty()) {
        let types: Vec<&str> = table.rows.iter().map(|r| r.ty.as_str()).collect();
        d.quirks.push(format!(
            "the response {} table has only rows with an empty name (type {}), so there is \
             no usable shape; the response is declared `type: json`.",
            row.ty.trim(),
            types.join(", ")
        ));
        return DraftResponse::Type("json".into());
    }
    let owner = format!("the response {} table", row.ty.trim());
    DraftResponse::Fields {
        doc,
        fields: builder.fields(&table.rows, &owner, names),
    }
}

/// Converts table rows to fields, declaring the enums their descriptions list.
struct Builder<'a> {
    tables: &'a BTreeMap<String, &'a Table>,
    enums: Vec<DraftType>,
    /// Endpoint-level quirks found on the way (empty-name rows).
    quirks: Vec<String>,
}

impl Builder<'_> {
    fn fields(&mut self, rows: &[Row], owner: &str, names: &mut Names<'_>) -> Vec<DraftField> {
        let mut out: Vec<DraftField> = Vec::new();
        for row in rows {
            if row.name.trim().is_empty() {
                self.quirks.push(format!(
                    "{owner} has a row with an empty name (type `{}`, description `{}`); it is \
                     left out.",
                    row.ty, row.doc
                ));
                continue;
            }
            if out.iter().any(|f| f.wire == row.name) {
                self.quirks.push(format!(
                    "{owner} lists `{}` twice; the first row is kept.",
                    row.name
                ));
                continue;
            }
            out.push(self.field(row, names));
        }
        out
    }

    fn field(&mut self, row: &Row, names: &mut Names<'_>) -> DraftField {
        let wire = row.name.trim().to_string();
        let mut f = DraftField {
            wire: wire.clone(),
            required: row.required.unwrap_or(false),
            doc: (!row.doc.is_empty()).then(|| row.doc.clone()),
            table_example: row.example.clone(),
            ..DraftField::default()
        };
        if !is_snake_case(&wire) {
            f.rust_name = Some(to_snake_case(&wire));
        }
        if let Some(cell) = &row.required_unread {
            f.review.push(format!(
                "The required column says `{cell}`, which is none of the notations read \
                 (是/否, true/false, 必含); `required: false` is a guess."
            ));
        }
        let ty = self.convert_type(&row.ty, &mut f.quirks, &mut f.review);
        f.ty = money(&ty, &row.doc);
        self.enum_of(&mut f, names);
        if let Some(example) = f.table_example.clone() {
            contradictions::check_amount(&mut f, &example, "table's example");
            contradictions::check_length(&mut f, &example, "table's example");
            f.example = Some(example);
        }
        f
    }

    /// A page type as a spec type (`List <Coupon>` → `list<Coupon>`).
    fn convert_type(
        &self,
        text: &str,
        quirks: &mut Vec<String>,
        review: &mut Vec<String>,
    ) -> String {
        let t = text.trim();
        if let Some(inner) = list_inner(t) {
            if t.contains(" <") {
                quirks.push(format!("the type is written `{t}` with a space."));
            }
            let inner = self.convert_type(inner, quirks, review);
            return format!("list<{inner}>");
        }
        let lower = t.to_ascii_lowercase();
        let sized = |prefix: &str| {
            lower
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('('))
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|n| n.trim().parse::<u32>().ok())
                .filter(|n| *n > 0)
        };
        let ty = match lower.as_str() {
            "string" | "str" | "char" | "varchar" | "date" | "datetime" | "text" => "string".into(),
            "integer" | "int" | "long" | "short" | "int32" | "int64" => "integer".into(),
            "number" | "double" | "float" | "decimal" | "bigdecimal" => "number".into(),
            "boolean" | "bool" => "boolean".into(),
            "object" | "json" | "map" | "any" => "json".into(),
            _ => {
                if let Some(n) = sized("string")
                    .or_else(|| sized("varchar"))
                    .or_else(|| sized("char"))
                {
                    format!("string({n})")
                } else if self.tables.contains_key(t) && is_upper_camel(t) {
                    t.to_string()
                } else if self.tables.contains_key(t) {
                    review.push(format!("The type `{t}` is not an UpperCamelCase name."));
                    "json".into()
                } else if t.is_empty() {
                    review.push("The page gives no type; `string` is a guess.".into());
                    "string".into()
                } else {
                    // Vendor pages type almost everything as a string; a guess that keeps
                    // the field signable is the safer draft.
                    review.push(format!(
                        "The page's type `{t}` is not a known type and no table describes \
                         it; `string` is a guess."
                    ));
                    "string".into()
                }
            }
        };
        ty
    }

    /// Declares the enum a field's description (or example column) lists.
    fn enum_of(&mut self, f: &mut DraftField, names: &mut Names<'_>) {
        let repr = f.ty.clone();
        if !(repr == "string" || repr.starts_with("string(") || repr == "integer") {
            return;
        }
        let from_doc = f.doc.as_deref().and_then(parse_values);
        let from_example = f.table_example.as_deref().and_then(parse_values);
        let (values, in_example) = match (from_doc, from_example) {
            (Some(v), _) => (v, false),
            (None, Some(v)) => (v, true),
            (None, None) => return,
        };
        if repr == "integer" && values.iter().any(|(v, _)| v.parse::<i64>().is_err()) {
            return;
        }
        let wanted = to_upper_camel(&f.wire);
        if names.service_enum(&wanted, &values).is_some() {
            f.ty = wanted;
            return;
        }
        if let Some(existing) = self.enums.iter().find(|t| t.name == wanted) {
            if let DraftBody::Enum { values: theirs, .. } = &existing.body {
                let same = theirs.len() == values.len()
                    && theirs.iter().zip(&values).all(|(a, b)| a.0 == b.0);
                if same {
                    f.ty = wanted;
                    if in_example {
                        f.table_example = None;
                    }
                    return;
                }
            }
        }
        let mut name = wanted.clone();
        let mut n = 2;
        while names.is_taken(&name)
            || self.tables.contains_key(&name)
            || crate::reserved::TYPE_NAMES.contains(&name.as_str())
        {
            name = format!("{wanted}{n}");
            n += 1;
        }
        let mut review = Vec::new();
        if name != wanted {
            review.push(format!(
                "`{wanted}` is taken in the service; choose a name."
            ));
        }
        let variants = variant_names(&values);
        if variants.iter().any(|v| v.starts_with('V')) {
            review.push(
                "The variant names are placeholders derived from the values; name them after \
                 their labels."
                    .into(),
            );
        }
        let mut quirks = Vec::new();
        let mut repr = repr;
        let limit = repr
            .strip_prefix("string(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<usize>().ok());
        let longest = values.iter().map(|(v, _)| v.chars().count()).max();
        if let (Some(limit), Some(longest)) = (limit, longest) {
            if longest > limit {
                quirks.push(format!(
                    "typed {repr}, but a listed value is {longest} characters long; the enum \
                     is string({longest})."
                ));
                repr = format!("string({longest})");
            }
        }
        if in_example {
            quirks.push(format!(
                "the values are listed in the example column of `{}`.",
                f.wire
            ));
            f.table_example = None;
        }
        names.taken.insert(name.clone());
        self.enums.push(DraftType {
            name: name.clone(),
            doc: f.doc.clone(),
            quirks,
            review,
            body: DraftBody::Enum {
                repr,
                values: values
                    .into_iter()
                    .zip(variants)
                    .map(|((value, label), name)| (value, name, label))
                    .collect(),
            },
        });
        f.ty = name;
    }
}

/// Keeps the fields an `md5_body_sign` signature covers scalar, as `lint` requires: a
/// list, struct or untyped field there becomes a string marked for review.
fn signed_scalars(service: &Service, d: &mut Draft) {
    let AuthScheme::Md5BodySign(scheme) = &service.auth else {
        return;
    };
    let structs: BTreeSet<String> = d
        .types
        .iter()
        .filter(|t| matches!(t.body, DraftBody::Struct(_)))
        .map(|t| t.name.clone())
        .collect();
    let fix = |fields: &mut Vec<DraftField>| {
        for f in fields {
            if f.ty == "json"
                || f.ty.starts_with("list<")
                || f.ty.starts_with("map<")
                || structs.contains(&f.ty)
            {
                f.review.push(format!(
                    "The signature covers only scalar fields, but the page gives `{}`; \
                     `string` is a placeholder: decide how the value is sent.",
                    f.ty
                ));
                f.ty = "string".into();
            }
        }
    };
    fix(&mut d.request);
    let flat = service.envelope.data_field.is_none();
    if let (true, true, DraftResponse::Fields { fields, .. }) =
        (scheme.verify_response, flat, &mut d.response)
    {
        fix(fields);
    }
}

/// Placeholder variant names: the value itself where it is a word (`SUCCESS` → `Success`),
/// `V<value>` otherwise (`V90`).
fn variant_names(values: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (value, _) in values {
        let mut name = if value.starts_with(|c: char| c.is_ascii_alphabetic()) {
            to_upper_camel(&value.to_ascii_lowercase())
        } else {
            let ascii: String = value.chars().filter(char::is_ascii_alphanumeric).collect();
            format!("V{ascii}")
        };
        if name == "Unknown" {
            name.push_str("Value");
        }
        let base = name.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// `List <X>`, `List<X>`, `Array<X>`: the X.
fn list_inner(t: &str) -> Option<&str> {
    let lower = t.to_ascii_lowercase();
    let rest_at = ["list", "array"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| p.len())?;
    t[rest_at..]
        .trim_start()
        .strip_prefix('<')?
        .strip_suffix('>')
        .map(str::trim)
}

/// A string described as money (金额, 面额, 单位:分) becomes an `amount`.
fn money(ty: &str, doc: &str) -> String {
    let is_money = ["金额", "面额", "单位:分", "单位：分"]
        .iter()
        .any(|w| doc.contains(w));
    if !is_money {
        return ty.to_string();
    }
    match ty.strip_prefix("string") {
        Some("") => "amount".into(),
        Some(sized) if sized.starts_with('(') => format!("amount{sized}"),
        _ => ty.to_string(),
    }
}

/// The path below the service's base URL.
fn endpoint_path(
    page: &Page,
    service: &Service,
    review: &mut Vec<String>,
    differences: &mut Vec<String>,
) -> String {
    let Some(url) = page.endpoint_url.as_deref().map(str::trim) else {
        review.push("The page gives no endpoint URL; set the path.".into());
        return "/unknown".into();
    };
    let path = match url.strip_prefix(service.base_url.as_str()) {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => {
            let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
            let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
            differences.push(format!(
                "the page's URL {url} is not below the service's base_url {}",
                service.base_url
            ));
            review.push(format!(
                "The page's URL {url} is not below base_url {}; check the path.",
                service.base_url
            ));
            path.to_string()
        }
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let clean: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .filter(|s| !s.contains(char::is_whitespace))
        .collect();
    if clean.is_empty() {
        review.push("The page's URL has no path; set it.".into());
        return "/unknown".into();
    }
    format!("/{}", clean.join("/"))
}

/// The operation name: the last path segment in snake_case, with the one before it when
/// it is an abbreviation of three letters or less (`/coupon/wf` → `coupon_wf`).
fn operation_name(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let name = match segments.as_slice() {
        [.., prev, last] if last.len() <= 3 => {
            format!("{}_{}", to_snake_case(prev), to_snake_case(last))
        }
        [.., last] => to_snake_case(last),
        [] => "imported".into(),
    };
    let name = name.trim_start_matches("n_").to_string();
    if is_snake_case(&name) && !matches!(name.as_str(), "new" | "from_env" | "runtime") {
        name
    } else {
        format!("call_{name}")
    }
}

/// `source_page`, and the page's title and URL compared with the service's `pages:`.
fn declare_page(
    page: &Page,
    page_name: &str,
    service: &Service,
    d: &mut Draft,
    differences: &mut Vec<String>,
) {
    match service.pages.get(page_name) {
        Some(declared) => {
            d.source_page = Some(page_name.to_string());
            if let Some(title) = &page.title {
                if *title != declared.title {
                    differences.push(format!(
                        "the page's title `{title}` differs from `{}` in service.yaml pages",
                        declared.title
                    ));
                }
            }
            if page.url.is_some() && page.url != declared.url {
                differences.push(format!(
                    "the page's URL {} differs from the one in service.yaml pages",
                    page.url.as_deref().unwrap_or_default()
                ));
            }
        }
        None => {
            let title = page.title.as_deref().unwrap_or(page_name);
            let url = page
                .url
                .as_deref()
                .map(|u| format!("\n    url: {u}"))
                .unwrap_or_default();
            differences.push(format!(
                "page `{page_name}` is not declared in {}/service.yaml; it needs, under \
                 `pages:`:\n  {page_name}:\n    title: {title}{url}",
                service.name
            ));
            // The draft cites the page by name, as a declared page is cited; `--out`
            // declares it in service.yaml.
            d.source_page = Some(page_name.to_string());
        }
    }
}

/// The page's header table compared with the service's headers.
fn compare_headers(page: &Page, service: &Service, differences: &mut Vec<String>) {
    if page.headers.is_empty() {
        if !service.headers.is_empty() {
            differences.push("the page has no header table".into());
        }
        return;
    }
    for row in &page.headers {
        let Some(h) = service
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(&row.name))
        else {
            differences.push(format!(
                "header `{}` is on the page but not in service.yaml",
                row.name
            ));
            continue;
        };
        if let (Some(value), Some(example)) = (&h.value, &row.example) {
            if value != example {
                differences.push(format!(
                    "header `{}`: the page says `{example}`, service.yaml `{value}`",
                    row.name
                ));
            }
        }
        if row.required.is_some_and(|r| r != h.required) {
            differences.push(format!(
                "header `{}`: required differs from service.yaml",
                row.name
            ));
        }
    }
    for h in &service.headers {
        if !page
            .headers
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(&h.name))
        {
            differences.push(format!(
                "header `{}` is in service.yaml but not on the page",
                h.name
            ));
        }
    }
}

/// Decodes the examples, records how their text differs from JSON, and compares them with
/// the tables.
fn examples_of(page: &Page, service: &Service, d: &mut Draft) {
    let mut example = DraftExample {
        name: "default".into(),
        ..DraftExample::default()
    };
    let mut notes: Vec<(Note, &str)> = Vec::new();
    let mut decode = |raw: Option<&super::page::RawExample>, side: &'static str, d: &mut Draft| {
        let raw = raw?;
        match examples::decode(raw) {
            Ok(decoded) => {
                notes.extend(decoded.notes.iter().cloned().map(|n| (n, side)));
                let verbatim = decoded.verbatim.clone();
                Some((decoded, verbatim))
            }
            Err(why) => {
                d.review.push(format!(
                    "The {side} example is not JSON ({why}); it is left out."
                ));
                None
            }
        }
    };
    let request = decode(page.request_example.as_ref(), "request", d);
    let response = decode(page.response_example.as_ref(), "response", d);
    let keep = |decoded: &Decoded, raw: String| {
        (
            decoded.json.clone(),
            (!decoded.notes.is_empty()).then_some(raw),
        )
    };
    if let Some((decoded, raw)) = &request {
        contradictions::compare(d, Side::Request, &decoded.value, service);
        let (json, verbatim) = keep(decoded, raw.clone());
        example.request = Some(json.clone());
        example.request_verbatim = verbatim;
    }
    if let Some((decoded, raw)) = &response {
        let payload = match service.envelope.data_field.as_deref() {
            Some(data) => decoded.value.get(data).cloned().unwrap_or_default(),
            None => decoded.value.clone(),
        };
        contradictions::compare(d, Side::Response, &payload, service);
        let (json, verbatim) = keep(decoded, raw.clone());
        example.response = Some(json.clone());
        example.response_verbatim = verbatim;
    }
    if example.request.is_some() || example.response.is_some() {
        d.examples.push(example);
    }
    let mut seen = BTreeSet::new();
    for (note, side) in notes {
        let text = match &note {
            Note::DataRow => {
                "the curl example says `--data-row` (a typo of `--data-raw`).".to_string()
            }
            Note::LowercaseMethod(m) => format!(
                "the curl example writes the method as `{m}`; the method is {}.",
                d.method
            ),
            Note::Tabs => format!("the {side} example's JSON is tab-indented; it is re-indented here."),
            Note::DoubleEscaped => format!(
                "the {side} example is HTML-escaped twice (`&amp;quot;`); it is unescaped to plain JSON."
            ),
            Note::SingleQuotes(members) => {
                for member in members {
                    single_quoted(d, side, member);
                }
                format!(
                    "the {side} example quotes a string with single quotes, which is not JSON; they are double quotes here."
                )
            }
        };
        if seen.insert(text.clone()) {
            d.quirks.push(text);
        }
    }
}
