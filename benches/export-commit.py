#!/usr/bin/env python3
"""Writes the files of one commit of a git directory into a folder, without a work tree.

`git archive` stops at the first blob a partial mirror lacks (large binaries are often left
out); this skips those and says how many were skipped. Symlinks are written as links.
Usage: export-commit.py GIT_DIR COMMIT OUT_DIR
"""
import os
import subprocess
import sys

git_dir, commit, out = sys.argv[1:4]
listing = subprocess.run(
    ["git", "-C", git_dir, "ls-tree", "-r", "-z", commit],
    check=True, capture_output=True,
).stdout.split(b"\0")
entries = []
for line in listing:
    if not line:
        continue
    meta, path = line.split(b"\t", 1)
    mode, kind, oid = meta.split()
    if kind == b"blob":
        entries.append((mode, oid, path))

cat = subprocess.Popen(
    ["git", "-C", git_dir, "cat-file", "--batch"],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
)
skipped = 0
for mode, oid, path in entries:
    cat.stdin.write(oid + b"\n")
    cat.stdin.flush()
    header = cat.stdout.readline().split()
    if len(header) < 3 or header[1] == b"missing":
        skipped += 1
        continue
    data = cat.stdout.read(int(header[2]))
    cat.stdout.read(1)  # the newline after the contents
    target = os.path.join(out.encode(), path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if mode == b"120000":
        os.symlink(data, target)
    else:
        with open(target, "wb") as f:
            f.write(data)
        if mode == b"100755":
            os.chmod(target, 0o755)
cat.stdin.close()
cat.wait()
print(f"{len(entries) - skipped} files, {skipped} absent from the mirror", file=sys.stderr)
