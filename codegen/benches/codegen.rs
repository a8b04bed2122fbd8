//! Codegen speed for spec sets of 4, 100 and 1000 endpoints: load (parse, validate,
//! resolve), generate (emit and format), and the whole pipeline. Throughput is reported
//! per endpoint so that linear scaling shows as a flat per-endpoint time.
//!
//! `cargo bench -p retail-apis-codegen --bench codegen`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

mod synth;

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use retail_apis_codegen::{generate, load_sources};

fn spec_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

fn codegen(c: &mut Criterion) {
    let mut group = c.benchmark_group("codegen");
    group.sample_size(10);
    for n in [4usize, 100, 1000] {
        let sources = synth::synth_sources(&spec_root(), n);
        let set = load_sources(&sources).expect("synthetic spec loads");
        let endpoints: usize = set.services.iter().map(|s| s.endpoints.len()).sum();
        group.throughput(Throughput::Elements(endpoints as u64));
        group.bench_with_input(BenchmarkId::new("load", n), &sources, |b, sources| {
            b.iter(|| load_sources(sources).expect("loads"))
        });
        group.bench_with_input(BenchmarkId::new("generate", n), &set, |b, set| {
            b.iter(|| generate(set).expect("generates"))
        });
        group.bench_with_input(BenchmarkId::new("pipeline", n), &sources, |b, sources| {
            b.iter(|| generate(&load_sources(sources).expect("loads")).expect("generates"))
        });
    }
    group.finish();
}

criterion_group!(benches, codegen);
criterion_main!(benches);
