//! Shoubei services (scheme `md5_body_sign`): body signature check, flat envelope, signed
//! answers, and coupon write-off.

mod coupon;

use retail_apis_codegen::model::{Endpoint, Md5SignScheme, Service};
use serde_json::{Map, Value};

use crate::config::SandboxCredentials;
use crate::envelope::{self, BusinessError};
use crate::incoming::Incoming;
use crate::reply::Reply;
use crate::scheme_server::{Context, Exchange, SchemeServer};
use crate::signing::Md5Signer;
use crate::state::State;
use crate::trace::{Check, SignatureEvidence};
use crate::{synth, validate};

/// The page's own example of a success message (“操作成功”).
const SUCCESS_MESSAGE: &str = "操作成功";

/// MD5-signed services: the body `sign` check, flat envelope, signed answers.
pub(crate) struct Md5Server {
    signer: Md5Signer,
}

impl Md5Server {
    pub fn new(scheme: &Md5SignScheme) -> Md5Server {
        Md5Server {
            signer: Md5Signer::new(scheme),
        }
    }
}

impl SchemeServer for Md5Server {
    fn handle(&self, exchange: Exchange<'_>) -> Reply {
        let Exchange {
            context, service, ..
        } = exchange;
        match exchange.target.endpoint(service) {
            Some(endpoint) => handle(context, service, &self.signer, endpoint, exchange.request),
            None => Reply::sandbox_error(500, "route does not match its service"),
        }
    }

    fn spoil(&self, reply: &mut Reply) {
        spoil_sign(&self.signer, reply);
    }
}

/// Handles one request to an MD5-signed service. Every answer, failures included, is
/// signed with the same scheme and key.
fn handle(
    context: &Context<'_>,
    service: &Service,
    signer: &Md5Signer,
    endpoint: &Endpoint,
    request: &Incoming,
) -> Reply {
    let credentials = &context.config.credentials;
    let outcome = {
        let mut state = context.lock();
        let now_ms = state.now_ms();
        process(
            service,
            signer,
            credentials,
            endpoint,
            request,
            &mut state,
            now_ms,
        )
    };
    let (mut body, success) = match outcome {
        Ok(body) => (body, true),
        Err(body) => (body, false),
    };
    body.remove(signer.field());
    let sign = match signer.sign(&body, &credentials.shoubei_key) {
        Ok(sign) => sign,
        // Only a spec whose answer holds a list or object gets here; an invented
        // signature would teach clients a scheme the vendor never stated.
        Err(e) => {
            return Reply::sandbox_error(500, format!("the answer cannot be signed: {e}"));
        }
    };
    body.insert(signer.field().to_owned(), Value::from(sign));
    let mut reply = Reply::json(200, Value::Object(body));
    reply.success = success;
    reply
}

/// Replaces the answer's signature with one made with the wrong key.
fn spoil_sign(signer: &Md5Signer, reply: &mut Reply) {
    if let crate::reply::ReplyBody::Json(Value::Object(body)) = &mut reply.body {
        let mut unsigned = body.clone();
        unsigned.remove(signer.field());
        if let Ok(wrong) = signer.sign(&unsigned, "not-the-institution-key") {
            body.insert(signer.field().to_owned(), Value::from(wrong));
        }
    }
}

type Body = Map<String, Value>;

fn failure(service: &Service, error: &BusinessError) -> Body {
    envelope::business_error_body(service, error)
}

fn process(
    service: &Service,
    signer: &Md5Signer,
    credentials: &SandboxCredentials,
    endpoint: &Endpoint,
    request: &Incoming,
    state: &mut State,
    now_ms: i64,
) -> Result<Body, Body> {
    let invalid = |e: validate::Invalid| {
        request.trace.fail(Check::Body, e.to_string());
        failure(service, &BusinessError::invalid_parameter(e.to_string()))
    };
    let body = validate::parse_object(&request.body).map_err(invalid)?;

    if let Some((string_to_sign, expected)) = signer.shown(&body, &credentials.shoubei_key) {
        request.trace.signature(SignatureEvidence {
            scheme: "md5_body_sign",
            string_to_sign,
            expected,
            received: body
                .get(signer.field())
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    let problem = match signer.verify(&body, &credentials.shoubei_key) {
        Ok(true) => None,
        Ok(false) => Some(format!("`{}` does not match the body", signer.field())),
        Err(unsignable) => Some(format!("the body cannot be signed: {unsignable}")),
    };
    if let Some(detail) = problem {
        request.trace.fail(Check::Signature, detail.clone());
        return Err(failure(
            service,
            &BusinessError {
                name: "signature_invalid",
                fallback_code: "FAIL",
                fallback_description: "签名错误",
                detail: Some(detail),
            },
        ));
    }
    // The key belongs to one institution; another inst_no signed with it is not ours.
    if let Some(inst_no) = body.get("inst_no").and_then(Value::as_str) {
        if inst_no != credentials.shoubei_inst_no {
            request
                .trace
                .fail(Check::Institution, "inst_no is not the sandbox institution");
            return Err(failure(
                service,
                &BusinessError {
                    name: "institution_unknown",
                    fallback_code: "FAIL",
                    fallback_description: "机构号不存在",
                    detail: Some("inst_no is not the sandbox institution".to_owned()),
                },
            ));
        }
    }
    validate::validate_request(service, &endpoint.request, &body).map_err(invalid)?;

    match endpoint.operation.as_str() {
        "coupon_write_off" => coupon::write_off(service, endpoint, &body, state, now_ms),
        _ => Ok(success(service, synth::payload(service, endpoint))),
    }
}

fn success(service: &Service, payload: Value) -> Body {
    match envelope::success_body(&service.envelope, SUCCESS_MESSAGE, payload) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
