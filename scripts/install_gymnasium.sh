#!/usr/bin/env bash
# Installs Python's Gymnasium (pinned) into a virtual environment at .venv-gym in the
# repository root, for scripts/generate_gym_fixtures.py. Idempotent: a second run finds the
# pinned versions already installed and does nothing more. Prints the interpreter to use.
#
#   scripts/install_gymnasium.sh            # creates or checks .venv-gym
#   .venv-gym/bin/python scripts/generate_gym_fixtures.py
#
# The parity fixtures in Tests/EnvsTests/Fixtures were made with these versions; NumPy 2's
# scalar promotion rules (NEP 50) matter for MountainCarContinuous, whose state is float32.
set -euo pipefail

GYMNASIUM_VERSION="1.2.2"
NUMPY_VERSION="2.4.6"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${MBRL_GYM_VENV:-$root/.venv-gym}"
python_bin="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "creating virtual environment $venv"
    "$python_bin" -m venv "$venv"
fi

installed() {
    "$venv/bin/python" - "$GYMNASIUM_VERSION" "$NUMPY_VERSION" <<'PY' 2>/dev/null
import sys
import gymnasium, numpy
sys.exit(0 if (gymnasium.__version__, numpy.__version__) == (sys.argv[1], sys.argv[2]) else 1)
PY
}

if installed; then
    echo "gymnasium $GYMNASIUM_VERSION and numpy $NUMPY_VERSION already installed"
else
    echo "installing gymnasium==$GYMNASIUM_VERSION numpy==$NUMPY_VERSION into $venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "gymnasium==$GYMNASIUM_VERSION" "numpy==$NUMPY_VERSION"
    installed || { echo "installation did not give the pinned versions" >&2; exit 1; }
fi

echo "python with gymnasium: $venv/bin/python"
