//! Configuration from the environment. One test function, because the process
//! environment is shared by every test thread of a binary.

use retail_apis_runtime::jdy::JdyConfig;
use retail_apis_runtime::shoubei::ShoubeiConfig;
use retail_apis_runtime::Error;

const JDY_VARS: [&str; 7] = [
    "JDY_BASE_URL",
    "JDY_CLIENT_ID",
    "JDY_CLIENT_SECRET",
    "JDY_APP_KEY",
    "JDY_APP_SECRET",
    "JDY_DOMAIN",
    "JDY_OUTER_INSTANCE_ID",
];

fn config_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Config { message }) => message,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn reads_variables_and_names_the_missing_one() {
    for var in JDY_VARS.iter().chain(&["SHOUBEI_BASE_URL", "SHOUBEI_KEY"]) {
        std::env::remove_var(var);
    }
    assert!(config_message(JdyConfig::from_env()).contains("JDY_CLIENT_ID"));

    std::env::set_var("JDY_CLIENT_ID", "id");
    std::env::set_var("JDY_CLIENT_SECRET", "very-secret");
    std::env::set_var("JDY_APP_KEY", "key");
    std::env::set_var("JDY_APP_SECRET", "");
    let message = config_message(JdyConfig::from_env());
    assert!(message.contains("JDY_APP_SECRET"), "{message}");
    assert!(!message.contains("very-secret"));

    std::env::set_var("JDY_APP_SECRET", "app-secret");
    std::env::set_var("JDY_DOMAIN", "tenant");
    let config = JdyConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.base_url, None);
    assert_eq!(config.client_secret.expose(), "very-secret");
    assert_eq!(config.domain, "tenant");
    // Re-authorisation is off unless the tenant's instance id is given.
    assert_eq!(config.outer_instance_id, None);
    std::env::set_var("JDY_OUTER_INSTANCE_ID", "instance-1");
    let config = JdyConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.outer_instance_id.as_deref(), Some("instance-1"));
    std::env::set_var("JDY_OUTER_INSTANCE_ID", " ");
    let config = JdyConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.outer_instance_id, None);
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("very-secret") && !debug.contains("app-secret"),
        "{debug}"
    );

    std::env::set_var("JDY_BASE_URL", "http://127.0.0.1:9");
    let config = JdyConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:9"));

    // Another scheme fails here, naming the variable but not the value, rather than
    // on every attempt of every call.
    for bad in [
        "ftp://user:pw-in-url@files.example",
        "file:///tmp/x",
        "api.kingdee.com",
    ] {
        std::env::set_var("JDY_BASE_URL", bad);
        let message = config_message(JdyConfig::from_env());
        assert!(message.contains("JDY_BASE_URL"), "{message}");
        assert!(
            !message.contains("pw-in-url") && !message.contains(bad),
            "{message}"
        );
    }
    std::env::set_var("JDY_BASE_URL", "https://api.kingdee.com");
    assert!(JdyConfig::from_env().is_ok());

    // The token store: none by default; a store URL of no known kind is refused naming
    // the variable and never its value (which may carry a password).
    std::env::remove_var("JDY_TOKEN_STORE");
    let config = JdyConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert!(config.token_store.is_none());
    for bad in [
        "memcached://:pw-in-url@cache.example",
        "pw-in-url",
        "redis://:pw-in-url@[::1",
    ] {
        std::env::set_var("JDY_TOKEN_STORE", bad);
        let message = config_message(JdyConfig::from_env());
        assert!(
            message.starts_with("environment variable JDY_TOKEN_STORE "),
            "{message}"
        );
        assert!(!message.contains("pw-in-url"), "{message}");
        assert!(!message.contains("configuration error"), "{message}");
    }
    std::env::set_var("JDY_TOKEN_STORE", "redis://:pw-in-url@127.0.0.1:6379/2");
    let configured = JdyConfig::from_env();
    if cfg!(feature = "redis") {
        let config = configured.unwrap_or_else(|e| panic!("{e}"));
        let debug = format!("{config:?}");
        assert!(debug.contains("RedisTokenStore"), "{debug}");
        assert!(!debug.contains("pw-in-url"), "{debug}");
    } else {
        let message = config_message(configured);
        assert!(message.contains("JDY_TOKEN_STORE") && message.contains("`redis` feature"));
        assert!(!message.contains("pw-in-url"), "{message}");
    }
    std::env::remove_var("JDY_TOKEN_STORE");

    assert!(config_message(ShoubeiConfig::from_env()).contains("SHOUBEI_KEY"));
    std::env::set_var("SHOUBEI_KEY", "k");
    let config = ShoubeiConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.base_url, None);
    assert_eq!(config.key.expose(), "k");

    std::env::set_var("SHOUBEI_BASE_URL", "gopher://user:pw-in-url@open.example");
    let message = config_message(ShoubeiConfig::from_env());
    assert!(message.contains("SHOUBEI_BASE_URL"), "{message}");
    assert!(!message.contains("pw-in-url"), "{message}");
    std::env::set_var("SHOUBEI_BASE_URL", "http://127.0.0.1:9");
    let config = ShoubeiConfig::from_env().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.base_url.as_deref(), Some("http://127.0.0.1:9"));
}
