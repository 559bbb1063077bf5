"""Snakemake wrapper for g5 stats: the numbers of samtools flagstat and the
summary numbers of samtools stats, in one pass, in their layouts or as TSV."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 stats wrapper"


def fail(msg):
    """Stop with msg, in the rule's log too (where a cluster job's user looks)."""
    msg = f"{TOOL}: {msg}"
    for f in snakemake.log:
        with open(f, "a") as log_file:
            print(msg, file=log_file)
    raise ValueError(msg)


def q(path):
    return shlex.quote(str(path))


def owned(extra, opts, where):
    """Options the wrapper sets itself must not come again in extra."""
    for o in opts:
        if re.search(r"(^|\s)" + re.escape(o) + r"(\s|=|$)", extra):
            fail(f"{where} must not contain {o}: the wrapper sets it")


def report_option(path):
    """The report's layout from its name."""
    if re.search(r"\.flagstats?(\.txt)?$", path):
        return ["--flagstat"]
    if path.endswith(".tsv"):
        return ["--tsv"]
    return []           # samtools stats layout (FS and SN sections)


aln = snakemake.input.get("bam", snakemake.input[0])
ref = snakemake.input.get("ref", "")
if re.search(r"\.cram$", aln) and not ref:
    fail("CRAM input needs the reference FASTA as input.ref")

common = ["-@", str(max(int(snakemake.threads) - 1, 0))]   # additional threads
if ref:
    common += ["-f", ref]
extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--flagstat", "--tsv"], "params.extra")

# One pass per report: each output's name says its layout.
for i, out in enumerate(snakemake.output):
    log = snakemake.log_fmt_shell(stdout=False, stderr=True, append=i > 0)
    opts = report_option(out) + common
    shell("g5 stats {opts} {extra} -o {out} {aln} {log}",
          opts=" ".join(map(q, opts)), out=q(out), aln=q(aln))
