#!/usr/bin/env bash
# Installs Python's Gymnasium (pinned) for the interpreter the framework uses (python3 on PATH,
# or $PYTHON): the Gymnasium bridge (GymnasiumEnvironment) and its tests use it, and
# scripts/generate_gym_fixtures.py regenerates the parity fixtures with it. Idempotent: a second
# run finds the pinned version installed and does nothing more.
#
#   scripts/install_gymnasium.sh
#   scripts/install_gymnasium.sh --mujoco     # also MuJoCo (gymnasium[mujoco]): Hopper-v5, InvertedPendulum-v5, ...
#   python3 scripts/generate_gym_fixtures.py
#
# The parity fixtures in Tests/EnvsTests/Fixtures were made with gymnasium 1.2.2 and numpy 2.4.6;
# NumPy 2's scalar promotion rules (NEP 50) matter for MountainCarContinuous, whose state is float32.
set -euo pipefail

GYMNASIUM_VERSION="1.2.2"
python_bin="${PYTHON:-python3}"
mujoco=0
for argument in "$@"; do
    case "$argument" in
        --mujoco) mujoco=1 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "install_gymnasium.sh: unknown argument $argument (use --mujoco or nothing)" >&2; exit 2 ;;
    esac
done
package="gymnasium==$GYMNASIUM_VERSION"
[ "$mujoco" = 1 ] && package="gymnasium[mujoco]==$GYMNASIUM_VERSION"

if ! command -v "$python_bin" >/dev/null 2>&1; then
    echo "no $python_bin on PATH: install Python 3 (3.10 or later) or set PYTHON=/path/to/python3" >&2
    exit 1
fi

installed() {
    "$python_bin" -c 'import sys, gymnasium, numpy; sys.exit(0 if gymnasium.__version__ == sys.argv[1] and int(numpy.__version__.split(".")[0]) >= 2 else 1)' \
        "$GYMNASIUM_VERSION" 2>/dev/null || return 1
    if [ "$mujoco" = 1 ]; then "$python_bin" -c 'import mujoco' 2>/dev/null || return 1; fi
}

if installed; then
    echo "gymnasium $GYMNASIUM_VERSION$([ "$mujoco" = 1 ] && echo ' with MuJoCo') already installed for $("$python_bin" -c 'import sys; print(sys.executable)')"
    exit 0
fi

echo "installing $package (and numpy>=2) for $python_bin"
pip_install=("$python_bin" -m pip install --quiet --disable-pip-version-check)
if "$python_bin" -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else 1)'; then
    "${pip_install[@]}" "$package" "numpy>=2"          # inside a virtual environment
else
    "${pip_install[@]}" --user "$package" "numpy>=2" \
        || "${pip_install[@]}" --user --break-system-packages "$package" "numpy>=2"
fi
installed || { echo "installation did not give $package" >&2; exit 1; }
echo "gymnasium $GYMNASIUM_VERSION installed for $("$python_bin" -c 'import sys; print(sys.executable)')"
