#!/usr/bin/env bash
# ocpplens against lnav, on the same machine in the same run.
#
# For each size, the project's own generator (examples/synth.rs) writes the
# same messages as a text log and as a CSV export; then
#   - `ocpplens report --format json FILE` and
#   - `lnav -n -c ';SELECT count(*) FROM all_logs' FILE` (when lnav is installed)
# are timed (wall seconds, peak RSS in MB, best of $RUNS runs, the file read
# once before each so that it is in the page cache) and the ratios
# printed (ocpplens / lnav; the targets are time ≤ 0.5 and memory ≤ 1.0).
# With tmux installed it also measures the explorer's first frame (the time
# from start until the screen shows something: the loading bar or the list)
# and its peak memory once the whole file is loaded and listed ("tui MB").
#
# With PGO=1 it times the profile-guided build of benches/pgo.sh instead
# of the plain release build.
#
#   benches/compare.sh                       # 100k, 1.2M and 3M messages
#   SIZES="1200000" RUNS=3 benches/compare.sh
#   PGO=1 benches/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin ocpplens --example synth
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
sizes=${SIZES:-"100000 1200000 3000000"}
runs=${RUNS:-2}
bin=$PWD/target/release/ocpplens
if [ "${PGO:-0}" = 1 ]; then
  benches/pgo.sh >/dev/null
  bin=$PWD/target/release/ocpplens-pgo
fi
synth=target/release/examples/synth

best() { # best of $runs: prints "seconds MB"
  local out=""
  for _ in $(seq "$runs"); do
    # the file (the last argument) read first, so that every run finds it
    # in the page cache even when the machine evicts it between runs
    cat "${@: -1}" >/dev/null
    /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/time" || true
    out+=$(tail -n 1 "$work/time" | awk '{printf "%s %.0f\n", $1, $2/1024}')$'\n'
  done
  printf '%s' "$out" | sort -n | head -n 1
}

first_frame() { # milliseconds until the explorer has drawn anything, or "-"
  command -v tmux >/dev/null || { echo -; return; }
  local s=ocpplens-first-frame-$$ t0 t1
  tmux kill-session -t "$s" 2>/dev/null || true
  t0=$(date +%s%N)
  tmux new-session -d -s "$s" -x 100 -y 30 "$bin $1"
  until tmux capture-pane -p -t "$s" 2>/dev/null | grep -qE 'loading|Messages'; do
    sleep 0.005
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 10000 ] || break
  done
  t1=$(date +%s%N)
  tmux send-keys -t "$s" q 2>/dev/null || true
  sleep 0.2
  tmux kill-session -t "$s" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}

explorer_mb() { # peak MB of the explorer once it has loaded the file and drawn the list, or "-"
  command -v tmux >/dev/null || { echo -; return; }
  local s=ocpplens-explorer-mem-$$ pid t0
  tmux kill-session -t "$s" 2>/dev/null || true
  tmux new-session -d -s "$s" -x 100 -y 30 "$bin $1"
  pid=$(tmux list-panes -t "$s" -F '#{pane_pid}')
  # the pane's shell may have started ocpplens as its child
  pid=$(pgrep -P "$pid" -x ocpplens || echo "$pid")
  t0=$(date +%s)
  # loaded: the list's title counts the messages shown ("Messages 1194917/1194917")
  until tmux capture-pane -p -t "$s" 2>/dev/null | grep -qE "Messages [0-9]+/$2"; do
    sleep 0.1
    [ $(( $(date +%s) - t0 )) -lt 120 ] || break
  done
  sleep 0.5
  awk '/VmHWM/{printf "%.0f\n", $2/1024}' "/proc/$pid/status" 2>/dev/null || echo -
  tmux send-keys -t "$s" q 2>/dev/null || true
  sleep 0.2
  tmux kill-session -t "$s" 2>/dev/null || true
}

printf '%-6s %9s %9s %9s %9s %9s %9s %9s %9s %9s %8s\n' \
  layout messages "ocp s" "ocp MB" "lnav s" "lnav MB" "time x" "mem x" "1st ms" "tui MB" "MB/file"
for n in $sizes; do
  # about 2,380 messages per station and day at the generator's defaults; 20 stations
  days=$(awk -v n="$n" 'BEGIN{d=n/(20*2380); if (d<0.1) d=0.1; printf "%.2f", d}')
  for layout in text csv; do
    f="$work/log-$n.$layout"
    [ -f "$f" ] || "$synth" --stations 20 --days "$days" --dialect "$layout" -o "$f" 2>/dev/null
    msgs=$("$bin" report --format json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["messages"])')
    read -r ot om < <(best "$bin" report --format json "$f")
    if command -v lnav >/dev/null; then
      read -r lt lm < <(best lnav -n -c ';SELECT count(*) FROM all_logs' "$f")
      tr=$(awk -v a="$ot" -v b="$lt" 'BEGIN{printf "%.2f", a/b}')
      mr=$(awk -v a="$om" -v b="$lm" 'BEGIN{printf "%.2f", a/b}')
    else
      lt=-; lm=-; tr=-; mr=-
    fi
    ff=$(first_frame "$f")
    tm=$(explorer_mb "$f" "$msgs")
    size=$(awk -v b="$(stat -c %s "$f")" 'BEGIN{printf "%.0f", b/1048576}')
    printf '%-6s %9s %9s %9s %9s %9s %9s %9s %9s %9s %8s\n' "$layout" "$msgs" "$ot" "$om" "$lt" "$lm" "$tr" "$mr" "$ff" "$tm" "$size"
  done
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -m), $(lnav -V 2>/dev/null | head -n 1 || echo 'no lnav')"
