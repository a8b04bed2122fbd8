//! Example bodies decoded to JSON: the body of a curl command (after `--data-raw`, or the
//! pages' `--data-row`), tab-indented JSON, JSON HTML-escaped twice, single-quoted
//! strings. The result is re-indented in page order, so the draft reads like the page.

use super::page::RawExample;

/// A page example as JSON, with what had to be undone to get there.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// Pretty JSON (two-space indent, keys in page order).
    pub json: String,
    /// The same, parsed.
    pub value: serde_json::Value,
    /// What the page's text had that JSON has not.
    pub notes: Vec<Note>,
    /// The page's text of the body (a curl command's data, not the whole command).
    pub verbatim: String,
}

/// Something about an example's text that is not plain JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Note {
    /// The curl command says `--data-row`.
    DataRow,
    /// The curl command's method is not upper case (`--request  post`).
    LowercaseMethod(String),
    /// Tab characters in the JSON.
    Tabs,
    /// The JSON is HTML-escaped twice (`&amp;quot;`).
    DoubleEscaped,
    /// Strings quoted with `'` instead of `"`: the members whose values are (empty when
    /// only keys or array items are).
    SingleQuotes(Vec<String>),
}

/// Decodes an example; the error says why its text is not JSON.
pub(crate) fn decode(raw: &RawExample) -> Result<Decoded, String> {
    let mut notes = Vec::new();
    let body = match raw {
        RawExample::Curl(command) => curl_body(command, &mut notes)?,
        RawExample::Json(text) => text.clone(),
        RawExample::HtmlCode(html) => {
            let once = html_escape::decode_html_entities(html).into_owned();
            if ["&quot;", "&#039;", "&#39;", "&amp;", "&lt;", "&gt;"]
                .iter()
                .any(|e| once.contains(e))
            {
                notes.push(Note::DoubleEscaped);
                html_escape::decode_html_entities(&once).into_owned()
            } else {
                once
            }
        }
    };
    if body.contains('\t') {
        notes.push(Note::Tabs);
    }
    let (json, single_quotes) = reindent(&body)?;
    if let Some(members) = single_quotes {
        notes.push(Note::SingleQuotes(members));
    }
    let value = serde_json::from_str(&json).map_err(|e| format!("not JSON: {e}"))?;
    let verbatim = match raw {
        RawExample::Curl(_) => body,
        RawExample::Json(text) | RawExample::HtmlCode(text) => text.clone(),
    };
    Ok(Decoded {
        json,
        value,
        notes,
        verbatim,
    })
}

/// The body of a curl command, and notes on how the command is written.
fn curl_body(command: &str, notes: &mut Vec<Note>) -> Result<String, String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    for pair in words.windows(2) {
        if matches!(pair[0], "--request" | "-X") && pair[1] != pair[1].to_ascii_uppercase() {
            notes.push(Note::LowercaseMethod(pair[1].to_string()));
        }
    }
    const FLAGS: [&str; 5] = ["--data-row", "--data-raw", "--data-binary", "--data", "-d"];
    let (at, flag) = FLAGS
        .iter()
        .filter_map(|flag| find_flag(command, flag).map(|at| (at, *flag)))
        .min_by_key(|(at, _)| *at)
        .ok_or("the curl command sends no body (no --data-raw)")?;
    if flag == "--data-row" {
        notes.push(Note::DataRow);
    }
    let rest = command[at + flag.len()..].trim_start();
    let quote = rest
        .chars()
        .next()
        .ok_or("nothing follows the curl --data flag")?;
    if quote != '\'' && quote != '"' {
        return Ok(rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string());
    }
    let inner = &rest[1..];
    let end = inner
        .find(quote)
        .ok_or("the curl body's quote is never closed")?;
    Ok(inner[..end].to_string())
}

/// Where `flag` occurs as a whole word.
fn find_flag(command: &str, flag: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = command[from..].find(flag).map(|i| from + i) {
        let before_ok = i == 0 || command[..i].ends_with(char::is_whitespace);
        let after = command[i + flag.len()..].chars().next();
        if before_ok && after.is_none_or(|c| c.is_whitespace() || c == '\'' || c == '"') {
            return Some(i);
        }
        from = i + flag.len();
    }
    None
}

/// Deepest nesting an example may have; real pages use about 5 levels, and the bound
/// keeps the indentation (which grows with depth) small for any text.
const MAX_DEPTH: usize = 32;

/// JSON text re-indented (two spaces, keys in the order written), with single-quoted
/// strings turned into JSON strings and raw control characters in strings escaped.
/// Returns, when single quotes were found, the members whose values had them. The result
/// still has to be parsed to be known valid.
pub(crate) fn reindent(text: &str) -> Result<(String, Option<Vec<String>>), String> {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth: usize = 0;
    let mut single: Option<Vec<String>> = None;
    // The last member name written, and whether the next string is its value.
    let mut member = String::new();
    let mut after_colon = false;
    let mut chars = text.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {}
            '"' | '\'' => {
                let start = out.len() + 1;
                out.push('"');
                let mut closed = false;
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            let next = chars.next().ok_or("a string ends in a backslash")?;
                            if next == '\'' {
                                out.push('\'');
                            } else {
                                out.push('\\');
                                out.push(next);
                            }
                        }
                        _ if s == c => {
                            closed = true;
                            break;
                        }
                        '"' => out.push_str("\\\""),
                        _ if (s as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", s as u32)),
                        _ => out.push(s),
                    }
                }
                if !closed {
                    return Err("a string is never closed".into());
                }
                let content = out[start..].to_string();
                out.push('"');
                if c == '\'' {
                    let members = single.get_or_insert_with(Vec::new);
                    if after_colon && !members.contains(&member) {
                        members.push(member.clone());
                    }
                }
                if !after_colon {
                    member = content;
                }
                after_colon = false;
                continue;
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|p| p.is_whitespace()) {
                    chars.next();
                }
                out.push(c);
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(format!("nested more than {MAX_DEPTH} levels deep"));
                    }
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.checked_sub(1).ok_or("a bracket closes nothing")?;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => {
                out.push_str(": ");
                after_colon = true;
                continue;
            }
            _ => out.push(c),
        }
        if !c.is_whitespace() {
            after_colon = false;
        }
    }
    Ok((out, single))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_curl_with_tabs_and_lowercase_method() {
        let d = decode(&RawExample::Curl(
            "curl --request  post 'https://x' \\\n--data-row ' { \t\"a\":\"1\", \t\"b\":[ ] }'"
                .into(),
        ))
        .unwrap();
        assert_eq!(d.json, "{\n  \"a\": \"1\",\n  \"b\": []\n}");
        assert!(d.notes.contains(&Note::DataRow));
        assert!(d.notes.contains(&Note::Tabs));
        assert!(d.notes.contains(&Note::LowercaseMethod("post".into())));
    }

    #[test]
    fn decodes_double_escaping_and_single_quotes() {
        let d = decode(&RawExample::HtmlCode(
            "{ &amp;quot;a&amp;quot;: &amp;#039;1&amp;#039;, &amp;quot;b&amp;quot;: null }".into(),
        ))
        .unwrap();
        assert_eq!(d.value, serde_json::json!({"a": "1", "b": null}));
        assert!(d.notes.contains(&Note::DoubleEscaped));
        assert!(d.notes.contains(&Note::SingleQuotes(vec!["a".into()])));
    }
}
