//! The JDY open-platform page: markdown with a basic-information list, header, body and
//! response tables, bold headings naming nested types, a curl request example and a JSON
//! response example.

use super::page::{table_from, Page, RawExample};

/// Which part of the page the lines being read belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Other,
    Basic,
    Headers,
    Request,
    RequestExample,
    Response,
    ResponseExample,
}

/// Reads the body of a JDY page (after its front matter).
pub(crate) fn parse(body: &str) -> Page {
    let mut page = Page::default();
    let lines: Vec<&str> = body.lines().collect();
    let mut section = Section::Other;
    let mut heading: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if line.starts_with('#') {
            heading = None;
            let text = line.trim_start_matches('#').trim();
            section = section_of(text, section);
            if page.summary.is_none() && lines[i - 1].starts_with("# ") {
                page.summary = Some(unescape(text));
            }
        } else if let Some(name) = bold_heading(line) {
            heading = Some(unescape(name));
        } else if line.starts_with('|') {
            let start = i - 1;
            while i < lines.len() && lines[i].trim().starts_with('|') {
                i += 1;
            }
            let rows: Vec<Vec<String>> = lines[start..i]
                .iter()
                .map(|l| cells(l.trim()))
                .filter(|cells| !is_separator(cells))
                .collect();
            let Some((header, body)) = rows.split_first() else {
                continue;
            };
            let table = table_from(heading.take(), header, body);
            match section {
                Section::Headers if page.headers.is_empty() => page.headers = table.rows,
                Section::Request => page.request.push(table),
                Section::Response => page.response.push(table),
                _ => {}
            }
        } else if let Some(info) = line.strip_prefix("```") {
            let start = i;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                i += 1;
            }
            let text = lines[start..i.min(lines.len())].join("\n");
            i += 1;
            let curl = matches!(info.trim(), "bash" | "shell" | "sh" | "curl")
                || text.trim_start().starts_with("curl");
            let example = if curl {
                RawExample::Curl(text)
            } else {
                RawExample::Json(text)
            };
            match section {
                Section::RequestExample if page.request_example.is_none() => {
                    page.request_example = Some(example)
                }
                Section::ResponseExample if page.response_example.is_none() => {
                    page.response_example = Some(example)
                }
                _ => {}
            }
        } else if section == Section::Basic {
            let item = line.trim_start_matches(['-', '*']).trim();
            let Some((key, value)) = item.split_once(['：', ':']) else {
                continue;
            };
            let value = unescape(value.trim());
            match key.trim() {
                "请求方式" => page.method = Some(value),
                "请求地址" | "接口地址" | "接口URL" => page.endpoint_url = Some(value),
                "用途说明" | "接口描述" => page.summary = Some(value),
                _ => {}
            }
        }
    }
    page
}

fn section_of(heading: &str, current: Section) -> Section {
    let h = heading.to_ascii_lowercase();
    if h.contains("基本信息") {
        Section::Basic
    } else if h.contains("header") || h.contains("请求头") {
        Section::Headers
    } else if h.contains("请求示例") {
        Section::RequestExample
    } else if h.contains("响应示例") || h.contains("返回示例") {
        Section::ResponseExample
    } else if h.contains("body") || h.contains("请求参数") {
        Section::Request
    } else if h.contains("响应参数") || h.contains("返回参数") {
        Section::Response
    } else if h.contains("返回码") || h.contains("错误码") || current == Section::Basic {
        Section::Other
    } else {
        current
    }
}

/// `**Name**` alone on its line: the type the next table describes.
fn bold_heading(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("**")?.strip_suffix("**")?.trim();
    (!inner.is_empty() && !inner.contains("**")).then_some(inner)
}

/// The cells of a table line, split on unescaped `|` and unescaped.
fn cells(line: &str) -> Vec<String> {
    let inner = line.strip_prefix('|').unwrap_or(line);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push(c);
                if let Some(next) = chars.next() {
                    cell.push(next);
                }
            }
            '|' => out.push(unescape(std::mem::take(&mut cell).trim())),
            _ => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        out.push(unescape(cell.trim()));
    }
    out
}

fn is_separator(cells: &[String]) -> bool {
    !cells.is_empty()
        && cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// Markdown backslash escapes of ASCII punctuation (`mall\_recharge`) removed.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next.is_ascii_punctuation() {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_escaped_bars_and_drop_escapes() {
        assert_eq!(cells(r"| a\_b | x \| y |  |"), vec!["a_b", "x | y", ""]);
        assert!(is_separator(&cells("| --- | :-: |")));
    }
}
