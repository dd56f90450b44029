#!/bin/sh
# Create the virtual environment; on Debian/Ubuntu the venv module may need python3-venv.
set -eu
python="$1"
venv="$2"
if "$python" -m venv "$venv" 2>/dev/null; then
    exit 0
fi
rm -rf "$venv"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "Installing python${version}-venv with apt-get ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${version}-venv" || \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$python" -m venv "$venv"
    exit 0
fi
echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)." >&2
exit 1
