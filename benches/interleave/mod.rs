//! Two sides of a comparison measured in one run, interleaved: each round times one batch
//! of every side, the order rotated from round to round (round 0 runs side 0 first), so a
//! machine that slows down mid-run slows both sides alike. The ratio of each round is
//! taken between batches run back to back, and the median over rounds is reported.

use std::time::Duration;

/// One side: its name and a closure that runs `n` operations and returns how long they
/// took (setup outside the timed part is the closure's business).
pub struct Side<'a> {
    pub name: &'static str,
    pub run: Box<dyn FnMut(u32) -> Duration + 'a>,
}

/// Per-side medians of the time per operation, and the median over rounds of
/// `time(side 0) / time(side 1)`.
pub struct Outcome {
    pub per_op: [Duration; 2],
    pub ratio: f64,
    pub ratio_min: f64,
    pub ratio_max: f64,
}

/// Runs `rounds` rounds of `batch` operations per side after one untimed warm-up batch
/// per side.
pub fn interleave(sides: &mut [Side<'_>; 2], rounds: u32, batch: u32) -> Outcome {
    for side in sides.iter_mut() {
        (side.run)(batch);
    }
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut ratios = Vec::new();
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut this_round = [0.0f64; 2];
        for i in order {
            let elapsed = (sides[i].run)(batch);
            this_round[i] = elapsed.as_secs_f64() / f64::from(batch);
            times[i].push(this_round[i]);
        }
        ratios.push(this_round[0] / this_round[1]);
    }
    let ratio_min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let ratio_max = ratios.iter().copied().fold(0.0, f64::max);
    Outcome {
        per_op: [
            Duration::from_secs_f64(median(&mut times[0])),
            Duration::from_secs_f64(median(&mut times[1])),
        ],
        ratio: median(&mut ratios),
        ratio_min,
        ratio_max,
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Prints the outcome as one line per side and the ratio, with the load average.
pub fn report(title: &str, sides: &[Side<'_>; 2], outcome: &Outcome) {
    println!("{title}");
    for (side, time) in sides.iter().zip(outcome.per_op) {
        println!(
            "  {:<22} {:>10.3} µs per op (median of rounds)",
            side.name,
            time.as_secs_f64() * 1e6
        );
    }
    println!(
        "  {} / {} = {:.3} (median of rounds; min {:.3}, max {:.3}); load average {}",
        sides[0].name,
        sides[1].name,
        outcome.ratio,
        outcome.ratio_min,
        outcome.ratio_max,
        load_average()
    );
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| String::from("unknown"))
}
