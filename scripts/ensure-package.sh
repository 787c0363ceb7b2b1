#!/usr/bin/env bash
# Install a Debian package when the program it provides is missing.
#   scripts/ensure-package.sh PACKAGE [PROGRAM]   # PROGRAM defaults to PACKAGE
# Why one script: PostgreSQL, Redis and HAProxy are installed the same way (as root, from
# Debian's archive, updating the package lists only when the first try fails), and a user who
# is not root gets the command to run instead.
set -euo pipefail
package="$1"
program="${2:-$1}"
if command -v "$program" >/dev/null 2>&1 || [ -x "$program" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$package is not installed. Install it with: sudo apt-get install $package" >&2
  exit 1
fi
echo "Installing $package (Debian package)..." >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package" >&2 \
  || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
       apt-get install -y -q --no-install-recommends "$package" >&2; }
