#!/usr/bin/env bash
# Whole-program scale figures: wall time and peak memory of
# `ocpplens report --format json` on logs of 100k, 1M and 3M messages made by
# the project's own generator (examples/synth.rs), text and CSV layouts, and
# the same for lnav indexing the file when lnav is installed
# (`lnav -n -c ';SELECT count(*) FROM all_logs' FILE`).
#
#   benches/scale.sh            # all sizes
#   SIZES="1000000" benches/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin ocpplens --example synth
work=${WORK:-$(mktemp -d)}
sizes=${SIZES:-"100000 1000000 3000000"}
bin=target/release/ocpplens
synth=target/release/examples/synth
measure() { # prints "seconds MB"
  /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/time" || true
  tail -n 1 "$work/time" | awk '{printf "%s %.0f\n", $1, $2/1024}'
}
printf '%-8s %-6s %10s %12s %14s %14s %12s %12s\n' layout size messages "ocpplens s" "ocpplens MB" "lnav s" "lnav MB" "time ratio"
for n in $sizes; do
  # about 2,380 messages per station and day at the generator's defaults
  days=20
  stations=$(( (n + 23800) / 47600 ))
  [ "$stations" -ge 1 ] || stations=1
  for layout in text csv; do
    f="$work/log-$n.$layout"
    [ -f "$f" ] || "$synth" --stations "$stations" --days "$days" --dialect "$layout" -o "$f" 2>/dev/null
    msgs=$("$bin" report --format json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["messages"])')
    read -r ot om < <(measure "$bin" report --format json "$f")
    if command -v lnav >/dev/null; then
      read -r lt lm < <(measure lnav -n -c ';SELECT count(*) FROM all_logs' "$f")
      ratio=$(awk -v a="$ot" -v b="$lt" 'BEGIN{printf "%.2f", a/b}')
    else
      lt=-; lm=-; ratio=-
    fi
    printf '%-8s %-6s %10s %12s %14s %14s %12s %12s\n' "$layout" "$n" "$msgs" "$ot" "$om" "$lt" "$lm" "$ratio"
  done
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -m)"
