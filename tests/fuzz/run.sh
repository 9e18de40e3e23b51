#!/usr/bin/env bash
# Runs each fuzz target for a bounded time and prints one line per target; exits 1 if any
# target crashed. Usage: tests/fuzz/run.sh OUT SECONDS TARGET...  (called by `make fuzz`)
# A target is one single-threaded process, so FUZZ_JOBS of them (default: one per core) run
# side by side: each still has a core for its SECONDS, and CI waits half as long on 2 cores.
set -uo pipefail
out=$1 secs=$2; shift 2
jobs=${FUZZ_JOBS:-$(nproc)}

fuzz_one() {
  local t=$1
  mkdir -p "$out/corpus/$t" "$out/crashes/$t"
  # New inputs go to corpus/$t (kept between runs); seeds/$t is only read.
  "$out/fuzz_$t" "$out/corpus/$t" "$out/seeds/$t" -max_total_time="$secs" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t/" >"$out/$t.log" 2>&1
  echo $? >"$out/$t.rc"
}

for t in "$@"; do
  rm -f "$out/$t.rc"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  fuzz_one "$t" &
done
wait

# The report in the targets' order, whatever order they finished in.
failed=0
for t in "$@"; do
  log="$out/$t.log"
  rc=$(cat "$out/$t.rc" 2>/dev/null || echo 1)
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  crash=$(grep -o "Test unit written to [^ ]*" "$log" | tail -1 | sed 's/.* to //')
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz: $t: CRASH after ${execs:-?} executions, cov ${cov:-?}: ${crash:-see $log}"
    grep -m1 -E 'ERROR|runtime error|invariant broken|terminate|==[0-9]+==' "$log" | sed 's/^/      /'
  else
    echo "fuzz: $t: ${execs:-?} executions, cov ${cov:-?}, 0 crashes"
  fi
done
[ $failed -eq 0 ] || echo "fuzz: reproduce with $out/fuzz_TARGET FILE; see tests/fuzz/README.md" >&2
exit $failed
