#!/bin/sh
# The browser tests drive Debian's chromium through Playwright. Install it when missing
# (as root, with apt-get); otherwise say loudly that the browser tests will be skipped.
set -u
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium and CJK fonts with apt-get for the browser tests ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null \
        && exit 0
fi
echo "############################################################################" >&2
echo "# WARNING: /usr/bin/chromium is not available and could not be installed.  #" >&2
echo "# The browser tests will be SKIPPED. Install it: apt-get install chromium  #" >&2
echo "############################################################################" >&2
exit 0
