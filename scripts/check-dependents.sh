#!/usr/bin/env bash
# Builds two scratch crates that depend on retail-apis the way users do, one through a path
# dependency and one through a `file://` git dependency, against a clean clone of HEAD whose
# generated/ is stale (a spec summary edited and committed, generated/ left as it was), and
# checks for each:
#   - the build passes;
#   - `cargo tree` (build dependencies included) has no retail-apis-codegen;
#   - the dependency's source is unchanged: the clone for the path dependency, cargo's git
#     checkout for the git one (a build script that regenerated would rewrite generated/).
# Usage: scripts/check-dependents.sh [--time]   (--time: print each cold build's wall time
# and crate count, for BENCHMARKS.md). Needs the registry cache of a built workspace
# (`cargo fetch`); resolves from the repository's Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
timing=${1:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A name of its own, to find cargo's checkout of it below.
src=$work/retail-apis-dependent-$$
git clone -q "file://$repo" "$src"
git -C "$src" -c user.name=check -c user.email=check@localhost \
  -c commit.gpgsign=false commit -q --allow-empty -m "base"
spec=$(find "$src/spec" -path '*/endpoints/*.yaml' | sort | head -1)
sed -i '0,/^summary: /s/^summary: \(.*\)/summary: \1 (edited, generated\/ not regenerated)/' "$spec"
git -C "$src" -c user.name=check -c user.email=check@localhost \
  -c commit.gpgsign=false commit -q -am "stale generated/"
rev=$(git -C "$src" rev-parse HEAD)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

scratch() { # name dependency-line
  local dir=$work/$1
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
$2

[workspace]
TOML
  # Names the generated clients and the runtime's error, so the build compiles what a
  # user's service compiles.
  cat >"$dir/src/main.rs" <<'RS'
fn main() {
    let client = std::any::type_name::<retail_apis::jdy::Client>();
    let error = std::any::type_name::<retail_apis::runtime::Error>();
    println!("{client} {error} {}", retail_apis::SERVICES.len());
}
RS
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
}

scratch dependent_path "retail-apis = { path = \"$src\" }"
scratch dependent_git "retail-apis = { git = \"file://$src\", rev = \"$rev\" }"

export CARGO_TARGET_DIR=$work/target
for name in dependent_path dependent_git; do
  dir=$work/$name
  echo "== $name: cargo build"
  start=$(date +%s.%N)
  # Online only for the `file://` git fetch: every crate is in the lockfile and the cache.
  (cd "$dir" && cargo build -q) || fail "$name does not build"
  end=$(date +%s.%N)
  crates=$(cd "$dir" && cargo tree --offline -e normal,build --prefix none | sed 's/ (\*)$//' | sort -u | wc -l)
  if [[ $timing == --time ]]; then
    echo "$name: cold build $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}') s, $crates crates"
  fi
  (cd "$dir" && cargo tree --offline -e normal,build --prefix none) | grep -q '^retail-apis-codegen ' &&
    fail "$name compiles retail-apis-codegen"
  (cd "$dir" && "$CARGO_TARGET_DIR/debug/$name") >/dev/null || fail "$name does not run"
  rm -rf "$CARGO_TARGET_DIR"
done

[[ -z $(git -C "$src" status --porcelain) ]] || fail "the path dependency's source was changed"
checkout=$(find "${CARGO_HOME:-$HOME/.cargo}/git/checkouts" -maxdepth 2 -path "*retail-apis-dependent-$$-*/*" -type d | head -1)
[[ -n $checkout ]] || fail "cargo's checkout of the git dependency not found"
# cargo's checkouts are git work trees of the fetched database.
changed=$(git -C "$checkout" status --porcelain --untracked-files=no)
rm -rf "$(dirname "$checkout")"
[[ -z $changed ]] || fail "the git dependency's checkout was changed: $changed"
echo "dependents build without the code generator and leave the dependency's source unchanged"
