#!/usr/bin/env bash
# Flags source files over 400 lines: each file should read in one sitting (tinygrad's sz.py
# idea). Exits 1 when any is over.
set -euo pipefail
cd "$(dirname "$0")/../.."
limit=${LIMIT:-400}
over=0
while IFS= read -r f; do
  n=$(wc -l < "$f")
  if [ "$n" -gt "$limit" ]; then echo "check: $f has $n lines (limit $limit)"; over=1; fi
done < <(git ls-files '*.cpp' '*.h' '*.sh' '*.py')
[ "$over" -eq 0 ] && echo "check: every source file is within $limit lines"
exit $over
