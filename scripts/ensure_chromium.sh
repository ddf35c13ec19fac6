#!/usr/bin/env bash
# Make sure the browser test (tests/e2e/test_console.py) has a headless
# Chromium and its driver: Debian's `chromium` and `chromium-driver`, at
# CHROMIUM (default /usr/bin/chromium) and CHROMEDRIVER (default
# /usr/bin/chromedriver). The test drives exactly these two, so selenium never
# looks for (or downloads) a browser of its own.
# Use the installed ones; else install them with apt (as root); else stop
# with a clear message. Silent when both are there. `make test` runs this;
# `make run` does not need a browser.
set -euo pipefail

chromium="${CHROMIUM:-/usr/bin/chromium}"
driver="${CHROMEDRIVER:-/usr/bin/chromedriver}"

present() { [ -x "$chromium" ] && [ -x "$driver" ]; }
# A Chinese font, so the screenshots the test keeps show the page's text
# rather than boxes (the test itself reads the DOM, not the pixels).
has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }
packages() { present || echo chromium chromium-driver; has_cjk_font || echo fonts-noto-cjk; }

present && has_cjk_font && exit 0

if ! present && [ -n "${CHROMIUM:-}${CHROMEDRIVER:-}" ]; then
  echo "CHROMIUM ($chromium) or CHROMEDRIVER ($driver) is not an executable file;" \
       "fix the variable, or unset both to use Debian's packages." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  wanted="$(packages | xargs)"
  echo "Installing $wanted with apt-get (for the browser test) ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $wanted >/dev/null
  if present; then exit 0; fi
  echo "apt-get installed chromium and chromium-driver, but $chromium or $driver is" \
       "still missing." >&2
  exit 1
fi

if present; then
  echo "No Chinese font: the browser test's screenshots will show boxes for text" \
       "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk)." >&2
  exit 0
fi

echo "The browser test needs Chromium and its driver, and they are not installed" >&2
echo "($chromium, $driver). Install them (Debian/Ubuntu:" >&2
echo "  sudo apt-get install chromium chromium-driver" >&2
echo "), or set CHROMIUM and CHROMEDRIVER to a matching pair, and run this again." >&2
exit 1
