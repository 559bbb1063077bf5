#!/bin/bash
# stats-bench.sh — time g5 stats against samtools and bare BGZF decompression.
#
# Usage: stats-bench.sh G5 BAM OUTDIR
#
# For each thread count in THREADS_LIST (default "0 2"; passed as -@ N to
# every tool) runs, interleaved, REPEATS (default 3) rounds of
#   g5 stats, g5 stats --flagstat, samtools stats, samtools flagstat,
#   bgzip -dc (BAM → /dev/null: the floor any BAM reader has to pay)
# and keeps the best wall time and the peak RSS (/usr/bin/time %M) of each.
# -@ N means N extra decompression threads for g5 and samtools, and a pool of
# N threads for bgzip, so both sides get the same pool at each N.
#
# Writes
#   OUTDIR/stats-bench.tsv        the ratios against the targets (+ seconds, RSS)
#   OUTDIR/stats-bench.runs.tsv   every timed run
#   OUTDIR/out/                   each tool's output from the last round
# and prints the ratio table. Exit status is 0 even when a target is missed,
# unless STRICT=1. Environment: REPEATS, THREADS_LIST, SAMTOOLS, BGZIP, STRICT.
set -euo pipefail
export LC_ALL=C

if [ $# -ne 3 ]; then
    echo "usage: stats-bench.sh G5 BAM OUTDIR" >&2
    exit 2
fi
g5=$1 bam=$2 outdir=$3
repeats=${REPEATS:-3}
threads_list=${THREADS_LIST:-0 2}
samtools=${SAMTOOLS:-samtools}
bgzip=${BGZIP:-bgzip}
timebin=/usr/bin/time                   # GNU time (Debian package "time")

die() { echo "stats-bench.sh: $*" >&2; exit 1; }
[ -x "$timebin" ] || die "$timebin not found (Debian package time)"
[ -r "$bam" ] || die "cannot read \"$bam\""
"$g5" stats -h >/dev/null 2>&1 || die "\"$g5 stats -h\" failed: is g5 built?"
for t in "$samtools" "$bgzip"; do command -v "$t" >/dev/null || die "$t not found on PATH"; done

mkdir -p "$outdir/out"
runs=$outdir/stats-bench.runs.tsv
tsv=$outdir/stats-bench.tsv
tmp_runs=$runs.tmp.$$ tmp_tsv=$tsv.tmp.$$
trap 'rm -f "$tmp_runs" "$tmp_tsv" "$outdir"/.rss.$$ "$outdir"/.err.$$' EXIT

tools="g5_stats g5_flagstat samtools_stats samtools_flagstat bgzip_dc"

# run_tool NAME THREADS STDOUT — run one tool on $bam with stdout to STDOUT
run_tool() {
    local name=$1 t=$2 o=$3
    case $name in
        g5_stats)          "$timebin" -f %M -o "$outdir/.rss.$$" "$g5" stats -@ "$t" "$bam" >"$o" ;;
        g5_flagstat)       "$timebin" -f %M -o "$outdir/.rss.$$" "$g5" stats --flagstat -@ "$t" "$bam" >"$o" ;;
        samtools_stats)    "$timebin" -f %M -o "$outdir/.rss.$$" "$samtools" stats -@ "$t" "$bam" >"$o" ;;
        samtools_flagstat) "$timebin" -f %M -o "$outdir/.rss.$$" "$samtools" flagstat -@ "$t" "$bam" >"$o" ;;
        bgzip_dc)          "$timebin" -f %M -o "$outdir/.rss.$$" "$bgzip" -dc -@ "$t" "$bam" >"$o" ;;
    esac
}

ver() { "$@" 2>&1 | head -n 1 || true; }
records=$("$samtools" idxstats "$bam" 2>/dev/null | awk '{n += $3 + $4} END {print n + 0}')
{
    echo "# g5 stats-bench: workflows/bench/stats-bench.sh $*"
    echo "# date: $(date -u '+%Y-%m-%dT%H:%M:%SZ')  host: $(uname -srm)  cpus: $(nproc)  cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "# g5: $(ver "$g5" --version)  samtools: $(ver "$samtools" --version)  bgzip: $(ver "$bgzip" --version)"
    echo "# bam: $bam  bytes: $(stat -c %s "$bam")  records: $records  repeats: $repeats (best wall time kept)"
} >"$tmp_tsv"
printf 'threads\ttool\tround\twall_s\tpeak_rss_kb\n' >"$tmp_runs"

echo "stats-bench: $bam ($records records), threads: $threads_list, best of $repeats" >&2
cat "$bam" >/dev/null                   # warm the page cache
for ((r = 1; r <= repeats; r++)); do
    for t in $threads_list; do
        for name in $tools; do
            o=$outdir/out/$name.t$t.txt
            [ "$name" = bgzip_dc ] && o=/dev/null
            t0=$(date +%s%N)
            run_tool "$name" "$t" "$o" 2>"$outdir/.err.$$" \
                || { cat "$outdir/.err.$$" >&2; die "$name -@ $t failed"; }
            t1=$(date +%s%N)
            printf '%s\t%s\t%d\t%.3f\t%s\n' "$t" "$name" "$r" \
                "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print (b - a) / 1e9}')" \
                "$(tail -n 1 "$outdir/.rss.$$")" >>"$tmp_runs"
            printf '  round %d  -@ %s  %-18s %6.2f s\n' "$r" "$t" "$name" \
                "$(tail -n 1 "$tmp_runs" | cut -f 4)" >&2
        done
    done
done

# Output checks (not timed): flagstat text must be identical; stats SN lines
# are compared by key and value.
checks=""
for t in $threads_list; do
    if cmp -s "$outdir/out/g5_flagstat.t$t.txt" "$outdir/out/samtools_flagstat.t$t.txt"; then
        fs="identical"
    else
        fs="DIFFERS"
    fi
    sn=$(join -t $'\t' -j 1 -a 1 -a 2 -e MISSING -o 0,1.2,2.2 \
            <(grep '^SN' "$outdir/out/g5_stats.t$t.txt" | cut -f 2,3 | sort) \
            <(grep '^SN' "$outdir/out/samtools_stats.t$t.txt" | cut -f 2,3 | sort) \
         | awk -F'\t' '{n++; if ($2 == $3) same++} END {printf "%d/%d", same, n}')
    checks+="$t	flagstat=$fs	sn_equal=$sn"$'\n'
done

# Ratio table: best g5 wall time over best peer wall time, per thread count.
awk -F'\t' -v checks="$checks" '
    BEGIN {
        n = split(checks, cl, "\n")
        for (i = 1; i <= n; i++) if (cl[i] != "") { split(cl[i], f, "\t"); fs[f[1]] = f[2]; sn[f[1]] = f[3] }
        ncmp = split("g5_stats:samtools_stats:0.70 g5_flagstat:samtools_flagstat:- g5_stats:bgzip_dc:1.30", cmps, " ")
        label["g5_stats"] = "g5 stats"; label["g5_flagstat"] = "g5 flagstat"
        label["samtools_stats"] = "samtools stats"; label["samtools_flagstat"] = "samtools flagstat"
        label["bgzip_dc"] = "bgzip -dc"
    }
    FNR == 1 { next }
    {
        k = $1 SUBSEP $2
        if (!(k in best) || $4 < best[k]) best[k] = $4
        if ($5 > rss[k]) rss[k] = $5
        if (!($1 in seen)) { seen[$1] = 1; order[++nt] = $1 }
    }
    END {
        print "threads\tcomparison\tratio\ttarget\tverdict\tg5_wall_s\tpeer_wall_s\tg5_rss_kb\tpeer_rss_kb\tcheck"
        for (i = 1; i <= nt; i++) {
            t = order[i]
            for (j = 1; j <= ncmp; j++) {
                split(cmps[j], c, ":")
                a = best[t, c[1]]; b = best[t, c[2]]
                ratio = sprintf("%.2f", b > 0 ? a / b : 0) + 0    # judge what is printed
                if (c[3] == "-") { target = "-"; verdict = "-" }
                else { target = "<=" c[3]; verdict = (ratio <= c[3] + 0 ? "ok" : "MISS") }
                ck = (c[2] == "samtools_flagstat") ? fs[t] : (c[2] == "samtools_stats") ? sn[t] : "-"
                printf "%s\t%s / %s\t%.2f\t%s\t%s\t%.3f\t%.3f\t%d\t%d\t%s\n", t, label[c[1]], label[c[2]],
                       ratio, target, verdict, a, b, rss[t, c[1]], rss[t, c[2]], ck
            }
        }
    }' "$tmp_runs" >>"$tmp_tsv"

mv "$tmp_runs" "$runs"
mv "$tmp_tsv" "$tsv"

# Terminal table: the headline is the ratio.
echo
grep -v '^#' "$tsv" | awk -F'\t' '
    NR == 1 { printf "%-7s  %-34s %6s  %-7s %-7s %9s %9s %9s %9s  %s\n", "threads", "comparison", "ratio", "target", "verdict", "g5_s", "peer_s", "g5_MB", "peer_MB", "check"; next }
    { printf "%-7s  %-34s %6s  %-7s %-7s %9.3f %9.3f %9.1f %9.1f  %s\n", $1, $2, $3, $4, $5, $6, $7, $8 / 1024, $9 / 1024, $10 }'
echo
echo "written: $tsv (and $runs)"

if [ "${STRICT:-0}" = 1 ] && grep -q $'\tMISS\t' "$tsv"; then
    die "a target was missed"
fi
