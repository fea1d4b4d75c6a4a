# Sourced by scripts/up and scripts/test: make .venv and install waywo into it.
# Usage: source scripts/bootstrap.sh EXTRAS   (EXTRAS: "" or "test")
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "waywo needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "Creating .venv ..."
    "$python" -m venv .venv
fi

extras=${1:-}
target=.
[ -n "$extras" ] && target=".[$extras]"
stamp=".venv/.installed-${extras:-base}-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "Installing waywo${extras:+ with $extras extras} into .venv ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable "$target"
    touch "$stamp"
fi
