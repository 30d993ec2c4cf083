#!/usr/bin/env bash
# Two builds of ocpplens against each other on one file: paired runs.
#
# This machine's speed drifts by 10% and more within minutes, so a change
# is judged by runs of the old and the new binary side by side (in turn,
# the order swapped every round), and by the median of the per-round
# ratios, not by two separate timings. Prints each binary's median wall
# and CPU seconds (user + system) and the median ratio new/old.
#
#   benches/ab.sh OLD_BIN NEW_BIN FILE [ROUNDS]     # ROUNDS defaults to 20
set -euo pipefail
old=$1 new=$2 file=$3 rounds=${4:-20}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cat "$file" >/dev/null # in the page cache for every run
run() { # prints "wall cpu" of one run
  /usr/bin/time -f "%e %U %S" "$1" report --format json "$file" 2>&1 >/dev/null | tail -n 1 | awk '{print $1, $2 + $3}'
}
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 0 ]; then
    read -r ow oc < <(run "$old"); read -r nw nc < <(run "$new")
  else
    read -r nw nc < <(run "$new"); read -r ow oc < <(run "$old")
  fi
  echo "$ow $oc $nw $nc" >>"$out"
done
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
printf 'old  wall %.3f s  cpu %.3f s\n' "$(cut -d' ' -f1 "$out" | median)" "$(cut -d' ' -f2 "$out" | median)"
printf 'new  wall %.3f s  cpu %.3f s\n' "$(cut -d' ' -f3 "$out" | median)" "$(cut -d' ' -f4 "$out" | median)"
printf 'new/old  wall %.3f  cpu %.3f  (medians of %d paired ratios)\n' \
  "$(awk '{print $3/$1}' "$out" | median)" "$(awk '{print $4/$2}' "$out" | median)" "$rounds"
