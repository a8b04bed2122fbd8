//! The MD5 body signature scheme (Shoubei), as the [`Scheme`] of a [`Client`].

use std::fmt;

use super::config::ShoubeiConfig;
use super::signing;
use crate::client::{
    masked, CallInfo, Carrier, Client, Explanation, Link, Reproduce, Request, Response, Scheme,
    Signed,
};
use crate::descriptor::{AuthScheme, Md5SignScheme, ServiceDescriptor};
use crate::envelope;
use crate::error::Error;
use crate::raw_object::RawObject;
use crate::secret::Secret;

/// A client of an MD5-signed service (Shoubei).
pub type ShoubeiClient = Client<Md5BodySign>;

/// The MD5 body signature with one institution's key.
pub struct Md5BodySign {
    scheme: &'static Md5SignScheme,
    key: Secret,
}

impl fmt::Debug for Md5BodySign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Md5BodySign")
            .field("field", &&*self.scheme.field)
            .finish_non_exhaustive()
    }
}

impl Scheme for Md5BodySign {
    type Config = ShoubeiConfig;
    type Credential = ();
    /// The institution key of another institution.
    type Tenant = Secret;

    fn new(service: &'static ServiceDescriptor, config: ShoubeiConfig) -> Result<Self, Error> {
        let AuthScheme::Md5BodySign(scheme) = &service.auth else {
            return Err(Error::config(format!(
                "service `{}` does not use the MD5 body signature scheme",
                service.name
            )));
        };
        Ok(Md5BodySign {
            scheme,
            key: config.key,
        })
    }

    fn for_tenant(&self, key: Secret) -> Result<Self, Error> {
        Ok(Md5BodySign {
            scheme: self.scheme,
            key,
        })
    }

    /// The body carries no timestamp or nonce, so one signature serves every attempt.
    /// The signature is computed from the JSON text and written into it; a `sign` field
    /// the request already had is replaced.
    fn prepare(&self, call: &CallInfo, json: &mut Vec<u8>) -> Result<(), Error> {
        let scheme = self.scheme;
        let body = RawObject::parse(json).map_err(|_| not_an_object(call))?;
        let sign =
            signing::sign_object(scheme, &body, self.key.expose()).map_err(|e| Error::Encode {
                service: call.service(),
                operation: call.operation(),
                message: format!("the request cannot be signed: {e}"),
            })?;
        let empty = body.is_empty();
        match with_field(json, &body, &scheme.field, &sign) {
            Some(signed) => *json = signed,
            None => append_field(json, empty, &scheme.field, &sign),
        }
        Ok(())
    }

    async fn credential(&self, _link: Link<'_, Self>) -> Result<(), Error> {
        Ok(())
    }

    fn sign(&self, _request: &mut Request, _credential: &()) -> Result<(), Error> {
        Ok(())
    }

    /// [`prepare`](Self::prepare) signed `json`; this shows the text it signed. There is
    /// no nonce or timestamp to reproduce.
    fn explain(
        &self,
        call: &CallInfo,
        json: &[u8],
        _request: &mut Request,
        _reproduce: &mut Reproduce,
    ) -> Result<Explanation, Error> {
        let scheme = self.scheme;
        let body = RawObject::parse(json).map_err(|_| not_an_object(call))?;
        // The same text `prepare` hashed: the signature field itself is never signed.
        let text =
            signing::StringToSign::of_object(scheme, &body, self.key.expose()).map_err(|e| {
                Error::Encode {
                    service: call.service(),
                    operation: call.operation(),
                    message: format!("the request cannot be signed: {e}"),
                }
            })?;
        let case = if scheme.uppercase { "upper" } else { "lower" };
        Ok(Explanation {
            credentials: vec![("SHOUBEI_KEY", masked(self.key.expose()))],
            signed: Some(Signed {
                layout: format!(
                    "every field but `{}`, sorted by name, then the key; the key is shown as ***",
                    scheme.field
                ),
                string_to_sign: text.masked(),
                formula: format!(
                    "{case}-case hex(MD5(string to sign, with SHOUBEI_KEY in place of ***))"
                ),
                carrier: Carrier::Field(scheme.field.to_string()),
                signature: text.sign(),
            }),
            ..Explanation::default()
        })
    }

    /// Signature first (an unsigned answer is not trusted, not even a failure), then the
    /// client reads the status fields.
    fn verify(
        &self,
        call: &CallInfo,
        response: &Response,
        body: &RawObject<'_>,
    ) -> Result<(), Error> {
        if !self.scheme.verify_response {
            return Ok(());
        }
        match signing::verify_object(self.scheme, body, self.key.expose()) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::SignatureMismatch {
                service: call.service(),
                operation: call.operation(),
            }),
            // Not a mismatch: no signature can be computed, so none can be trusted.
            Err(e) => Err(envelope::decode_error(
                call,
                &format!("the response signature cannot be checked: {e}"),
                response.body(),
            )),
        }
    }
}

fn not_an_object(call: &CallInfo) -> Error {
    Error::Encode {
        service: call.service(),
        operation: call.operation(),
        message: String::from("the request must be a JSON object"),
    }
}

/// `json` rewritten with `field` set to the string `value`, when `body` (read from
/// `json`) already has that field or `json` does not end in `}`; `None` when the field
/// can simply be appended.
fn with_field(json: &[u8], body: &RawObject<'_>, field: &str, value: &str) -> Option<Vec<u8>> {
    if body.get(field).is_none() && json.last() == Some(&b'}') {
        return None;
    }
    let mut out = Vec::with_capacity(json.len() + field.len() + value.len() + 8);
    out.push(b'{');
    for (key, raw) in body.iter().filter(|(key, _)| *key != field) {
        push_string(&mut out, key);
        out.push(b':');
        out.extend_from_slice(raw.get().as_bytes());
        out.push(b',');
    }
    push_string(&mut out, field);
    out.push(b':');
    push_string(&mut out, value);
    out.push(b'}');
    Some(out)
}

/// Appends `"field":"value"` to the object `json` holds (which ends in `}`).
fn append_field(json: &mut Vec<u8>, empty: bool, field: &str, value: &str) {
    json.pop();
    if !empty {
        json.push(b',');
    }
    push_string(json, field);
    json.push(b':');
    push_string(json, value);
    json.push(b'}');
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_string(out: &mut Vec<u8>, text: &str) {
    let mut serializer = serde_json::Serializer::new(out);
    // Writing a string into a Vec cannot fail.
    let _ = serde::Serializer::serialize_str(&mut serializer, text);
}
