#!/bin/bash
# make.t -- the house: deps, man pages for every tool, CITATION.cff, README.
. "$(dirname "$0")/lib.sh"

# make deps: nothing to do when all is installed; otherwise, for a user who
# cannot install, the exact apt-get line and a failure.
runs "make deps with everything installed succeeds" make -s -C "$TOP" deps
is "$(cat "$T/stdout")" "" "and prints nothing"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
    cp "$TOP/Makefile" "$T/Makefile" && chmod 755 "$T"
    exits 2 "make deps as a user, with a package missing, fails" \
        setpriv --reuid=65534 --regid=65534 --clear-groups \
        make -s -C "$T" deps DEB_PACKAGES="make g5-no-such-package"
    stderr_has "apt-get install -y --no-install-recommends g5-no-such-package" \
        "and prints the apt-get line to run"
fi

# Every command in the table has a man page, and the man pages format cleanly.
for tool in $("$G5" help | awk '/^Commands:/ {on = 1; next} on && NF {print $1}'); do
    [ -f "$TOP/tools/man/g5-$tool.1" ]; ok $? "tools/man/g5-$tool.1 exists"
done
for page in "$TOP"/tools/man/*.1; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    is "$warnings" "" "$(basename "$page") formats without warnings"
done

# CITATION.cff: CFF 1.2.0 with its required keys.
python3 - "$TOP/CITATION.cff" <<'PY' >"$T/cff" 2>&1
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
assert c["cff-version"] == "1.2.0", "cff-version"
for key in ("message", "title", "authors"):
    assert c.get(key), key
for a in c["authors"]:
    assert a.get("name") or a.get("family-names"), "author without a name"
print("ok")
PY
ok $? "CITATION.cff is CFF 1.2.0 with message, title and authors"

# README: the two commands come first.
first=$(grep -m2 -oE '^ *make (demo|check)' "$TOP/README.md" | tr -s ' ' | sed 's/^ //' | paste -sd,)
is "$first" "make demo,make check" "README.md shows make demo and make check first"

done_testing
