"""Snakemake wrapper for g5 concord: compare a call set with a truth set after
normalisation, TP/FP/FN, precision, recall and F1 per variant type."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 concord wrapper"


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


for key in ("truth", "calls", "ref"):
    if not snakemake.input.get(key, ""):
        fail(f"input.{key} is required (truth and calls: VCF, VCF.gz or BCF; ref: FASTA)")
truth, calls, ref = snakemake.input.truth, snakemake.input.calls, snakemake.input.ref

summary = snakemake.output.get("summary", snakemake.output[0])
diffs = snakemake.output.get("diffs", "")
if diffs == summary:
    fail("output.summary and output.diffs must be different files")

opts = ["-f", ref, "-@", str(max(int(snakemake.threads) - 1, 0))]  # additional threads
if snakemake.input.get("regions", ""):
    opts += ["-R", snakemake.input.regions]
sample = snakemake.params.get("sample", "")
if sample:
    opts += ["-s", sample]
if diffs:
    opts += ["-o", diffs]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-f", "--reference", "-R",
              "--regions-file"], "params.extra")

# The summary table is what g5 concord prints on standard output.
log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 concord {opts} {extra} {truth} {calls} >{summary} {log}",
      opts=" ".join(map(q, opts)), truth=q(truth), calls=q(calls), summary=q(summary))
