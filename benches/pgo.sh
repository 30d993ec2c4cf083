#!/usr/bin/env bash
# A profile-guided release build of ocpplens: target/release/ocpplens-pgo.
#
# The compiler first builds an instrumented binary, which loads logs made
# by the project's own generator (examples/synth.rs: every layout it
# writes, with faults) in the modes people use, counting which branches
# are taken and how often; then it builds the real binary with those
# counts, laying out the hot paths (reading frames, facts, schema checks,
# the store, and the explorer's keys when tmux is installed to drive it)
# for them. The binary does the same as the plain release build, byte for
# byte; on the 1.2M-message logs it takes about 9% less CPU time (see the
# README's performance section).
#
# Logs named on the command line are loaded in training too: a build for
# the exports of one back end is best trained on some of them.
#
# It needs `llvm-profdata` of the toolchain's own LLVM (rustup's
# `llvm-tools` component, added when missing) and builds twice, in
# target/pgo/ (about four minutes on two cores).
#
#   benches/pgo.sh && target/release/ocpplens-pgo report export.csv
#   benches/pgo.sh ~/exports/*.csv        # trained on these as well
set -euo pipefail
cd "$(dirname "$0")/.."
sysroot=$(rustc --print sysroot)
host=$(rustc -vV | awk '/^host:/ {print $2}')
profdata="$sysroot/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  rustup component add llvm-tools
fi
work=$PWD/target/pgo
rm -rf "$work/profiles"
mkdir -p "$work/logs" "$work/profiles"

# training logs: a few days of 20 stations in every layout, with faults
cargo build --release --quiet --example synth
for dialect in text csv csv-de jsonl; do
  [ -f "$work/logs/train.$dialect" ] ||
    target/release/examples/synth --stations 20 --days 2 --dialect "$dialect" -o "$work/logs/train.$dialect" 2>/dev/null
done

# the instrumented build, run in the modes people use
RUSTFLAGS="-Cprofile-generate=$work/profiles" \
  cargo build --release --quiet --bin ocpplens --target-dir "$work/instrumented"
trained="$work/instrumented/release/ocpplens"
for log in "$work"/logs/train.* "$@"; do
  "$trained" report --format json "$log" >/dev/null
  "$trained" report "$log" >/dev/null
  "$trained" list --format jsonl --only-flagged "$log" >/dev/null
done
# the explorer too, when tmux is there to drive it: moves, jumps, filters,
# search, the zone, then quit (which writes its counts)
if command -v tmux >/dev/null; then
  sock=ocpplens-pgo-$$
  tmux -L "$sock" new-session -d -x 100 -y 30 "'$trained' '$work/logs/train.csv'"
  sleep 3
  for keys in j j j k PageDown PageDown G g n n N p Tab Tab Tab f f z z F F \
    a Down Enter x i Enter x X / Heartbeat Enter C-n C-p Escape End Home; do
    tmux -L "$sock" send-keys "$keys"
    sleep 0.2
  done
  tmux -L "$sock" send-keys q
  for _ in $(seq 50); do tmux -L "$sock" has-session 2>/dev/null || break; sleep 0.2; done
  tmux -L "$sock" kill-server 2>/dev/null || true
fi
"$profdata" merge -o "$work/ocpplens.profdata" "$work/profiles"

# the optimised build (code the training never ran is taken for cold:
# compiled small and set apart)
RUSTFLAGS="-Cprofile-use=$work/ocpplens.profdata -Cllvm-args=-pgo-warn-missing-function=false" \
  cargo build --release --quiet --bin ocpplens --target-dir "$work/optimised"
cp "$work/optimised/release/ocpplens" target/release/ocpplens-pgo
echo "target/release/ocpplens-pgo"
