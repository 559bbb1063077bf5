"""Snakemake wrapper for g5 merge: merge files sorted in one order (the lanes
or read groups of a sample) into one file sorted in that order, combining
their @RG and @PG lines."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import os
import re
import shlex

from snakemake.shell import shell

TOOL = "g5 merge wrapper"


def fail(msg):
    """Stop with msg, in the rule's log too (where a cluster job's user looks)."""
    msg = f"{TOOL}: {msg}"
    for f in snakemake.log:
        with open(f, "a") as log_file:
            print(msg, file=log_file)
    raise ValueError(msg)


def q(path):
    return shlex.quote(str(path))


def as_list(x):
    return [x] if isinstance(x, str) else list(x)


def owned(extra, opts, where):
    """Options the wrapper sets itself must not come again in extra."""
    for o in opts:
        if re.search(r"(^|\s)" + re.escape(o) + r"(\s|=|$)", extra):
            fail(f"{where} must not contain {o}: the wrapper sets it")


def aln_format(path):
    """-O and the index names g5 may write, from the output's name."""
    for ext, fmt, idx in ((".bam", "bam", (".bai", ".csi")), (".cram", "cram", (".crai",)),
                          (".sam", "sam", ())):
        if path.endswith(ext):
            return fmt, idx
    fail(f'output "{path}": name a .bam, .cram or .sam file')


# --- inputs: input.bams, else every input but input.ref -----------------------
ref = snakemake.input.get("ref", "")
if "bams" in snakemake.input.keys():
    bams = as_list(snakemake.input.bams)
else:
    bams = [f for f in snakemake.input if f != ref]
if not bams:
    fail("no input files to merge (input.bams)")

aln = snakemake.output.get("bam", snakemake.output[0])
fmt, index_exts = aln_format(aln)
if fmt == "cram" and not ref:
    fail("CRAM output needs the reference FASTA as input.ref")
out_idx = snakemake.output.get("idx", "")
if out_idx and out_idx not in [aln + e for e in index_exts]:
    fail(f'output.idx "{out_idx}": ' + (f'g5 writes the index of "{aln}" as '
         + " or ".join(f'"{aln}{e}"' for e in index_exts) if index_exts
         else "SAM is not indexed: name the output .bam or .cram"))

opts = ["-@", str(max(int(snakemake.threads) - 1, 0))]     # additional threads
if out_idx:
    opts.append("--write-index")
if ref:
    opts += ["-f", ref]
opts += ["-O", fmt]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-O", "--output-fmt", "--write-index"],
      "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 merge {opts} {extra} -o {aln} {bams} {log}",
      opts=" ".join(map(q, opts)), aln=q(aln), bams=" ".join(map(q, bams)))

if out_idx and not os.path.exists(out_idx):
    other = [f'"{aln}{e}"' for e in index_exts if os.path.exists(aln + e)]
    fail(f'g5 wrote {" and ".join(other) or "no index"}, not "{out_idx}" (a contig longer '
         "than 2^29 bases needs CSI): declare that name as output.idx")
