#!/usr/bin/env bash
# Check po/POTFILES.in against the tree (modelled on nautilus'
# build-aux/check-potfiles.sh):
#  - every file with translatable strings is listed (or in po/POTFILES.skip);
#  - every listed file exists;
#  - the list is sorted (LC_ALL=C) and has no duplicates.
#
# Usage: check-potfiles.sh [SOURCE_ROOT]
# SOURCE_ROOT defaults to the parent of the folder holding this script.

set -euo pipefail
export LC_ALL=C

srcroot=${1:-"$(dirname "$(readlink -f "$0")")/.."}
cd "$srcroot"

potfiles=po/POTFILES.in
skipfile=po/POTFILES.skip

if [[ ! -f $potfiles ]]; then
  echo "check-potfiles: $PWD/$potfiles does not exist" >&2
  exit 1
fi

# Non-comment, non-blank lines of a POTFILES-style list, trailing blanks dropped.
read_list() {
  [[ -f $1 ]] || return 0
  sed -e 's/[[:space:]]*$//' -e '/^#/d' -e '/^$/d' "$1"
}

# Files that contain strings for translators: gettext calls and macros from
# <glib/gi18n.h> in C, translatable properties in GtkBuilder files, and the
# desktop entry, metainfo and GSettings schemas in data/.
translatable_files() {
  local c_calls='(^|[^[:alnum:]_])(_|N_|C_|NC_|Q_|gettext|ngettext|dgettext|dngettext|g_dgettext|g_dngettext|g_dpgettext|g_dpgettext2)[[:space:]]*\('
  local ui_props='translatable=["'\''](yes|true|1)["'\'']'
  local dirs=()

  for d in src ui; do
    [[ -d $d ]] && dirs+=("$d")
  done
  if (( ${#dirs[@]} )); then
    grep -rlE --include='*.c' --include='*.h' "$c_calls" "${dirs[@]}" || true
    grep -rlE --include='*.ui' "$ui_props" "${dirs[@]}" || true
  fi
  if [[ -d data ]]; then
    find data -type f \( -name '*.desktop.in' -o -name '*.metainfo.xml.in' \
                         -o -name '*.gschema.xml' \)
  fi
}

declare -A listed=() skipped=()
mapfile -t entries < <(read_list "$potfiles")
for f in "${entries[@]}"; do listed[$f]=1; done
while IFS= read -r f; do skipped[$f]=1; done < <(read_list "$skipfile")

missing=() vanished=()
while IFS= read -r f; do
  [[ -n ${listed[$f]:-} || -n ${skipped[$f]:-} ]] || missing+=("$f")
done < <(translatable_files | sort -u)
for f in "${entries[@]}"; do
  [[ -f $f ]] || vanished+=("$f")
done

status=0

if (( ${#missing[@]} )); then
  echo "These files have translatable strings but are missing from $potfiles:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "Add them (keep the list sorted), or to $skipfile if they must not be translated." >&2
  status=1
fi

if (( ${#vanished[@]} )); then
  echo "$potfiles names files that do not exist:" >&2
  printf '  %s\n' "${vanished[@]}" >&2
  status=1
fi

if ! printf '%s\n' "${entries[@]}" | sort -c -u 2>/dev/null; then
  echo "$potfiles is not sorted (LC_ALL=C sort -u) or has duplicates; expected order:" >&2
  printf '%s\n' "${entries[@]}" | sort -u | sed 's/^/  /' >&2
  status=1
fi

exit $status
