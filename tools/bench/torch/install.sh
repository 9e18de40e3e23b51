#!/bin/sh
# Installs Debian's python3-torch, python3-numpy and python3-scipy for the
# PyTorch reference scripts in tools/bench/torch/. Silent no-op when all are present.
set -e
PY=/usr/bin/python3
missing=""
for pair in torch:python3-torch numpy:python3-numpy scipy:python3-scipy; do
    mod=${pair%%:*}; pkg=${pair#*:}
    if ! "$PY" -c "import $mod" >/dev/null 2>&1; then
        missing="$missing $pkg"
    fi
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
echo "tools/bench/torch/install.sh: installing$missing (apt-get)" >&2
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
