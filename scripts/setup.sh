#!/usr/bin/env bash
# Installs what Swiftgate needs to build (and, with --lab, to run its lab tests) on Debian 12.
# As root it runs apt-get; otherwise it says which packages are missing and how to install them.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
here=$(cd "$(dirname "$0")" && pwd)

# openssl: the CLI makes the throwaway CAs and PKCS#12 files of the SecureChannel tests.
# libsecret-1-dev: saved passwords in the Secret Service (the CSecret target).
build_packages=(pkg-config libssl-dev libncursesw5-dev libsqlite3-dev libqrencode-dev libsecret-1-dev openssl)
missing=()
for pkg in "${build_packages[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
	if ((EUID != 0)); then
		echo "setup: missing build packages: ${missing[*]}" >&2
		echo "setup: fix: sudo apt-get install -y ${missing[*]}   (or run 'sudo make test')" >&2
		exit 1
	fi
	echo "setup: installing ${missing[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
	echo "setup: no Swift toolchain on PATH: install Swift 6.1 or newer (swift.org) and add its bin to PATH" >&2
	exit 1
fi

if [[ ${1:-} == --lab ]]; then
	if ((EUID == 0)); then
		"$here/lab/lab.sh" install
	else
		echo "setup: not root: the lab (ocserv in network namespaces) is not installed; lab tests will be skipped" >&2
	fi
fi
