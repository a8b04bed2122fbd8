//! The MD5 body signature scheme (Shoubei), as the [`Scheme`] of a [`Client`].

use std::fmt;

use serde_json::{Map, Value};

use super::config::ShoubeiConfig;
use super::signing;
use crate::client::{
    masked, CallInfo, Carrier, Client, Explanation, Link, Reproduce, Request, Response, Scheme,
    Signed,
};
use crate::descriptor::{AuthScheme, Md5SignScheme, ServiceDescriptor};
use crate::envelope;
use crate::error::Error;
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

    /// The body carries no timestamp or nonce, so one signature serves every attempt.
    fn prepare(&self, call: &CallInfo, value: Value) -> Result<Value, Error> {
        let Value::Object(mut body) = value else {
            return Err(Error::Encode {
                service: call.service(),
                operation: call.operation(),
                message: String::from("the request must be a JSON object"),
            });
        };
        let sign =
            signing::sign(self.scheme, &body, self.key.expose()).map_err(|e| Error::Encode {
                service: call.service(),
                operation: call.operation(),
                message: format!("the request cannot be signed: {e}"),
            })?;
        body.insert(self.scheme.field.to_string(), Value::String(sign));
        Ok(Value::Object(body))
    }

    async fn credential(&self, _link: Link<'_, Self>) -> Result<(), Error> {
        Ok(())
    }

    fn sign(&self, _request: &mut Request, _credential: &()) -> Result<(), Error> {
        Ok(())
    }

    /// [`prepare`](Self::prepare) signed `value`; this shows the text it signed. There is
    /// no nonce or timestamp to reproduce.
    fn explain(
        &self,
        call: &CallInfo,
        value: &Value,
        _request: &mut Request,
        _reproduce: &mut Reproduce,
    ) -> Result<Explanation, Error> {
        let scheme = self.scheme;
        let body = value.as_object().ok_or_else(|| Error::Encode {
            service: call.service(),
            operation: call.operation(),
            message: String::from("the request must be a JSON object"),
        })?;
        // The same text `prepare` hashed: the signature field itself is never signed.
        let text = signing::StringToSign::new(scheme, body, self.key.expose()).map_err(|e| {
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
        body: &Map<String, Value>,
    ) -> Result<(), Error> {
        if !self.scheme.verify_response {
            return Ok(());
        }
        match signing::verify(self.scheme, body, self.key.expose()) {
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
