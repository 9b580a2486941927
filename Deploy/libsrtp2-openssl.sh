#!/usr/bin/env bash
# Builds libsrtp2 on OpenSSL, for ivrd to load instead of Debian's build on NSS (Benchmarks/README.md,
# "SRTP on OpenSSL"): the same release Debian 12 ships (2.5.0, from Debian's own source tarball, checked
# against its SHA-256), configured with --enable-openssl. Same soname and ABI, so no rebuild of ivrd:
# point the loader at it (systemd: Environment=LD_LIBRARY_PATH=<dir>; ivrd's start-up line names the
# libsrtp2 it loaded). About 45 % fewer instructions per SRTP packet with AEAD_AES_128_GCM.
#
# Usage: Deploy/libsrtp2-openssl.sh [install-dir]   (default /usr/local/lib/ivrd-srtp)
# Needs a C compiler, make and libssl-dev. The tarball is kept beside this script (third_party/, so the
# build needs no network); LIBSRTP_TARBALL=<file> names another copy; without either it is downloaded.
set -euo pipefail
dest=${1:-/usr/local/lib/ivrd-srtp}
url=https://deb.debian.org/debian/pool/main/libs/libsrtp2/libsrtp2_2.5.0.orig.tar.gz
sha256=8a43ef8e9ae2b665292591af62aa1a4ae41e468b6d98d8258f91478735da4e09
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=${LIBSRTP_TARBALL:-$(dirname "$0")/third_party/libsrtp2_2.5.0.orig.tar.gz}
if [ -f "$tarball" ]; then
  cp "$tarball" "$work/src.tar.gz"
else
  curl -fsSL --retry 3 -o "$work/src.tar.gz" "$url"
fi
echo "$sha256  $work/src.tar.gz" | sha256sum -c --quiet - || { echo "libsrtp2 tarball: SHA-256 mismatch" >&2; exit 1; }
tar xzf "$work/src.tar.gz" -C "$work"
cd "$work/libsrtp-2.5.0"
cc=${CC:-$(command -v cc || command -v clang)}
CC="$cc" ./configure --enable-openssl --prefix="$work/prefix" > "$work/configure.log" 2>&1 \
  || { tail -20 "$work/configure.log" >&2; exit 1; }
make -j"$(nproc)" shared_library > "$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; exit 1; }
mkdir -p "$dest"
install -m 0644 libsrtp2.so.1 "$dest/libsrtp2.so.1"
echo "$dest/libsrtp2.so.1"
