#!/bin/sh
# Installs Python's gymnasium 1.x for the Gymnasium process bridge (GymnasiumEnvironment) and its
# tests. Idempotent: does nothing when a 1.x gymnasium is already importable.
# PYTHON=/path/to/python3 selects the interpreter (default: python3 on PATH).
set -eu
PYTHON="${PYTHON:-python3}"
if "$PYTHON" -c 'import gymnasium, sys; sys.exit(0 if gymnasium.__version__.startswith("1.") else 1)' 2>/dev/null; then
    echo "gymnasium $("$PYTHON" -c 'import gymnasium; print(gymnasium.__version__)') already installed for $PYTHON"
    exit 0
fi
"$PYTHON" -m pip install --user 'gymnasium>=1.0,<2' \
    || "$PYTHON" -m pip install --user --break-system-packages 'gymnasium>=1.0,<2'
"$PYTHON" -c 'import gymnasium; print("gymnasium", gymnasium.__version__, "installed")'
