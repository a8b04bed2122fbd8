//! What the importer reads from a vendor page, whatever its format: the endpoint's
//! address, its tables and its examples, as text still to be interpreted.

/// One vendor documentation page, read but not yet interpreted.
#[derive(Debug, Default)]
pub(crate) struct Page {
    /// Title of the page (front matter, or the heading of an HTML page).
    pub title: Option<String>,
    /// Where the page is published (front matter).
    pub url: Option<String>,
    /// One-line purpose of the endpoint (`用途说明`, `接口描述`).
    pub summary: Option<String>,
    /// HTTP method as written.
    pub method: Option<String>,
    /// The endpoint's full URL as written.
    pub endpoint_url: Option<String>,
    /// The header table.
    pub headers: Vec<Row>,
    /// Request tables: the body first, then the nested types under their headings.
    pub request: Vec<Table>,
    /// Response tables, in the same order.
    pub response: Vec<Table>,
    /// The request example.
    pub request_example: Option<RawExample>,
    /// The response example.
    pub response_example: Option<RawExample>,
}

/// A parameter table, with the heading that names its type (none for the body itself).
#[derive(Debug, Default)]
pub(crate) struct Table {
    /// The type the table describes (`MemberDeals`), from the bold heading above it.
    pub name: Option<String>,
    /// Rows in page order.
    pub rows: Vec<Row>,
}

/// One row of a parameter or header table.
#[derive(Debug, Default, Clone)]
pub(crate) struct Row {
    /// Wire name (may be empty on a sloppy page).
    pub name: String,
    /// Type as written (`string(32)`, `List <Coupon>`).
    pub ty: String,
    /// The required column: 是/true/必含 → true, 否/false → false.
    pub required: Option<bool>,
    /// The required cell when it holds text that is none of those notations.
    pub required_unread: Option<String>,
    /// Description, verbatim.
    pub doc: String,
    /// The example (or value) column.
    pub example: Option<String>,
}

/// An example as the page shows it.
#[derive(Debug, Clone)]
pub(crate) enum RawExample {
    /// A curl command whose body follows `--data-raw` (or the page's `--data-row`).
    Curl(String),
    /// JSON text in a code block (perhaps with tabs or single quotes).
    Json(String),
    /// The inner HTML of a `<code>` element: HTML-escaped at least once.
    HtmlCode(String),
}

/// Reads a table from its header cells and body rows, by what each column is called.
pub(crate) fn table_from(name: Option<String>, header: &[String], body: &[Vec<String>]) -> Table {
    let find = |pred: &dyn Fn(&str) -> bool| header.iter().position(|h| pred(h.trim()));
    let name_col = find(&|h| h.contains("参数名") || h == "标签" || h.contains("名称"));
    let type_col = find(&|h| h.contains("类型"));
    let required_col = find(&|h| h.contains("必填") || h.contains("必含") || h.contains("必须"));
    let doc_col = find(&|h| h.contains("说明") || h.contains("描述"));
    let example_col = find(&|h| h.contains("示例") || h == "内容");
    let cell = |row: &Vec<String>, col: Option<usize>| -> Option<String> {
        col.and_then(|c| row.get(c)).map(|s| s.trim().to_string())
    };
    let rows = body
        .iter()
        .map(|row| Row {
            name: cell(row, name_col).unwrap_or_default(),
            ty: cell(row, type_col).unwrap_or_default(),
            required: cell(row, required_col).and_then(|v| required_flag(&v)),
            required_unread: cell(row, required_col)
                .filter(|v| !v.is_empty() && required_flag(v).is_none()),
            doc: cell(row, doc_col).unwrap_or_default(),
            example: cell(row, example_col).filter(|e| !e.is_empty()),
        })
        .collect();
    Table { name, rows }
}

/// A page's notation of "required": 是/否, true/false, 必含 (always present).
pub(crate) fn required_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "是" | "true" | "y" | "yes" | "必填" | "必含" | "必须" => Some(true),
        "否" | "false" | "n" | "no" | "非必填" | "可选" => Some(false),
        _ => None,
    }
}

/// Page text without the characters a spec may not contain (bidirectional controls,
/// invisible and control characters other than tab and line feed).
pub(crate) fn visible(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || crate::load::text::forbidden(c).is_none())
        .collect()
}
