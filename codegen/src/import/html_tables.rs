//! The Shoubei page: one line of simple HTML, `<strong>` labels each followed by a list,
//! a table or a `<pre><code>` example.
//!
//! The page uses a handful of tags and no scripts, so a small tokenizer is enough; it
//! never fails, whatever the text (an unclosed `<` is text).

use super::page::{table_from, Page, RawExample};

/// Reads a Shoubei page.
pub(crate) fn parse(text: &str) -> Page {
    let mut page = Page::default();
    let mut label = String::new();
    let mut in_strong = false;
    let mut strong_text = String::new();
    let mut in_li = false;
    let mut li_text = String::new();
    let mut table: Option<TableState> = None;
    let mut code: Option<usize> = None;
    let mut before_first_tag = None;
    let mut pos = 0;
    while pos < text.len() {
        let Some(lt) = text[pos..].find('<').map(|i| pos + i) else {
            break;
        };
        if before_first_tag.is_none() {
            before_first_tag = Some(&text[..lt]);
        }
        let Some(gt) = text[lt..].find('>').map(|i| lt + i) else {
            break;
        };
        let segment = &text[pos..lt];
        if in_strong {
            strong_text.push_str(segment);
        }
        if in_li {
            li_text.push_str(segment);
        }
        if let Some(t) = table.as_mut() {
            if t.in_cell {
                t.cell.push_str(segment);
            }
        }
        let tag = &text[lt + 1..gt];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        pos = gt + 1;
        if let Some(start) = code {
            if closing && name == "code" {
                let raw = text[start..lt].to_string();
                code = None;
                let example = Some(RawExample::HtmlCode(raw));
                if label.contains("请求示例") && page.request_example.is_none() {
                    page.request_example = example;
                } else if (label.contains("返回示例") || label.contains("响应示例"))
                    && page.response_example.is_none()
                {
                    page.response_example = example;
                }
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("strong", false) => {
                in_strong = true;
                strong_text.clear();
            }
            ("strong", true) => {
                in_strong = false;
                label = clean(&strong_text)
                    .trim_end_matches([':', '：'])
                    .trim()
                    .to_string();
            }
            ("li", false) => {
                in_li = true;
                li_text.clear();
            }
            ("li", true) => {
                in_li = false;
                let value = clean(&li_text);
                match label.as_str() {
                    "接口描述" if page.summary.is_none() => page.summary = Some(value),
                    "接口URL" | "接口地址" | "请求地址" if page.endpoint_url.is_none() => {
                        page.endpoint_url = Some(value)
                    }
                    "请求方式" if page.method.is_none() => page.method = Some(value),
                    _ => {}
                }
            }
            ("table", false) => table = Some(TableState::default()),
            ("table", true) => {
                if let Some(t) = table.take() {
                    let Some((header, body)) = t.rows.split_first() else {
                        continue;
                    };
                    let parsed = table_from(None, header, body);
                    if label.contains("请求头") {
                        page.headers = parsed.rows;
                    } else if label.contains("请求参数") {
                        page.request.push(parsed);
                    } else if label.contains("返回参数") || label.contains("响应参数") {
                        page.response.push(parsed);
                    }
                }
            }
            ("tr", false) => {
                if let Some(t) = table.as_mut() {
                    t.row.clear();
                }
            }
            ("tr", true) => {
                if let Some(t) = table.as_mut() {
                    let row = std::mem::take(&mut t.row);
                    if !row.is_empty() {
                        t.rows.push(row);
                    }
                }
            }
            ("td" | "th", false) => {
                if let Some(t) = table.as_mut() {
                    t.in_cell = true;
                    t.cell.clear();
                }
            }
            ("td" | "th", true) => {
                if let Some(t) = table.as_mut() {
                    t.in_cell = false;
                    let cell = clean(&t.cell);
                    t.row.push(cell);
                }
            }
            ("code", false) => code = Some(pos),
            _ => {}
        }
    }
    let heading: Vec<String> = before_first_tag
        .unwrap_or(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(clean)
        .collect();
    page.title = match heading.split_last() {
        Some((last, site)) if !site.is_empty() => Some(format!("{} · {last}", site.join(" "))),
        Some((last, _)) => Some(last.clone()),
        None => page.summary.clone(),
    };
    page
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    in_cell: bool,
    cell: String,
}

/// Cell or label text: HTML entities decoded once (what a browser shows) and runs of
/// whitespace folded into one space.
fn clean(raw: &str) -> String {
    let decoded = html_escape::decode_html_entities(raw);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_tables_and_code() {
        let page = parse(
            "Site\n\nHeading\n<p><strong>接口URL:</strong></p><ul><li><code>https://h/p</code></li></ul>\
             <p><strong>请求参数:</strong></p><table><thead><tr><th>参数名</th><th>类型</th>\
             <th>必填</th><th>说明</th></tr></thead><tbody><tr><td>a</td><td>string(8)</td>\
             <td>是</td><td>x &amp; y</td></tr></tbody></table>\
             <p><strong>请求示例:</strong></p><pre><code>{ &amp;quot;a&amp;quot;: 1 }</code></pre>",
        );
        assert_eq!(page.title.as_deref(), Some("Site · Heading"));
        assert_eq!(page.request[0].rows[0].doc, "x & y");
        assert_eq!(page.request[0].rows[0].required, Some(true));
        assert_eq!(
            page.request_example.map(|e| format!("{e:?}")).as_deref(),
            Some("HtmlCode(\"{ &amp;quot;a&amp;quot;: 1 }\")")
        );
    }
}
