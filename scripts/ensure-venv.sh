#!/usr/bin/env bash
# Create the virtual environment; on a bare Debian, first install python3-venv with apt.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
[ -x "$venv/bin/python" ] && exit 0
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  echo "python3 -m venv failed: installing Debian's python3-venv" >&2
  "$(dirname "$0")/apt-install.sh" python3-venv
  "$python" -m venv "$venv"
fi
