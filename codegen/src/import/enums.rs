//! Value lists in description text: `1、微信、2、支付宝、 90、会员卡(储值)`,
//! `10001.东福,10002.口碑,…`, `1-是; 0-否(不填默认 0-否)`, `SUCCESS成功,FAIL失败`.

/// Separators between labelled items.
const ITEM_SEPARATORS: [char; 6] = ['、', ',', '，', ';', '；', '\n'];

/// The values a text lists, each with its label, in order of first appearance; `None`
/// unless at least two distinct values are found (one number in a sentence is no list).
pub(crate) fn parse_values(text: &str) -> Option<Vec<(String, String)>> {
    let numbered = numbered(text);
    if numbered.len() >= 2 {
        return Some(numbered);
    }
    let words = upper_words(text);
    (words.len() >= 2).then_some(words)
}

/// `<digits><sep><label>` items, `sep` one of `、 . - : ：`.
fn numbered(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_run = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '.'));
        if !starts_run {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let value: String = chars[start..i].iter().collect();
        let mut j = i;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j >= chars.len() || !matches!(chars[j], '、' | '.' | '-' | ':' | '：') {
            continue;
        }
        j += 1;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        let label_start = j;
        while j < chars.len() && !ITEM_SEPARATORS.contains(&chars[j]) && !next_item(&chars, j) {
            j += 1;
        }
        let label = balanced(chars[label_start..j].iter().collect::<String>().trim());
        if label.is_empty() || label.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if !out.iter().any(|(v, _)| *v == value) {
            out.push((value, label));
        }
        i = j;
    }
    out
}

/// Whether a new numbered item starts after the whitespace at `j` (`… 0-否`).
fn next_item(chars: &[char], j: usize) -> bool {
    if chars[j] != ' ' {
        return false;
    }
    let mut k = j;
    while k < chars.len() && chars[k] == ' ' {
        k += 1;
    }
    let digits = k;
    while k < chars.len() && chars[k].is_ascii_digit() {
        k += 1;
    }
    k > digits && k < chars.len() && matches!(chars[k], '、' | '.' | '-' | ':' | '：')
}

/// A label cut before an opening bracket that is never closed (`否(不填默认` → `否`).
fn balanced(label: &str) -> String {
    let mut open: Option<usize> = None;
    let mut depth = 0i32;
    for (i, c) in label.char_indices() {
        match c {
            '(' | '（' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            ')' | '）' => depth -= 1,
            _ => {}
        }
    }
    match open {
        Some(i) if depth > 0 => label[..i].trim().to_string(),
        _ => label.to_string(),
    }
}

/// Upper-case ASCII words, each labelled by the text that follows up to a separator
/// (`SUCCESS成功,FAIL失败`).
fn upper_words(text: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if !word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && word_char(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let upper = word.len() >= 2
            && word.starts_with(|c: char| c.is_ascii_uppercase())
            && word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !upper {
            continue;
        }
        let mut j = i;
        while j < chars.len() && !chars[j].is_ascii() && !ITEM_SEPARATORS.contains(&chars[j]) {
            j += 1;
        }
        let label: String = chars[i..j].iter().collect();
        if !out.iter().any(|(v, _)| *v == word) {
            out.push((word, label.trim().to_string()));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(&'static str, String)> {
        parse_values(text)
            .unwrap_or_default()
            .into_iter()
            .map(|(v, l)| (&*Box::leak(v.into_boxed_str()), l))
            .collect()
    }

    #[test]
    fn reads_the_page_notations() {
        assert_eq!(
            values("1、微信、2、支付宝、 90、会员卡(储值)"),
            [
                ("1", "微信".into()),
                ("2", "支付宝".into()),
                ("90", "会员卡(储值)".into())
            ]
        );
        assert_eq!(
            values("10001.东福,10002.口碑,10013.惠码通"),
            [
                ("10001", "东福".into()),
                ("10002", "口碑".into()),
                ("10013", "惠码通".into())
            ]
        );
        assert_eq!(
            values("是否参与独立优惠 1-是; 0-否(不填默认 0-否);如果已享受独立优惠"),
            [("1", "是".into()), ("0", "否".into())]
        );
        assert_eq!(
            values("响应码:SUCCESS成功,FAIL失败,响应码仅代表通信或参数"),
            [("SUCCESS", "成功".into()), ("FAIL", "失败".into())]
        );
        assert_eq!(
            values("业务结果:SUCCESS ,FAIL,只有在return_code为SUCCESS时才会返回"),
            [("SUCCESS", "".into()), ("FAIL", "".into())]
        );
    }

    #[test]
    fn sentences_are_not_lists() {
        for text in [
            "来源 ISV都填写9",
            "充值时间(不填以系统时间)",
            "2020-05-11 16:01:01",
            "会员ID",
            "固定传:2.0",
        ] {
            assert_eq!(parse_values(text), None, "{text}");
        }
    }
}
