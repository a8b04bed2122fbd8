//! Codegen speed for spec sets of 4 (the seed spec), 100 and 1000 endpoints:
//!
//! - `load/N`: parse, validate and resolve in-memory sources (`load_sources`);
//! - `generate/N`: emit and format from a loaded model (`generate`);
//! - `pipeline/N`: both, from sources to formatted files.
//!
//! Throughput is the number of endpoints in the set (N, plus the seed Shoubei endpoint
//! for the synthetic sets), so linear scaling shows as a flat per-endpoint time across N.
//!
//! `cargo bench -p retail-apis-codegen --bench codegen -- --warm-up-time 1 --measurement-time 3`

// criterion_group! declares an undocumented public function.
#![allow(missing_docs)]

mod synth;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use retail_apis_codegen::{generate, load_sources, model::SpecSet, SourceFile};

/// Endpoint counts measured; 4 is the seed spec.
const SIZES: [usize; 3] = [4, 100, 1000];

/// One measured spec set.
struct Case {
    n: usize,
    sources: Vec<SourceFile>,
    set: SpecSet,
    endpoints: u64,
}

fn cases() -> Vec<Case> {
    SIZES
        .iter()
        .map(|&n| {
            let sources = synth::synth_sources(n);
            let set = load_sources(&sources).unwrap_or_else(|d| panic!("synthetic {n}:\n{d}"));
            let endpoints = set.services.iter().map(|s| s.endpoints.len() as u64).sum();
            Case {
                n,
                sources,
                set,
                endpoints,
            }
        })
        .collect()
}

fn codegen(c: &mut Criterion) {
    let cases = cases();
    // One group per stage, parameterised by N, so criterion's report plots each stage
    // against the set size. Short runs: a 1000-endpoint pipeline takes most of a second.
    for stage in ["load", "generate", "pipeline"] {
        let mut group = c.benchmark_group(stage);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for case in &cases {
            group.throughput(Throughput::Elements(case.endpoints));
            let id = BenchmarkId::from_parameter(case.n);
            match stage {
                "load" => group.bench_with_input(id, &case.sources, |b, sources| {
                    b.iter(|| load_sources(sources).expect("loads"))
                }),
                "generate" => group.bench_with_input(id, &case.set, |b, set| {
                    b.iter(|| generate(set).expect("generates"))
                }),
                _ => group.bench_with_input(id, &case.sources, |b, sources| {
                    b.iter(|| generate(&load_sources(sources).expect("loads")).expect("generates"))
                }),
            };
        }
        group.finish();
    }
}

criterion_group!(benches, codegen);
criterion_main!(benches);
