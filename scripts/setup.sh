#!/usr/bin/env bash
# Create the virtual environment and install everything the project needs to build and test.
# torch is pinned to the local CPU wheel (pyproject.toml says torch==2.13.0); no browser is downloaded:
# the browser tests use Debian's chromium, installed here when missing and running as root.
set -euo pipefail
PYTHON="${1:-python3.11}"
VENV="${2:-.venv}"

command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "setup: Python 3.11 is required (tried $PYTHON)" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# torch first and exactly, so nothing later can resolve a different (CUDA) build
"$VENV/bin/python" -m pip install --quiet "torch==2.13.0"
"$VENV/bin/python" -m pip install --quiet -e ".[dev,cluster]"

# The plotly.js partial bundles the site serves and ESLint, which `make lint` runs (package.json pins them;
# package-lock.json holds their hashes). Without npm the site still builds: every page then loads plotly.py's full bundle.
if command -v npm >/dev/null 2>&1; then
  npm ci --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error
else
  echo "setup: npm not found; the site will serve plotly.js's full bundle on every page that draws" \
       "(install Node.js and npm, then run 'make setup' again, for the smaller bundles)" >&2
fi

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install ${need_apt[*]} (Debian: sudo apt-get install ${need_apt[*]});" \
         "browser tests and CJK rendering need them" >&2
  fi
fi

if command -v quarto >/dev/null 2>&1; then
  echo "setup: found Quarto $(quarto --version)"
else
  echo "setup: Quarto not found. 'make site', 'make pdf' and 'make slides' need it:" \
       "install it from https://quarto.org/docs/get-started/ (or 'pip install quarto-cli' on a machine" \
       "with internet). Everything else works without it." >&2
fi
echo "setup: done. Run 'make test'."
