#!/usr/bin/env bash
# Builds the psyscore container image (deploy/image/Containerfile) from a
# built binary, with buildah, into an OCI archive: no registry, no daemon.
#
#   deploy/image/build.sh BINARY OUTPUT_DIR
#   deploy/image/build.sh build/release/cli/psyscore build/image   # what `make image` runs
#
# OUTPUT_DIR/psyscore.oci.tar is the image (an OCI image layout in a tar,
# named psyscore:VERSION); OUTPUT_DIR/context/ is what it was built from:
# rootfs/ with the binary at /usr/local/bin/psyscore, every shared library
# ldd names at the path ldd names, glibc's iconv modules (below), the bundled
# instruments at /usr/local/share/psyscore/instruments (where the binary
# looks beside itself), /etc/passwd and /etc/group with the user psyscore
# (65532), and an empty /tmp (the Excel output writes its workbook there).
#
# buildah keeps its storage in OUTPUT_DIR/storage (vfs: no overlay mounts,
# which a container or a sandbox may not allow) and removes it at the end;
# the image has no RUN step, so no runtime is started (--isolation chroot
# only matters if one is added). Files get the time of the last commit
# (SOURCE_DATE_EPOCH overrides it), so the same binary gives the same layer.
#
# Needs buildah (Debian's package; `make image-deps` installs it). It runs
# as root here; as another user buildah runs rootless, which needs
# subordinate ids for that user in /etc/subuid and /etc/subgid.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BINARY OUTPUT_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
binary="$(readlink -f "$1")"
mkdir -p "$2"
out="$(cd "$2" && pwd)"

if [[ ! -x "$binary" ]]; then
  echo "build.sh: no psyscore binary at $1 (run 'make build')" >&2
  exit 1
fi
if ! command -v buildah >/dev/null; then
  echo "build.sh: buildah not found; install it (make image-deps, or apt-get install buildah)" >&2
  exit 1
fi

version="$("$binary" --version)"
revision="$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo unknown)"
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || date +%s)}"
tag="localhost/psyscore:$version"
archive="$out/psyscore.oci.tar"

# --- The root file system --------------------------------------------------
umask 022
context="$out/context"
rootfs="$context/rootfs"
rm -rf "$context"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/share/psyscore/instruments" "$rootfs/etc"
install -m 0755 "$binary" "$rootfs/usr/local/bin/psyscore"
install -m 0644 "$source_dir"/instruments/*.json "$rootfs/usr/local/share/psyscore/instruments/"

# Every library the dynamic loader would load, the loader itself included,
# at the path it is loaded from ("libfoo.so.1 => /lib/.../libfoo.so.1 (...)",
# "/lib64/ld-linux-x86-64.so.2 (...)"); the vDSO is the kernel's.
libraries="$(ldd "$binary")"
if grep -q 'not found' <<<"$libraries"; then
  echo "build.sh: $binary needs libraries that are not installed:" >&2
  grep 'not found' <<<"$libraries" >&2
  exit 1
fi
while read -r library; do
  mkdir -p "$rootfs$(dirname "$library")"
  install -m 0755 "$(readlink -f "$library")" "$rootfs$library"
done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$libraries" | sort -u)
# ReadStat hands SPSS, Stata and SAS files written in another encoding
# (Windows-1252, Latin-1, Shift JIS: Stata before 14, most SAS files) to
# iconv, and glibc's iconv loads its converters from gconv/ beside libc at
# run time, which ldd cannot see. Without them such a file is refused with
# "unsupported character set".
libc="$(awk '$1 == "libc.so.6" {print $3}' <<<"$libraries")"
gconv="$(dirname "$(readlink -f "$libc")")/gconv"
if [[ ! -f "$gconv/gconv-modules" ]]; then
  echo "build.sh: no iconv modules at $gconv" >&2
  exit 1
fi
mkdir -p "$rootfs$(dirname "$gconv")"
cp -R "$gconv" "$rootfs$gconv"
chmod -R u=rwX,go=rX "$rootfs$gconv"

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
psyscore:x:65532:65532:psyscore:/nonexistent:/usr/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
psyscore:x:65532:
EOF
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
mkdir -p "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
cp "$here/Containerfile" "$context/Containerfile"

# --- The image ---------------------------------------------------------------
storage=(--root "$out/storage" --runroot "$out/run" --storage-driver vfs)
cleanup() { buildah "${storage[@]}" rmi --all --force >/dev/null 2>&1 || true; rm -rf "$out/storage" "$out/run"; }
trap cleanup EXIT
buildah "${storage[@]}" bud --quiet --isolation chroot --format docker --layers=false --timestamp "$epoch" \
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  --file "$context/Containerfile" --tag "$tag" "$context" >/dev/null
rm -f "$archive"
# v2s2 keeps the Docker config (with its Healthcheck) inside the OCI layout:
# an OCI config would drop the health check.
buildah "${storage[@]}" push --quiet --format v2s2 "$tag" "oci-archive:$archive:$tag"
echo "$tag: $archive ($(du -h "$archive" | cut -f1), $(find "$rootfs" -type f | wc -l) files)"
