#!/bin/sh
# Install the Debian packages tmaccel needs, idempotently: only what is missing
# is installed, so a second run is a no-op that needs no network.
#
# An argument "pkg|cmd" installs pkg only if the command cmd is not already on
# PATH: Node.js and npm may come from elsewhere than Debian on a build machine,
# and Debian's npm cannot be installed beside such a Node.js.
set -eu
missing=
for arg in "$@"; do
	p=${arg%%|*}
	if [ "$p" != "$arg" ] && command -v "${arg#*|}" >/dev/null 2>&1; then
		continue
	fi
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
