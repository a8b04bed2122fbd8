//! What one request would carry and sign, without sending it: the request signed by the
//! scheme's own signing path, the exact string it signs and the signature, secrets
//! masked. `retail-apis sign --explain` prints it; a captured request that the service
//! refused can be compared with it.

use std::fmt;

use serde_json::Value;

use super::request::Request;
use super::{Client, Scheme};
use crate::descriptor::EndpointDescriptor;
use crate::error::Error;
use crate::transport::CallInfo;

/// Values of a captured request that change on every attempt, to sign with instead of
/// fresh ones so that its signature is reproduced. A scheme takes the values it signs;
/// a value left over is refused ([`ExplainError::NotSigned`]), so a reproduction never
/// silently ignores what it was given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reproduce {
    /// The nonce to sign with.
    pub nonce: Option<String>,
    /// The timestamp to sign with, as the request carries it.
    pub timestamp: Option<String>,
}

impl Reproduce {
    /// The name of a value given that no scheme took.
    fn unused(&self) -> Option<&'static str> {
        if self.nonce.is_some() {
            Some("nonce")
        } else if self.timestamp.is_some() {
            Some("timestamp")
        } else {
            None
        }
    }
}

/// Where a signature travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// In the header of this name.
    Header(&'static str),
    /// In the body field (or, for a GET, query parameter) of this name.
    Field(String),
}

impl Carrier {
    /// The header or field name.
    pub fn name(&self) -> &str {
        match self {
            Carrier::Header(name) => name,
            Carrier::Field(name) => name,
        }
    }
}

/// A signature and what it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// How the string to sign is built.
    pub layout: String,
    /// The exact string to sign, any secret in it masked.
    pub string_to_sign: String,
    /// How the signature is computed from the string.
    pub formula: String,
    /// Where the signature travels.
    pub carrier: Carrier,
    /// The signature, exactly as sent.
    pub signature: String,
}

/// What a scheme tells about one request it signed. Nothing in it is a secret: secrets
/// show as [`masked`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// The configuration the scheme signs with, as (environment variable, value shown).
    pub credentials: Vec<(&'static str, String)>,
    /// How the scheme spells the headers it sets. HTTP/1 sends header names in lower
    /// case and they compare case-insensitively; the explanation shows the vendor's
    /// spelling, and capitalises the words of any other name.
    pub header_spelling: Vec<&'static str>,
    /// How the scheme's sensitive headers show (a signature, a placeholder, a masked
    /// token). A sensitive header not listed shows as [`masked`].
    pub shown_headers: Vec<(&'static str, String)>,
    /// The signature, or `None` when nothing is signed.
    pub signed: Option<Signed>,
    /// Remarks about placeholders and troubleshooting, one paragraph each.
    pub notes: Vec<String>,
}

/// How a secret shows: its length only.
pub fn masked(secret: &str) -> String {
    format!("<secret: {} bytes>", secret.len())
}

/// Why a request cannot be explained.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// A value to reproduce that the service's scheme does not sign.
    #[error("`{service}` signs no {value}: there is none to reproduce")]
    NotSigned {
        /// Service name.
        service: &'static str,
        /// `nonce` or `timestamp`, as the field of [`Reproduce`].
        value: &'static str,
    },
    /// The request cannot be built or signed.
    #[error(transparent)]
    Failed(#[from] Error),
}

/// One request as a client would send it, signed, with its explanation.
pub struct Explained {
    request: Request,
    url: String,
    user_agent: String,
    explanation: Explanation,
}

impl fmt::Debug for Explained {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explained")
            .field("request", &self.request)
            .field("url", &self.url)
            .field("explanation", &self.explanation)
            .finish_non_exhaustive()
    }
}

impl Explained {
    /// The signed request. Its sensitive headers hold real values: show them through
    /// [`headers`](Self::headers).
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The URL the request goes to, query included, as the HTTP library writes it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The `User-Agent` the client adds.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// What the scheme tells about the request.
    pub fn explanation(&self) -> &Explanation {
        &self.explanation
    }

    /// The request's headers in the order they are sent, spelled as the scheme spells
    /// them, each sensitive one as the scheme shows it or masked.
    pub fn headers(&self) -> Vec<(String, String)> {
        let explanation = &self.explanation;
        self.request
            .header_entries()
            .map(|(name, value, sensitive)| {
                let shown = if sensitive {
                    find(&explanation.shown_headers, name)
                        .map_or_else(|| masked(value), |(_, shown)| shown.clone())
                } else {
                    value.to_owned()
                };
                let spelled = explanation
                    .header_spelling
                    .iter()
                    .find(|spelled| spelled.eq_ignore_ascii_case(name))
                    .map_or_else(|| capitalised(name), |spelled| (*spelled).to_owned());
                (spelled, shown)
            })
            .collect()
    }
}

fn find<'a>(shown: &'a [(&'static str, String)], name: &str) -> Option<&'a (&'static str, String)> {
    shown
        .iter()
        .find(|(shown, _)| shown.eq_ignore_ascii_case(name))
}

/// `content-type` as `Content-Type`.
fn capitalised(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl<S: Scheme> Client<S> {
    /// Builds and signs the request of `endpoint` with `value` (untyped, as
    /// [`call_value`](Self::call_value) takes it) exactly as a call's attempt would,
    /// with the values of `reproduce` in place of fresh ones; nothing is sent and no
    /// credential is fetched.
    pub fn explain(
        &self,
        endpoint: &'static EndpointDescriptor,
        value: Value,
        mut reproduce: Reproduce,
    ) -> Result<Explained, ExplainError> {
        let inner = &self.inner;
        self.check_endpoint(endpoint)?;
        let call = CallInfo::endpoint(inner.service, endpoint);
        let mut json = crate::envelope::encode_request(&call, &value)?;
        inner.scheme.prepare(&call, &mut json)?;
        let mut request = Request::for_call(&call, endpoint.method, &endpoint.path, json.clone())?;
        let explanation = inner
            .scheme
            .explain(&call, &json, &mut request, &mut reproduce)?;
        if let Some(value) = reproduce.unused() {
            return Err(ExplainError::NotSigned {
                service: call.service(),
                value,
            });
        }
        let url = self.build(&call, request.clone())?.url().to_string();
        Ok(Explained {
            request,
            url,
            user_agent: inner.transport.config().user_agent.clone(),
            explanation,
        })
    }
}
