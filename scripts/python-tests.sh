#!/usr/bin/env bash
# Tests of the Python hand-off package (python/, pref_data): builds the release `pref` the
# tests drive, makes a virtualenv, installs ./python with its test extras, runs pytest.
# Extra arguments go to pytest. Exit status is pytest's, except that "no tests collected"
# (pytest's 5) fails too unless PYTHON_TESTS_ALLOW_EMPTY=1 (e.g. a deliberate -k filter).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pref 2>&1 | tail -1
VENV="${PYTHON_TESTS_VENV:-$(pwd)/.venv-python-tests}"
if ! python3 -m venv "$VENV" 2>/dev/null; then
    # Debian/Ubuntu ship venv separately.
    SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"

# PyTorch's CPU build: a wheel from PIP_FIND_LINKS or /opt/wheels when one is there (PyPI's
# default torch is the CUDA build, gigabytes larger); PyPI's torch otherwise.
links=()
for dir in "${PIP_FIND_LINKS:-}" /opt/wheels; do
    if [ -n "$dir" ] && [ -d "$dir" ]; then links=(--find-links "$dir"); break; fi
done
if ! "$PY" -c "import torch" 2>/dev/null; then
    wheel=""
    if [ ${#links[@]} -gt 0 ]; then wheel=$(ls "${links[1]}"/torch-*.whl 2>/dev/null | sort -V | tail -1 || true); fi
    "$PY" -m pip install -q "${links[@]}" "${wheel:-torch}"
fi
"$PY" -m pip install -q "${links[@]}" "./python[test]"

status=0
PREF_BIN="$(pwd)/.build/release/pref" "$PY" -m pytest python/tests "$@" || status=$?
if [ "$status" -eq 5 ] && [ "${PYTHON_TESTS_ALLOW_EMPTY:-0}" != 1 ]; then
    echo "python-tests: pytest collected no tests (exit 5); set PYTHON_TESTS_ALLOW_EMPTY=1 if that is intended" >&2
    exit 1
fi
[ "$status" -eq 5 ] && exit 0
exit "$status"
