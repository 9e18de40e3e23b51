#!/usr/bin/env bash
# Installs the Debian packages vgrad builds with, only those missing; silent when none are.
set -euo pipefail
need=(g++ make libopenblas-openmp-dev libdnnl-dev doctest-dev libcli11-dev libstb-dev zlib1g-dev nlohmann-json3-dev
      libeigen3-dev libspectra-dev)
# `tools/scripts/deps.sh fuzz` adds what `make fuzz` needs: clang with libFuzzer and its OpenMP.
[ "${1:-}" = fuzz ] && need+=(clang libclang-rt-14-dev libomp-dev)
# `tools/scripts/deps.sh format` adds clang-format, for `make format` and `make format-check`.
[ "${1:-}" = format ] && need+=(clang-format)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
