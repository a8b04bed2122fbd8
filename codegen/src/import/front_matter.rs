//! The YAML front matter of a JDY open-platform page (`---` … `---`): its title and URL.

/// The front matter keys the importer uses.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    /// `title:`
    pub title: Option<String>,
    /// `url:`
    pub url: Option<String>,
}

/// Splits a page into its front matter and the rest; `None` when it has none.
///
/// Only `key: value` lines are read (a value in double quotes is a JSON-style string);
/// the rest of the front matter is not needed and not interpreted.
pub(crate) fn split(text: &str) -> Option<(FrontMatter, &str)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut matter = FrontMatter::default();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim_end();
        if line == "---" {
            return Some((matter, &rest[offset..]));
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = unquote(value.trim());
        let value = (!value.is_empty()).then_some(value);
        match key.trim() {
            "title" => matter.title = value,
            "url" => matter.url = value,
            _ => {}
        }
    }
    None
}

fn unquote(value: &str) -> String {
    if value.starts_with('"') {
        if let Ok(s) = serde_json::from_str::<String>(value) {
            return s;
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_title_and_url() {
        let (m, rest) =
            split("---\ntitle: \"会员充值\"\nurl: \"https://a/#/x?id=1\"\n---\n# x\n").unwrap();
        assert_eq!(m.title.as_deref(), Some("会员充值"));
        assert_eq!(m.url.as_deref(), Some("https://a/#/x?id=1"));
        assert_eq!(rest, "# x\n");
        assert!(split("# no front matter").is_none());
        assert!(split("---\ntitle: never closed\n").is_none());
    }
}
