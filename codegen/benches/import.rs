//! Importer speed, in pages per second: each seed page read, interpreted against the
//! committed spec and written as a draft endpoint file (`import_page`), and the four
//! pages in one pass. The spec is loaded once, outside the measurement.
//!
//! `cargo bench -p retail-apis-codegen --bench import -- --warm-up-time 1 --measurement-time 3`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use retail_apis_codegen::import::import_page;
use retail_apis_codegen::{load, model::SpecSet};

const PAGES: [(&str, &str); 4] = [
    ("000_02ae261432214172.txt", "jdy"),
    ("001_381c52f1f9cdd22d.txt", "jdy"),
    ("002_a53efbcfc7cd4844.txt", "shoubei"),
    ("003_5bfa149578f5c20b.txt", "jdy"),
];

fn pages() -> Vec<(&'static str, &'static str, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    PAGES
        .iter()
        .map(|(name, service)| {
            let text = std::fs::read_to_string(dir.join(name)).expect("seed page");
            (*name, *service, text)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let spec: SpecSet = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")).expect("spec");
    let pages = pages();
    let mut group = c.benchmark_group("import");
    for (name, service, text) in &pages {
        group.throughput(Throughput::Elements(1));
        group.bench_function(*name, |b| {
            b.iter(|| import_page(name, text, &spec, service).expect("imports"))
        });
    }
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.bench_function("all_four", |b| {
        b.iter(|| {
            for (name, service, text) in &pages {
                import_page(name, text, &spec, service).expect("imports");
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
