#!/usr/bin/env bash
# Quick start: install what Helpdesk needs, build it, and start it on the
# default local helpdesk file, creating that file on first run.
set -euo pipefail
cd "$(dirname "$0")/.."

build-aux/deps.sh
[ -d _build ] || meson setup _build --buildtype=debugoptimized -Dprofile=development
meson compile -C _build

cli=_build/src/cli/helpdesk-cli
db=$("$cli" path)
if [ ! -e "$db" ]; then
  "$cli" init --name "My Office"
fi

# Run from the build tree: the settings schema is compiled there.
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
exec _build/src/helpdesk "$db"
