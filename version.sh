#!/bin/sh
# version.sh -- print the g5 version: the nearest release tag of this
# checkout (`git describe`), else the release number below plus the commit,
# else (a tarball, no git) the release number alone.
RELEASE=0.1.0
dir=$(dirname "$0")
if v=$(git -C "$dir" describe --tags --dirty 2>/dev/null); then
    echo "$v"
elif h=$(git -C "$dir" describe --always --dirty 2>/dev/null); then
    echo "$RELEASE-g$h"
else
    echo "$RELEASE"
fi
