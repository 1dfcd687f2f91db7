#!/usr/bin/env bash
# A full disk under a writing store (issue 15 #6): in a private mount
# namespace, the store lives on a 4 MiB tmpfs; the disk is filled, then a
# load must fail with exit 3 and a "no space" error, leave the store exactly
# as it was and usable, and succeed once there is room again. So must an
# `import model`, whose copy of the model file (STORE/models) cannot be
# written: no graph, no copy, no temporary file left behind.
#   full_disk.sh TINYKG KG_FILE MODEL_FILE       (root: it mounts a tmpfs)
set -euo pipefail
tinykg="$1"; kg="$2"; model="$3"
if [ "${TINYKG_FULL_DISK_INNER:-}" != 1 ]; then
  # Private propagation keeps the tmpfs out of every other namespace; in a
  # chroot whose / is no mount point it cannot be set, and the mount is then
  # only as visible as the temporary folder it sits in (and unmounted at exit).
  propagation=private
  unshare --mount --propagation private true 2>/dev/null || propagation=unchanged
  TINYKG_FULL_DISK_INNER=1 exec unshare --mount --propagation "$propagation" bash "$0" "$@"
fi
disk="$(mktemp -d)"
mount -t tmpfs -o size=4m tinykg-full-disk "$disk"
trap 'umount "$disk" 2>/dev/null; rmdir "$disk" 2>/dev/null' EXIT
store="$disk/store"
"$tinykg" --store "$store" -q init
before="$("$tinykg" --store "$store" export --format nquads | grep -v loadedAt | sort)"
# Fill what is left (dd stops at ENOSPC).
dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null || true
set +e
err="$("$tinykg" --store "$store" load "$kg" 2>&1 >/dev/null)"
rc=$?
set -e
[ $rc = 3 ] || { echo "full disk: load exited $rc, expected 3: $err" >&2; exit 1; }
case "$err" in *"no space left"*) ;; *) echo "full disk: no 'no space' error: $err" >&2; exit 1 ;; esac
after="$("$tinykg" --store "$store" export --format nquads | grep -v loadedAt | sort)"
[ "$before" = "$after" ] || { echo "full disk: the store changed" >&2; exit 1; }
set +e
err="$("$tinykg" --store "$store" import model "$model" 2>&1 >/dev/null)"
rc=$?
set -e
[ $rc != 0 ] || { echo "full disk: import model succeeded on a full disk" >&2; exit 1; }
case "$err" in *"keeping a copy"*) ;; *) echo "full disk: import model did not say what failed: $err" >&2; exit 1 ;; esac
[ -z "$(ls -A "$store/models" 2>/dev/null)" ] || { echo "full disk: import model left files in $store/models" >&2; exit 1; }
after="$("$tinykg" --store "$store" export --format nquads | grep -v loadedAt | sort)"
[ "$before" = "$after" ] || { echo "full disk: import model changed the store" >&2; exit 1; }
rm "$disk/filler"
"$tinykg" --store "$store" -q load "$kg"
"$tinykg" --store "$store" graphs | grep -q "$(basename "$kg")" || { echo "full disk: the load after freeing space is missing" >&2; exit 1; }
"$tinykg" --store "$store" -q import model "$model" >/dev/null
[ -n "$(ls -A "$store/models")" ] || { echo "full disk: the import after freeing space kept no file" >&2; exit 1; }
echo "full disk: load and import model refused, store unchanged, usable again"
