"""Snakemake wrapper for g5 sort: sort a SAM/BAM/CRAM file by coordinate, name
or tag within one memory budget; optionally mark duplicates in the same pass
(the input then being aligner output, each template's records together)."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import os
import re
import shlex

from snakemake.shell import shell

TOOL = "g5 sort wrapper"


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


def aln_format(path):
    """-O and the index names g5 may write, from the output's name."""
    for ext, fmt, idx in ((".bam", "bam", (".bai", ".csi")), (".cram", "cram", (".crai",)),
                          (".sam", "sam", ())):
        if path.endswith(ext):
            return fmt, idx
    fail(f'output "{path}": name a .bam, .cram or .sam file')


# --- inputs and outputs -------------------------------------------------------
aln_in = snakemake.input.get("aln", snakemake.input[0])
ref = snakemake.input.get("ref", "")

aln = snakemake.output.get("bam", snakemake.output[0])
fmt, index_exts = aln_format(aln)
if fmt == "cram" and not ref:
    fail("CRAM output needs the reference FASTA as input.ref")
out_idx = snakemake.output.get("idx", "")
if out_idx and out_idx not in [aln + e for e in index_exts]:
    fail(f'output.idx "{out_idx}": ' + (f'g5 writes the index of "{aln}" as '
         + " or ".join(f'"{aln}{e}"' for e in index_exts) if index_exts
         else "SAM is not indexed: name the output .bam or .cram"))
metrics = snakemake.output.get("metrics", "")
stats = snakemake.output.get("stats", "")

order = snakemake.params.get("order", "coordinate")
tag = snakemake.params.get("tag", "")
markdup = snakemake.params.get("markdup", bool(metrics))
if metrics and not markdup:
    fail("output.metrics needs params.markdup (duplicate marking)")
if order not in ("coordinate", "name"):
    fail(f'params.order "{order}": coordinate or name')
if out_idx and (order != "coordinate" or tag):
    fail("only a file sorted by coordinate can be indexed: drop output.idx")

# --- options ------------------------------------------------------------------
opts = []
if order == "name":
    opts.append("-n")
if tag:
    opts += ["-t", tag]
if markdup:
    opts.append("--markdup")
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]   # additional threads
mem_mb = snakemake.resources.get("mem_mb", None)
if mem_mb:
    opts += ["-m", f"{int(mem_mb)}M"]
tmp_dir = snakemake.params.get("tmp_dir", "")
if tmp_dir:
    opts += ["-T", tmp_dir]
if out_idx:
    opts.append("--write-index")
if metrics:
    opts += ["-M", metrics]
if stats:
    opts += ["--stats", stats]
if ref:
    opts += ["-f", ref]
opts += ["-O", fmt]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-O", "--output-fmt", "--write-index",
              "-M", "--metrics", "--stats", "--markdup", "-n", "-t", "-T", "--tmp-dir"]
      + (["-m", "--memory"] if mem_mb else []), "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 sort {opts} {extra} -o {aln} {aln_in} {log}",
      opts=" ".join(map(q, opts)), aln=q(aln), aln_in=q(aln_in))

if out_idx and not os.path.exists(out_idx):
    other = [f'"{aln}{e}"' for e in index_exts if os.path.exists(aln + e)]
    fail(f'g5 wrote {" and ".join(other) or "no index"}, not "{out_idx}" (a contig longer '
         "than 2^29 bases needs CSI): declare that name as output.idx")
