//! Many JDY tenants in one process, and re-authorisation after a rotated app secret,
//! against the sandbox over loopback HTTP: clients of a hundred tenants share one
//! connection pool and fetch one app-token each, every call carrying its own tenant's
//! domain and token; a rotated secret is met by one `push_app_authorize` and one new
//! token when an outer instance id is configured, and by its error code when not.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use common::{bounded, jdy_config, recharge, start_sandbox};
use retail_apis::jdy;
use retail_apis::runtime::jdy::{headers, JdyTenant};
use retail_apis::runtime::{CallInfo, Error, Interceptor, Request};
use retail_apis_sandbox::{config as creds, Fault, SandboxHandle, SandboxTenant};

const TENANTS: usize = 100;
/// The spec's code for an app secret that no longer verifies.
const SECRET_INVALID: &str = "1030002006";
const AUTHORIZE: &str = "jdy.app_authorize";

/// `(operation, X-GW-Router-Addr, app-token)` of every attempt a client sent.
#[derive(Clone, Default)]
struct Sent(Arc<Mutex<Vec<(String, String, String)>>>);

impl Sent {
    fn all(&self) -> Vec<(String, String, String)> {
        self.0.lock().map(|sent| sent.clone()).unwrap_or_default()
    }

    /// Domain and token of the business calls (not token or authorize requests).
    fn business(&self) -> Vec<(String, String)> {
        self.all()
            .into_iter()
            .filter(|(operation, _, _)| !operation.starts_with("app_"))
            .map(|(_, domain, token)| (domain, token))
            .collect()
    }
}

impl Interceptor for Sent {
    fn before_send(&self, call: &CallInfo, _attempt: u32, request: &mut Request) {
        let header = |name: &str| request.header(name).unwrap_or_default().to_owned();
        let line = (
            call.operation().to_owned(),
            header(headers::X_GW_ROUTER_ADDR),
            header(headers::APP_TOKEN),
        );
        if let Ok(mut sent) = self.0.lock() {
            sent.push(line);
        }
    }
}

fn tenant(i: usize) -> SandboxTenant {
    SandboxTenant::new(
        &format!("instance-{i}"),
        &format!("app-key-{i}"),
        &format!("app-secret-{i}"),
        &format!("https://shop-{i}.jdy.example"),
    )
}

/// A client of the default tenant that re-authorises through its outer instance id.
fn reauthorising_client(base_url: &str, sent: &Sent) -> jdy::Client {
    let config = jdy_config(base_url).outer_instance_id(creds::OUTER_INSTANCE_ID);
    jdy::Client::new(config)
        .expect("valid JDY configuration")
        .with_interceptor(sent.clone())
}

fn business_code(error: &Error) -> Option<(&'static str, String)> {
    match error {
        Error::Business {
            operation, code, ..
        } => Some((*operation, code.clone())),
        _ => None,
    }
}

async fn recharge_ok(client: &jdy::Client, member: &str, bill: &str) {
    if let Err(error) = client.mall_recharge(&recharge("1.00", member, bill)).await {
        panic!("the recharge {bill} failed: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_tenants_share_one_pool_and_fetch_one_token_each() {
    bounded(async {
        let sandbox = start_sandbox().await;
        for i in 0..TENANTS {
            sandbox.add_tenant(tenant(i)).expect("a new tenant");
        }
        let sent = Sent::default();
        let isv = jdy::Client::new(jdy_config(&sandbox.base_url()))
            .expect("valid JDY configuration")
            .with_interceptor(sent.clone());
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..TENANTS {
            let shop = tenant(i);
            let client = isv
                .for_tenant(JdyTenant::new(shop.app_key, shop.app_secret, shop.domain))
                .expect("a valid tenant");
            assert!(client.runtime().shares_connections_with(isv.runtime()));
            // Several calls per tenant at once: they wait for one token fetch.
            for call in 0..3 {
                let client = client.clone();
                calls.spawn(async move {
                    recharge_ok(&client, &format!("M-{i}"), &format!("T{i}-{call}")).await;
                });
            }
        }
        while let Some(done) = calls.join_next().await {
            done.expect("a call task");
        }

        for i in 0..TENANTS {
            let key = tenant(i).app_key;
            assert_eq!(sandbox.tenant_token_fetch_count(&key), Some(1), "{key}");
        }
        assert_eq!(sandbox.tenant_token_fetch_count(creds::APP_KEY), Some(0));
        assert_eq!(sandbox.token_fetch_count(), TENANTS);
        assert_eq!(sandbox.request_count("jdy.app_token"), TENANTS);

        // Each tenant's calls carried its own domain, always with the same token, and no
        // token went with two domains.
        let mut tokens_by_domain: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (domain, token) in sent.business() {
            tokens_by_domain.entry(domain).or_default().insert(token);
        }
        let expected: BTreeSet<String> = (0..TENANTS).map(|i| tenant(i).domain).collect();
        assert_eq!(
            tokens_by_domain.keys().cloned().collect::<BTreeSet<_>>(),
            expected
        );
        let mut all_tokens = BTreeSet::new();
        for (domain, tokens) in &tokens_by_domain {
            assert_eq!(tokens.len(), 1, "{domain} used {tokens:?}");
            all_tokens.extend(tokens.iter().cloned());
        }
        assert_eq!(all_tokens.len(), TENANTS, "a token was shared by tenants");
        assert_eq!(sent.business().len(), TENANTS * 3);
        for i in 0..TENANTS {
            assert_eq!(
                sandbox.member_balance(&format!("M-{i}")).to_string(),
                "3.00"
            );
        }
    })
    .await;
}

/// The sandbox refuses one tenant's token with another tenant's domain (4012), so a
/// client cannot mix tenants without the gateway noticing.
#[tokio::test]
async fn a_token_of_one_tenant_is_refused_with_another_tenants_domain() {
    bounded(async {
        let sandbox = start_sandbox().await;
        sandbox.add_tenant(tenant(1)).expect("a new tenant");
        let isv = common::jdy_client(&sandbox.base_url());
        let shop = tenant(1);
        let other = isv
            .for_tenant(JdyTenant::new(shop.app_key, shop.app_secret, shop.domain))
            .expect("a valid tenant");
        // Tenant 1's token, sent with the default tenant's domain.
        let token = other.runtime().app_token().await.expect("a token");
        let lease = retail_apis::runtime::jdy::Lease::unmanaged(token);
        let request = isv
            .runtime()
            .signed_request(
                &jdy::endpoints::MALL_RECHARGE,
                &recharge("1.00", "M-x", "X-1"),
                &lease,
            )
            .expect("a signed request");
        retail_apis::runtime::tls::install_default_crypto_provider();
        let http = retail_apis::runtime::reqwest::Client::new();
        let response = http.execute(request).await.expect("an answer");
        assert_eq!(response.status().as_u16(), 519);
        let body: serde_json::Value = response.json().await.expect("a JSON body");
        assert_eq!(body["errcode"], 4012, "{body}");
        assert_eq!(sandbox.applied_recharges(), 0);
    })
    .await;
}

/// Rotates the default tenant's secret in the sandbox.
fn rotate(sandbox: &SandboxHandle, secret: &str) {
    sandbox
        .rotate_app_secret(creds::OUTER_INSTANCE_ID, secret)
        .expect("the default tenant");
}

#[tokio::test]
async fn a_rotated_secret_is_reauthorised_once_and_the_new_secret_stays_in_use() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let sent = Sent::default();
        let client = reauthorising_client(&sandbox.base_url(), &sent);
        recharge_ok(&client, "M-1", "R-1").await;
        assert_eq!(sandbox.token_fetch_count(), 1);

        rotate(&sandbox, "rotated-secret-1");
        recharge_ok(&client, "M-1", "R-2").await;
        assert_eq!(sandbox.request_count(AUTHORIZE), 1);
        assert_eq!(sandbox.token_fetch_count(), 2);

        // The next token is fetched with the new secret, without asking again.
        sandbox.expire_tokens();
        recharge_ok(&client, "M-1", "R-3").await;
        assert_eq!(sandbox.request_count(AUTHORIZE), 1);
        assert_eq!(sandbox.token_fetch_count(), 3);
        assert_eq!(sandbox.member_balance("M-1").to_string(), "3.00");
        let shown = format!("{client:?}");
        assert!(!shown.contains("rotated-secret-1"), "{shown}");
    })
    .await;
}

#[tokio::test]
async fn a_reauthorisation_that_moves_the_tenant_puts_its_new_domain_on_every_call() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let sent = Sent::default();
        let client = reauthorising_client(&sandbox.base_url(), &sent);
        recharge_ok(&client, "M-2", "D-1").await;
        let moved = "https://moved.jdy.example";
        sandbox
            .set_tenant_domain(creds::OUTER_INSTANCE_ID, moved)
            .expect("the default tenant");
        rotate(&sandbox, "rotated-secret-2");
        recharge_ok(&client, "M-2", "D-2").await;
        let domains: Vec<String> = sent.business().into_iter().map(|(d, _)| d).collect();
        assert_eq!(domains.first().map(String::as_str), Some(creds::DOMAIN));
        assert_eq!(domains.last().map(String::as_str), Some(moved));
        assert_eq!(sandbox.request_count(AUTHORIZE), 1);
    })
    .await;
}

#[tokio::test]
async fn without_an_outer_instance_id_a_rotated_secret_is_its_error_code() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let client = common::jdy_client(&sandbox.base_url());
        recharge_ok(&client, "M-3", "N-1").await;
        rotate(&sandbox, "rotated-secret-3");
        let error = client
            .mall_recharge(&recharge("1.00", "M-3", "N-2"))
            .await
            .expect_err("the old secret no longer verifies");
        // The revoked token is refused, the refresh meets the rotated secret.
        assert_eq!(
            business_code(&error),
            Some(("app_token", SECRET_INVALID.to_owned())),
            "{error}"
        );
        assert_eq!(sandbox.request_count(AUTHORIZE), 0);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_failed_reauthorisation_is_a_typed_error_of_the_authorize_request() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let config = jdy_config(&sandbox.base_url()).outer_instance_id("no-such-instance");
        let client = jdy::Client::new(config).expect("valid JDY configuration");
        recharge_ok(&client, "M-4", "F-1").await;
        rotate(&sandbox, "rotated-secret-4");
        let error = client
            .mall_recharge(&recharge("1.00", "M-4", "F-2"))
            .await
            .expect_err("no credentials for an unknown instance");
        let (operation, code) = business_code(&error).unwrap_or_default();
        assert_eq!(operation, "app_authorize", "{error}");
        assert_eq!(code, "1000000400", "{error}");
        assert!(!error.outcome_unknown());
        assert_eq!(sandbox.request_count(AUTHORIZE), 1);
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_authorize_answer_whose_domain_no_header_can_carry_is_refused_unquoted() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let sent = Sent::default();
        let client = reauthorising_client(&sandbox.base_url(), &sent);
        recharge_ok(&client, "M-5", "H-1").await;
        sandbox
            .set_tenant_domain(
                creds::OUTER_INSTANCE_ID,
                "https://x.example\r\nX-Injected: 1",
            )
            .expect("the default tenant");
        rotate(&sandbox, "rotated-secret-5");
        let error = client
            .mall_recharge(&recharge("1.00", "M-5", "H-2"))
            .await
            .expect_err("the answer's domain cannot be sent");
        match &error {
            Error::Decode {
                operation,
                message,
                snippet,
                ..
            } => {
                assert_eq!(*operation, "app_authorize");
                assert!(message.contains("domain"), "{message}");
                assert!(!snippet.contains("rotated-secret-5"), "{snippet}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        let text = format!("{error} {error:?}");
        assert!(!text.contains("rotated-secret-5"), "{text}");
        // Nothing was sent with the refused domain.
        assert!(sent
            .all()
            .iter()
            .all(|(_, domain, _)| !domain.contains("X-Injected")));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_meeting_a_rotation_reauthorise_once() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let sent = Sent::default();
        let client = reauthorising_client(&sandbox.base_url(), &sent);
        recharge_ok(&client, "M-6", "C-0").await;
        rotate(&sandbox, "rotated-secret-6");
        // A slow first answer, so that every call meets the rotation while it is asked.
        common::inject(
            &sandbox,
            AUTHORIZE,
            1,
            Fault::Delay(std::time::Duration::from_millis(300)),
        );
        let mut calls = tokio::task::JoinSet::new();
        for call in 1..=20 {
            let client = client.clone();
            calls.spawn(async move { recharge_ok(&client, "M-6", &format!("C-{call}")).await });
        }
        while let Some(done) = calls.join_next().await {
            done.expect("a call task");
        }
        assert_eq!(sandbox.request_count(AUTHORIZE), 1);
        assert_eq!(sandbox.tenant_token_fetch_count(creds::APP_KEY), Some(2));
        assert_eq!(sandbox.member_balance("M-6").to_string(), "21.00");
    })
    .await;
}

/// Every generated client has `for_tenant`: a Shoubei client made from one with a wrong
/// institution key signs with the key it is given, over the same connections.
#[tokio::test]
async fn a_shoubei_client_for_another_institution_signs_with_its_key() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let wrong = common::shoubei_client_adjusted(&sandbox.base_url(), |c| {
            c.key = retail_apis::runtime::Secret::new("not-the-key");
        });
        let right = wrong
            .for_tenant(retail_apis::runtime::Secret::new(creds::SHOUBEI_KEY))
            .expect("a valid key");
        assert!(right.runtime().shares_connections_with(wrong.runtime()));
        right
            .coupon_write_off(&common::write_off(common::COUPON_A))
            .await
            .expect("signed with the institution's key");
        assert!(matches!(
            sandbox.coupon_state(common::COUPON_A),
            Some(retail_apis_sandbox::CouponState::WrittenOff { .. })
        ));
    })
    .await;
}

/// An authorize answer may hold an app secret whatever its status, so an error made from
/// it never quotes its body.
#[tokio::test]
async fn an_authorize_answer_is_never_quoted_in_errors() {
    bounded(async {
        let sandbox = start_sandbox().await;
        let sent = Sent::default();
        let client = reauthorising_client(&sandbox.base_url(), &sent);
        recharge_ok(&client, "M-7", "Q-1").await;
        rotate(&sandbox, "rotated-secret-7");
        let leaked = r#"{"errcode":0,"data":{"app_secret":"leaked-secret"}}"#;
        // Every attempt the transport makes meets it.
        common::inject(
            &sandbox,
            AUTHORIZE,
            10,
            Fault::Status {
                status: 500,
                body: leaked.to_owned(),
            },
        );
        let error = client
            .mall_recharge(&recharge("1.00", "M-7", "Q-2"))
            .await
            .expect_err("no credentials from a failing authorize endpoint");
        let text = format!("{error} {error:?}");
        assert!(text.contains("app_authorize"), "{text}");
        assert!(!text.contains("leaked-secret"), "{text}");
        assert_eq!(sandbox.applied_recharges(), 1);
    })
    .await;
}
