//! The MD5 convention `spec/shoubei/service.yaml` declares (PROTOCOL.md), for the runtime's
//! tests and benches, which cannot reach the generated descriptor.

use retail_apis_runtime::{Md5SignScheme, Text};

/// `sign` field, nulls skipped, `k=v` joined with `&`, `&key={key}` appended, lower-case hex.
pub const MD5: Md5SignScheme = Md5SignScheme {
    field: Text::Borrowed("sign"),
    skip_null: true,
    skip_empty: false,
    pair_separator: Text::Borrowed("&"),
    kv_separator: Text::Borrowed("="),
    secret_suffix: Text::Borrowed("&key={key}"),
    uppercase: false,
    verify_response: true,
};
