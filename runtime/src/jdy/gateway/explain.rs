//! The Kingdee gateway's account of a request it signed: credentials masked, the
//! canonical request, and what to check when the gateway answers 4008 or 4006.

use super::{GatewaySignature, KingdeeGateway};
use crate::client::{masked, Carrier, Explanation, Signed};
use crate::jdy::headers;

/// What `app-token` carries in an explanation: a real one would be fetched first.
pub(super) const TOKEN_PLACEHOLDER: &str = "<app-token placeholder>";

/// Every header the scheme sets, as the gateway pages spell them.
const SPELLING: [&str; 9] = headers::ALL;

impl KingdeeGateway {
    /// The explanation of a request signed with `signed` at `timestamp`.
    pub(super) fn explanation(&self, signed: GatewaySignature, timestamp: &str) -> Explanation {
        let mut notes = vec![self.token_note(), reproduce_note()];
        notes.extend(self.timestamp_note(timestamp));
        let tenant = self.tenant.get();
        Explanation {
            credentials: vec![
                ("JDY_CLIENT_ID", self.client_id.clone()),
                ("JDY_CLIENT_SECRET", masked(self.client_secret.expose())),
                ("JDY_APP_KEY", tenant.app_key.clone()),
                ("JDY_APP_SECRET", masked(tenant.app_secret.expose())),
                ("JDY_DOMAIN", tenant.domain.clone()),
            ],
            header_spelling: SPELLING.to_vec(),
            shown_headers: vec![
                (headers::X_API_SIGNATURE, signed.signature.clone()),
                (headers::APP_TOKEN, TOKEN_PLACEHOLDER.to_owned()),
            ],
            signed: Some(Signed {
                layout: format!(
                    "method, encoded path, canonical query, then the headers `{}` names, \
                     sorted by lower-cased name; every line ends in \\n",
                    self.scheme.sign_headers
                ),
                string_to_sign: signed.string_to_sign,
                formula: String::from(
                    "Base64(lower-hex(HMAC-SHA256(key = JDY_CLIENT_SECRET, string to sign)))",
                ),
                carrier: Carrier::Header(headers::X_API_SIGNATURE),
                signature: signed.signature,
            }),
            notes,
        }
    }

    fn token_note(&self) -> String {
        let token = &self.scheme.token;
        format!(
            "The {} above is a placeholder: explaining needs no network. A real call first \
             fetches the token with a signed {} {}; the token is not part of the signature.",
            headers::APP_TOKEN,
            token.method.as_str(),
            token.path
        )
    }

    /// Notes a timestamp the gateway would refuse as out of its window (4006), which a
    /// reproduced capture usually is.
    fn timestamp_note(&self, timestamp: &str) -> Option<String> {
        let Ok(sent) = timestamp.parse::<u128>() else {
            return Some(format!(
                "Note: {} `{timestamp}` is not Unix milliseconds; the gateway refuses it (4006).",
                headers::X_API_TIMESTAMP
            ));
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let window = u128::from(self.scheme.timestamp_window_ms);
        (now.abs_diff(sent) > window).then(|| {
            format!(
                "Note: {} is {} s away from this machine's clock; sent now, the gateway would \
                 refuse it (4006), so only use this signature for comparison.",
                headers::X_API_TIMESTAMP,
                now.abs_diff(sent) / 1000
            )
        })
    }
}

fn reproduce_note() -> String {
    String::from(
        "Gateway 4008 (signature invalid)? Explain again with the captured nonce and \
         timestamp and compare the signature; if it matches, the secret or the \
         captured path, query or headers differ from these.",
    )
}
