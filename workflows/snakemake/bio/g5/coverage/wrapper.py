"""Snakemake wrapper for g5 coverage: depth of coverage in mosdepth's files and
formats, the inferred sex and a MultiQC table, all under one PREFIX."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 coverage wrapper"


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


# What g5 coverage writes under PREFIX, and what each file needs.
SUMMARY = ".mosdepth.summary.txt"
FILES = {
    SUMMARY: None,
    ".mosdepth.global.dist.txt": None,
    ".sex.tsv": None,
    ".g5cov_mqc.tsv": None,
    ".mosdepth.region.dist.txt": "by",
    ".regions.bed.gz": "by",
    ".regions.bed.gz.csi": "by",
    ".thresholds.bed.gz": "thresholds",
    ".thresholds.bed.gz.csi": "thresholds",
    ".quantized.bed.gz": "quantize",
    ".quantized.bed.gz.csi": "quantize",
    ".per-base.bed.gz": "per_base",
    ".per-base.bed.gz.csi": "per_base",
}

aln = snakemake.input.get("bam", snakemake.input[0])
ref = snakemake.input.get("ref", "")
bed = snakemake.input.get("bed", "")
if aln.endswith(".cram") and not ref:
    fail("CRAM input needs the reference FASTA as input.ref")

summary = snakemake.output.get("summary", snakemake.output[0])
if not summary.endswith(SUMMARY):
    fail(f'output.summary "{summary}" must be PREFIX{SUMMARY}')
prefix = summary[: -len(SUMMARY)]

by = bed or snakemake.params.get("by", "")
if bed and snakemake.params.get("by", ""):
    fail("give regions as input.bed or windows as params.by, not both")
thresholds = snakemake.params.get("thresholds", "")
if not isinstance(thresholds, str):
    thresholds = ",".join(str(t) for t in thresholds)
quantize = snakemake.params.get("quantize", "")
have = {"by": by, "thresholds": thresholds, "quantize": quantize, "per_base": False}
if thresholds and not by:
    fail("params.thresholds needs params.by or input.bed (thresholds are per region)")

for out in snakemake.output:
    suffix = out[len(prefix):] if out.startswith(prefix) else None
    if suffix not in FILES:
        fail(f'output "{out}" is not a file g5 coverage writes under PREFIX "{prefix}" '
             f'(PREFIX{", PREFIX".join(FILES)})')
    need = FILES[suffix]
    if need == "per_base":
        have["per_base"] = True         # declaring the per-base file asks for it
    elif need and not have[need]:
        fail(f'output "{out}" needs params.{need}' + (" or input.bed" if need == "by" else ""))

opts = ["-@", str(max(int(snakemake.threads) - 1, 0))]     # additional threads
mem_mb = snakemake.resources.get("mem_mb", None)
if mem_mb:
    opts += ["-m", f"{int(mem_mb)}M"]
if by:
    opts += ["--by", str(by)]
if thresholds:
    opts += ["-T", thresholds]
if quantize:
    opts += ["-q", str(quantize)]
if have["per_base"]:
    opts.append("--per-base")
if ref:
    opts += ["-f", ref]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-b", "--by", "-T", "--thresholds", "-q", "--quantize",
              "--per-base"] + (["-m", "--memory"] if mem_mb else []), "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 coverage {opts} {extra} {prefix} {aln} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), aln=q(aln))
