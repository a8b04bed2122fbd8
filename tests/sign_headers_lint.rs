//! `lint` and the runtime agree on which `sign_headers` lists are usable: a list the
//! loader accepts builds a client, and a list it refuses is one the runtime would refuse
//! when the client is built. The loader keeps its own copy of the signable headers (the
//! generator does not depend on the runtime); this test keeps the copies in step.

use std::path::PathBuf;

use retail_apis::runtime::jdy::headers;
use retail_apis::runtime::jdy::signing::SignHeaders;
use retail_apis_codegen::{load_sources, read_sources};

#[test]
fn the_loader_accepts_exactly_the_lists_the_runtime_can_sign() {
    let spec =
        read_sources(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec")).expect("spec/");
    let line = "  sign_headers: X-Api-TimeStamp,X-Api-Nonce\n";
    let every_header: Vec<&str> = headers::ALL.iter().copied().chain(["X-Unknown"]).collect();
    let mut lists: Vec<String> = every_header.iter().map(|h| (*h).to_owned()).collect();
    lists.extend(
        every_header
            .iter()
            .map(|h| format!("{},{}", headers::X_API_NONCE, h.to_uppercase())),
    );
    lists.extend([
        "".to_owned(),
        "X-Api-Nonce,,X-Api-TimeStamp".to_owned(),
        " X-Api-Nonce ".to_owned(),
    ]);
    for list in lists {
        let mut files = spec.clone();
        let service = files
            .iter_mut()
            .find(|f| f.path == "jdy/service.yaml")
            .expect("JDY service file");
        assert!(service.text.contains(line));
        service.text = service
            .text
            .replacen(line, &format!("  sign_headers: \"{list}\"\n"), 1);
        let loads = load_sources(&files).is_ok();
        let signs = SignHeaders::parse(&list).is_ok();
        assert_eq!(
            loads, signs,
            "`{list}`: loader accepts {loads}, runtime accepts {signs}"
        );
    }
}
