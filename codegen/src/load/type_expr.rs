//! The type syntax of field declarations: `string`, `string(N)`, `amount`, `amount(N)`,
//! `integer`, `number`, `boolean`, `json`, `list<T>`, `map<string, T>` and named types.

use super::ident::{closest, is_upper_camel};
use crate::model::{EnumRepr, TypeExpr};

/// No vendor payload nests lists and maps this deep; the cap keeps later recursive passes
/// shallow.
const MAX_LIST_DEPTH: usize = 8;

const BUILTINS: &[&str] = &[
    "string", "amount", "integer", "number", "boolean", "json", "list", "map",
];

/// A container around the type inside it.
enum Wrapper {
    List,
    Map,
}

/// Parses a type expression. Named types are only checked for identifier syntax here;
/// whether they exist is decided once the whole service is known.
pub(crate) fn parse_type(text: &str) -> Result<TypeExpr, String> {
    let whole = text.trim();
    // Containers are unwrapped in a loop rather than by recursion so that a pathological
    // `list<list<...>>` cannot exhaust the stack.
    let mut s = whole;
    let mut wrappers = Vec::new();
    loop {
        let (wrapper, rest) = if let Some(rest) = s.strip_prefix("list") {
            (Wrapper::List, rest)
        } else if let Some(rest) = s.strip_prefix("map") {
            (Wrapper::Map, rest)
        } else {
            break;
        };
        let Some(inner) = rest
            .trim_start()
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
        else {
            // `mapping`, `listing`: a misspelt named type, not a container.
            if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                break;
            }
            return Err(match wrapper {
                Wrapper::List => format!("malformed list type `{whole}` (expected `list<T>`)"),
                Wrapper::Map if !rest.contains([',', '>']) => format!(
                    "malformed map type `{whole}` (expected `map<string, T>`); inside a flow \
                     mapping `{{…}}` a comma ends the value, so quote the type: \
                     `{{type: \"map<string, T>\"}}`"
                ),
                Wrapper::Map => {
                    format!("malformed map type `{whole}` (expected `map<string, T>`)")
                }
            });
        };
        s = match wrapper {
            Wrapper::List => inner.trim(),
            Wrapper::Map => map_value(inner, whole)?,
        };
        if s.is_empty() {
            return Err(match wrapper {
                Wrapper::List => {
                    format!("list type `{whole}` has no element type (expected `list<T>`)")
                }
                Wrapper::Map => {
                    format!("map type `{whole}` has no value type (expected `map<string, T>`)")
                }
            });
        }
        wrappers.push(wrapper);
        if wrappers.len() > MAX_LIST_DEPTH {
            return Err(format!(
                "`{whole}`: lists and maps nested more than {MAX_LIST_DEPTH} deep"
            ));
        }
    }
    let mut ty = parse_base(s, whole)?;
    for wrapper in wrappers.into_iter().rev() {
        ty = match wrapper {
            Wrapper::List => TypeExpr::List(Box::new(ty)),
            Wrapper::Map => TypeExpr::Map(Box::new(ty)),
        };
    }
    Ok(ty)
}

/// The value type of `map<KEY, VALUE>` given the text between the brackets: JSON object
/// keys are strings, so the key type must be `string`.
fn map_value<'a>(inner: &'a str, whole: &str) -> Result<&'a str, String> {
    let Some((key, value)) = inner.split_once(',') else {
        return Err(format!(
            "map type `{whole}` needs a key and a value type (expected `map<string, T>`)"
        ));
    };
    match key.trim() {
        "string" => Ok(value.trim()),
        other => Err(format!(
            "map type `{whole}`: keys of a JSON object are strings, so the key type must be \
             `string`, not `{other}`"
        )),
    }
}

fn parse_base(s: &str, whole: &str) -> Result<TypeExpr, String> {
    match s {
        "string" => return Ok(TypeExpr::String { max_len: None }),
        "amount" => return Ok(TypeExpr::Amount { max_len: None }),
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
    if let Some(rest) = s.strip_prefix("amount(") {
        return parse_max_len(rest, whole).map(|n| TypeExpr::Amount { max_len: Some(n) });
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
        "unknown type `{s}`{hint}; expected string, string(N), amount, amount(N), integer, \
         number, boolean, json, list<T>, map<string, T> or an UpperCamelCase named type"
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
        .ok_or_else(|| format!("malformed type `{whole}` (expected `string(N)` or `amount(N)`)"))?;
    match digits.trim().parse::<u32>() {
        Ok(0) => Err(format!("`{whole}`: the maximum length must be at least 1")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{whole}`: `{digits}` is not a length (expected `string(N)` with N a positive integer)"
        )),
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

    #[test]
    fn parses_maps_and_amounts() {
        assert_eq!(
            parse_type("map<string, list<Coupon>>"),
            Ok(TypeExpr::Map(Box::new(TypeExpr::List(Box::new(
                TypeExpr::Named("Coupon".into())
            )))))
        );
        assert_eq!(
            parse_type("list< map<string,amount(16)> >"),
            Ok(TypeExpr::List(Box::new(TypeExpr::Map(Box::new(
                TypeExpr::Amount { max_len: Some(16) }
            )))))
        );
        assert_eq!(parse_type("amount"), Ok(TypeExpr::Amount { max_len: None }));
        assert_eq!(parse_type("Mapping"), Ok(TypeExpr::Named("Mapping".into())));
        let key = parse_type("map<integer, string>").unwrap_err();
        assert!(key.contains("must be `string`, not `integer`"), "{key}");
        assert!(parse_type("map<string>")
            .unwrap_err()
            .contains("key and a value"));
        assert!(parse_type("map<string, >")
            .unwrap_err()
            .contains("no value type"));
        assert!(parse_type("amout")
            .unwrap_err()
            .contains("did you mean `amount`"));
        assert!(parse_type(&"map<string, ".repeat(9)).is_err());
    }
}
