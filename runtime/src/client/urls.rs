//! The URL of every endpoint of a client's service, parsed once when the client is built.
//!
//! Parsing a URL is one of the larger costs of an attempt that depends on nothing but the
//! base URL and the path; a clone of the parsed URL gives the same value for a fraction of
//! it. Paths the service does not declare (the token request of a scheme) are parsed per
//! attempt, as before.

use reqwest::Url;

use crate::descriptor::ServiceDescriptor;
use crate::transport::join_url;

/// A base URL and the URLs of the service's endpoint paths below it.
#[derive(Clone, Debug)]
pub(crate) struct Urls {
    base: String,
    /// Sorted by path, one entry per distinct path.
    parsed: Vec<(&'static str, Url)>,
}

impl Urls {
    /// The URLs of `service`'s endpoints below `base`. A path that does not parse is left
    /// out, so its attempts fail with the parser's error as they would without the cache.
    pub(crate) fn new(base: String, service: &'static ServiceDescriptor) -> Urls {
        let mut parsed: Vec<(&'static str, Url)> = service
            .endpoints
            .iter()
            .filter_map(|endpoint| {
                let path: &'static str = &endpoint.path;
                Url::parse(&join_url(&base, path))
                    .ok()
                    .map(|url| (path, url))
            })
            .collect();
        parsed.sort_by(|a, b| a.0.cmp(b.0));
        parsed.dedup_by(|a, b| a.0 == b.0);
        Urls { base, parsed }
    }

    /// The base URL as configured.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The URL of `path` below the base URL; the error names what is wrong with it.
    pub(crate) fn url(&self, path: &str) -> Result<Url, String> {
        match self.parsed.binary_search_by(|(p, _)| (*p).cmp(path)) {
            Ok(at) => Ok(self.parsed[at].1.clone()),
            Err(_) => {
                Url::parse(&join_url(&self.base, path)).map_err(|e| format!("invalid URL: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::*;

    const ENDPOINTS: &[EndpointDescriptor] = &[
        EndpointDescriptor {
            service: Text::Borrowed("svc"),
            operation: Text::Borrowed("b"),
            method: HttpMethod::Post,
            path: Text::Borrowed("/v1/b"),
            idempotency_key: None,
            idempotency_evidence: None,
            safe: false,
        },
        EndpointDescriptor {
            service: Text::Borrowed("svc"),
            operation: Text::Borrowed("a"),
            method: HttpMethod::Get,
            path: Text::Borrowed("v1/a%20b"),
            idempotency_key: None,
            idempotency_evidence: None,
            safe: true,
        },
    ];

    const SERVICE: ServiceDescriptor = ServiceDescriptor {
        name: Text::Borrowed("svc"),
        base_url: Text::Borrowed("http://localhost"),
        auth: AuthScheme::Md5BodySign(crate::shoubei::signing::tests::SCHEME),
        envelope: EnvelopeDescriptor {
            code_field: Text::Borrowed("errcode"),
            success_code: Code::Int(0),
            message_field: Text::Borrowed("description"),
            data_field: Some(Text::Borrowed("data")),
            result: None,
        },
        errors: List::Borrowed(&[]),
        endpoints: List::Borrowed(ENDPOINTS),
    };

    /// Whatever path is asked for, the URL is the one parsing base and path gives.
    #[test]
    fn every_path_gives_the_url_parsing_gives() {
        for base in [
            "http://127.0.0.1:8080",
            "https://h.example/base/",
            "http://h/x",
        ] {
            let urls = Urls::new(base.to_owned(), &SERVICE);
            assert_eq!(urls.base(), base);
            for path in ["/v1/b", "v1/a%20b", "/v1/undeclared", "/v1/a b?x=1"] {
                let parsed = Url::parse(&join_url(base, path)).map_err(|e| e.to_string());
                assert_eq!(
                    urls.url(path).map_err(|e| e.replace("invalid URL: ", "")),
                    parsed,
                    "{base} {path}"
                );
            }
        }
    }

    #[test]
    fn a_base_that_does_not_parse_fails_every_path() {
        let urls = Urls::new("http://[::1".to_owned(), &SERVICE);
        for path in ["/v1/b", "/v1/undeclared"] {
            let problem = urls.url(path).err().unwrap_or_default();
            assert!(problem.starts_with("invalid URL: "), "{problem}");
        }
    }
}
