//! The type syntax of field declarations: `string`, `string(N)`, `integer`, `number`,
//! `boolean`, `json`, `list<T>` and named types.

use super::ident::{closest, is_upper_camel};
use crate::model::{EnumRepr, TypeExpr};

/// No vendor payload nests lists this deep; the cap keeps later recursive passes shallow.
const MAX_LIST_DEPTH: usize = 8;

const BUILTINS: &[&str] = &["string", "integer", "number", "boolean", "json", "list"];

/// Parses a type expression. Named types are only checked for identifier syntax here;
/// whether they exist is decided once the whole service is known.
pub(crate) fn parse_type(text: &str) -> Result<TypeExpr, String> {
    let whole = text.trim();
    // Lists are unwrapped in a loop rather than by recursion so that a pathological
    // `list<list<...>>` cannot exhaust the stack.
    let mut s = whole;
    let mut depth = 0usize;
    while let Some(rest) = s.strip_prefix("list") {
        let inner = rest
            .trim_start()
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .ok_or_else(|| format!("malformed list type `{whole}` (expected `list<T>`)"))?;
        s = inner.trim();
        if s.is_empty() {
            return Err(format!(
                "list type `{whole}` has no element type (expected `list<T>`)"
            ));
        }
        depth += 1;
        if depth > MAX_LIST_DEPTH {
            return Err(format!(
                "`{whole}`: lists nested more than {MAX_LIST_DEPTH} deep"
            ));
        }
    }
    let mut ty = parse_base(s, whole)?;
    for _ in 0..depth {
        ty = TypeExpr::List(Box::new(ty));
    }
    Ok(ty)
}

fn parse_base(s: &str, whole: &str) -> Result<TypeExpr, String> {
    match s {
        "string" => return Ok(TypeExpr::String { max_len: None }),
        "integer" => return Ok(TypeExpr::Integer),
        "number" => return Ok(TypeExpr::Number),
        "boolean" => return Ok(TypeExpr::Boolean),
        "json" => return Ok(TypeExpr::Json),
        "" => return Err("empty type".to_string()),
        _ => {}
    }
    if let Some(rest) = s.strip_prefix("string(") {
        return parse_max_len(rest, whole).map(|n| TypeExpr::String { max_len: Some(n) });
    }
    if is_upper_camel(s) {
        return Ok(TypeExpr::Named(s.to_string()));
    }
    let hint = match closest(s, BUILTINS.iter().copied()) {
        Some(b) => format!(" (did you mean `{b}`?)"),
        None if s.chars().next().is_some_and(|c| c.is_ascii_lowercase()) => {
            " (named types are UpperCamelCase)".to_string()
        }
        None => String::new(),
    };
    Err(format!(
        "unknown type `{s}`{hint}; expected string, string(N), integer, number, boolean, json, \
         list<T> or an UpperCamelCase named type"
    ))
}

/// Parses the wire representation of an enum: `string`, `string(N)` or `integer`.
pub(crate) fn parse_repr(text: &str) -> Result<EnumRepr, String> {
    let s = text.trim();
    match s {
        "string" => Ok(EnumRepr::String { max_len: None }),
        "integer" => Ok(EnumRepr::Integer),
        _ => match s.strip_prefix("string(") {
            Some(rest) => parse_max_len(rest, s).map(|n| EnumRepr::String { max_len: Some(n) }),
            None => Err(format!(
                "unknown enum repr `{s}`; expected string, string(N) or integer"
            )),
        },
    }
}

fn parse_max_len(rest: &str, whole: &str) -> Result<u32, String> {
    let digits = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("malformed type `{whole}` (expected `string(N)`)"))?;
    match digits.trim().parse::<u32>() {
        Ok(0) => Err(format!("`{whole}`: the maximum length must be at least 1")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{whole}`: `{digits}` is not a length (expected `string(N)` with N a positive integer)"
        )),
    }
}

/// The named type a type expression refers to (at most one: lists wrap a single type).
pub(crate) fn named_ref(ty: &TypeExpr) -> Option<&str> {
    let mut t = ty;
    while let TypeExpr::List(inner) = t {
        t = inner;
    }
    match t {
        TypeExpr::Named(n) => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_syntax() {
        assert_eq!(
            parse_type("string(32)"),
            Ok(TypeExpr::String { max_len: Some(32) })
        );
        assert_eq!(
            parse_type("list<list<Coupon>>"),
            Ok(TypeExpr::List(Box::new(TypeExpr::List(Box::new(
                TypeExpr::Named("Coupon".into())
            )))))
        );
        assert!(parse_type("string(abc)").is_err());
        assert!(parse_type("list<>").is_err());
        assert!(parse_type("strng")
            .unwrap_err()
            .contains("did you mean `string`"));
        assert_eq!(parse_repr("integer"), Ok(EnumRepr::Integer));
    }
}
