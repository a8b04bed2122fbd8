#!/usr/bin/env bash
# Checks the workspace's `rust-version` (its MSRV) without a second toolchain: every package
# in Cargo.lock (dependencies of all kinds) must declare a `rust-version` no newer than ours.
# Our own code is held to it by clippy's `incompatible_msrv` lint, which reads the same field
# (CI runs clippy with -D warnings). What neither sees, language features newer than the MSRV,
# would need the old compiler itself, which this machine cannot install.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys

meta = json.load(sys.stdin)
ours = {p["rust_version"] for p in meta["packages"] if p["id"] in meta["workspace_members"]}
if len(ours) != 1 or None in ours:
    sys.exit(f"workspace members must share one rust-version, found {sorted(map(str, ours))}")
ours = ours.pop()

def version(text):
    parts = [int(p) for p in text.split("+")[0].split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

newer = sorted(
    (p["name"], p["version"], p["rust_version"])
    for p in meta["packages"]
    if p.get("rust_version") and version(p["rust_version"]) > version(ours)
)
for name, ver, needs in newer:
    print(f"{name} {ver} needs rustc {needs}, newer than our rust-version {ours}")
if newer:
    sys.exit(1)
count = len(meta["packages"])
print(f"rust-version {ours}: all {count} packages in Cargo.lock build with it")
'
