#!/usr/bin/env bash
# Installs Helpdesk's build dependencies from Debian 12 packages.
#   build-aux/deps.sh          what building and running needs
#   build-aux/deps.sh --tests  that, plus what the tests need
set -euo pipefail

packages=(
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin
  libsqlite3-dev libjson-glib-dev
  libgtk-4-dev libadwaita-1-dev libnotify-dev libmd4c-dev
  libgmime-3.0-dev libxml2-dev   # the mail floor: MIME, and HTML-only mail read as text
  desktop-file-utils appstream
  # Mail: libcurl speaks IMAP and SMTP, libsecret keeps the password. The
  # GnuTLS flavour of libcurl: the TLS library GLib's own networking and
  # the rest of the GNOME desktop use, with the system's trust store.
  libcurl4-gnutls-dev libsecret-1-dev
  libgoa-1.0-dev   # optional (-Dgoa=auto): the mailbox signs in with GNOME Online Accounts
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    xvfb xauth dbus dbus-x11   # the gui suite runs headless on a session bus
    xdotool                    # bench-window presses keys in the real window
    flatpak-builder            # checks the Flatpak manifest
    sqlite3                    # fixtures are read and written with it by hand
    bindfs fuse3               # the fault suite mounts one folder twice: two "machines"
    dunst dbus-bin             # a real notification server, and dbus-monitor to watch it
    dovecot-imapd openssl      # the mail suite's IMAP server and its certificate
    python3-aiosmtpd           # the mail suite's SMTP sink (installs without questions, unlike postfix)
    gnome-keyring              # the keyring the mail password is kept in, under test
    python3-dbusmock           # GNOME Online Accounts played on the tests' own bus
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
