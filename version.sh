#!/bin/sh
# version.sh -- print the g5 version: `git describe` of this checkout when
# there is one, else the release number below (a tarball has no .git).
RELEASE=0.1.0
dir=$(dirname "$0")
if v=$(git -C "$dir" describe --always --dirty --tags 2>/dev/null) && [ -n "$v" ]; then
    case $v in
        [0-9]*) echo "$v" ;;          # a release tag, possibly with -N-gHASH
        *) echo "$RELEASE-g$v" ;;     # no tag yet: the release plus the commit
    esac
else
    echo "$RELEASE"
fi
