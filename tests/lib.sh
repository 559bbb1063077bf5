# tests/lib.sh -- TAP helpers for the command-line tests (*.t).
#
# Source it from a test script:   . "$(dirname "$0")/lib.sh"
# It sets G5 (the binary under test), DATA (tests/data), HTSTEST (Debian's
# htslib-test files) and a private scratch directory T that is removed on
# exit.  Every helper prints one TAP line; `done_testing` prints the plan.
#
#   ok COND_STATUS "description"        ok when the status is 0
#   is "$got" "$expected" "description"
#   same_file got expected "description" (shows a diff on failure)
#   runs "description" cmd args...      ok when cmd exits 0
#   exits N "description" cmd args...   ok when cmd exits with status N;
#                                       its stderr is kept in "$T/stderr"
#   stderr_has "text" "description"     ok when $T/stderr contains text
#   skip_all "reason"                   skip the whole file
#   ce_reference DIR                    a small real reference for simulated
#                                       reads: DIR/ref.fa (+ .fai, bwa index)

set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TESTS_DIR/.." && pwd)
G5=${G5:-$TOP/g5}
DATA=$TESTS_DIR/data
HTSTEST=${HTSTEST:-/usr/share/htslib-test/test}
T=$(mktemp -d "${TMPDIR:-/tmp}/g5test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# CRAM must never reach for the network to find a reference.
export REF_PATH="$T/no-ref-cache" REF_CACHE="$T/no-ref-cache"
export LC_ALL=C

_tap_n=0
_tap_failed=0

_tap_result() { # status description
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2"
    else
        echo "not ok $_tap_n - $2"
        _tap_failed=$((_tap_failed + 1))
    fi
}

diag() { printf '# %s\n' "$@" >&2; }

ok() { _tap_result "$1" "$2"; }

is() {
    if [ "$1" = "$2" ]; then _tap_result 0 "$3"; else
        _tap_result 1 "$3"
        diag "got:      '$1'" "expected: '$2'"
    fi
}

same_file() {
    if cmp -s "$1" "$2"; then _tap_result 0 "$3"; else
        _tap_result 1 "$3"
        diff -u "$2" "$1" 2>&1 | head -40 | sed 's/^/# /' >&2
    fi
}

# same_body GOT WANT DESC: the same file but for g5's provenance line
# ("# g5 TOOL VERSION: COMMAND"), which names each run's own command.
same_body() {
    grep -v '^# g5 ' "$1" >"$T/.body.got" || true
    grep -v '^# g5 ' "$2" >"$T/.body.want" || true
    same_file "$T/.body.got" "$T/.body.want" "$3"
}

# header FILE: its first line past the provenance line
header() { grep -v '^# g5 ' "$1" | head -n 1; }

runs() {
    local desc=$1; shift
    if "$@" >"$T/stdout" 2>"$T/stderr"; then _tap_result 0 "$desc"; else
        _tap_result 1 "$desc"
        diag "command failed: $*"
        sed 's/^/# /' "$T/stderr" | head -20 >&2
    fi
}

exits() {
    local want=$1 desc=$2 got; shift 2
    "$@" >"$T/stdout" 2>"$T/stderr"
    got=$?
    if [ "$got" -eq "$want" ]; then _tap_result 0 "$desc"; else
        _tap_result 1 "$desc"
        diag "exit status $got, expected $want: $*"
        sed 's/^/# /' "$T/stderr" | head -20 >&2
    fi
}

stderr_has() {
    if grep -qF -- "$1" "$T/stderr"; then _tap_result 0 "$2"; else
        _tap_result 1 "$2"
        diag "stderr lacks: $1"
        sed 's/^/# /' "$T/stderr" | head -20 >&2
    fi
}

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# 55 kb of C. elegans from htslib-test's ce.fa, as chrI (50 kb) and chrII.
ce_reference() {
    { samtools faidx "$HTSTEST/ce.fa" CHROMOSOME_I:1-50000 | sed 's/^>.*/>chrI/'
      samtools faidx "$HTSTEST/ce.fa" CHROMOSOME_II | sed 's/^>.*/>chrII/'; } >"$1/ref.fa" &&
    samtools faidx "$1/ref.fa" && bwa index "$1/ref.fa" 2>/dev/null
}

done_testing() {
    echo "1..$_tap_n"
    [ "$_tap_failed" -eq 0 ]
}
