#!/usr/bin/env bash
# Quick start: install what the tests need, build, and run every test
# headless (a private D-Bus session bus and an X server in memory).
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/deps.sh --tests

builddir=_build-test
# The same options as the Flatpak manifest, plus warnings as errors.
if [ -d "$builddir" ]; then
  meson setup --reconfigure "$builddir" --buildtype=debugoptimized -Dprofile=development -Dwerror=true
else
  meson setup "$builddir" --buildtype=debugoptimized -Dprofile=development -Dwerror=true
fi
meson compile -C "$builddir"

status=0
dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' \
  meson test -C "$builddir" --print-errorlogs "$@" || status=$?

# One closing line that any reader of the log can count.
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as log:
    for line in log:
        result = json.loads(line)["result"]
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"meson: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
