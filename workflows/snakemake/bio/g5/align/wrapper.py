"""Snakemake wrapper for `bwa mem | g5 sort --markdup`: FASTQ pairs of one
read group to a duplicate-marked, coordinate-sorted (and indexed) BAM/CRAM in
one pass, with Picard's duplication metrics and the g5 stats report."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import math
import os
import re
import shlex

from snakemake.shell import shell

TOOL = "g5 align wrapper"
BWA_INDEX = (".amb", ".ann", ".bwt", ".pac", ".sa")


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


# --- inputs -------------------------------------------------------------------
reads = as_list(snakemake.input.get("reads", []))
if len(reads) not in (1, 2):
    fail(f"input.reads must be 1 (single-end) or 2 (paired-end) FASTQ files, got {len(reads)}")

idx = as_list(snakemake.input.get("idx", []))
prefixes = set()
for f in idx:
    ext = next((e for e in BWA_INDEX if f.endswith(e)), None)
    if ext is None:
        fail(f'input.idx: "{f}" is not a bwa index file ({", ".join(BWA_INDEX)})')
    prefixes.add(f[: -len(ext)])
if len(prefixes) != 1 or len(idx) != len(BWA_INDEX):
    fail('input.idx must be the five bwa index files of one prefix: '
         'multiext("ref.fa", ".amb", ".ann", ".bwt", ".pac", ".sa")')
index = prefixes.pop()

read_group = snakemake.params.get("read_group", "")
read_group = str(read_group).replace("\t", "\\t")
if not read_group.startswith("@RG\\t") or not re.search(r"\\tID:[^\\\s]", read_group) \
        or not re.search(r"\\tSM:[^\\\s]", read_group):
    fail(r"params.read_group must be a read group line with ID and SM, "
         r"e.g. '@RG\tID:run1.L1\tSM:NA12878\tLB:lib1\tPL:ILLUMINA'")

# --- outputs ------------------------------------------------------------------
aln = snakemake.output.get("bam", snakemake.output[0])
if aln.endswith(".bam"):
    fmt, index_exts = "bam", (".bai", ".csi")
elif aln.endswith(".cram"):
    fmt, index_exts = "cram", (".crai",)
else:
    fail(f'output "{aln}": name a .bam or .cram file')
ref = snakemake.input.get("ref", "")
if fmt == "cram" and not ref:
    fail("CRAM output needs the reference FASTA as input.ref")

opts = []
markdup = snakemake.params.get("markdup", True)
if markdup:
    opts.append("--markdup")
out_idx = snakemake.output.get("idx", "")
if out_idx:
    if out_idx not in [aln + e for e in index_exts]:
        fail(f'output.idx "{out_idx}": g5 writes the index of "{aln}" as '
             + " or ".join(f'"{aln}{e}"' for e in index_exts))
metrics = snakemake.output.get("metrics", "")
if metrics and not markdup:
    fail("output.metrics needs duplicate marking (params.markdup is false)")
stats = snakemake.output.get("stats", "")

# --- resources ----------------------------------------------------------------
threads = max(int(snakemake.threads), 1)
opts += ["-@", str(threads - 1)]        # g5's -@ counts additional threads
sort_mem = snakemake.params.get("sort_mem", "")
mem_mb = snakemake.resources.get("mem_mb", None)
if not sort_mem and mem_mb:
    # The job's memory holds bwa too: its index (bwt, sa, pac are loaded)
    # and about 256 MB of batches; g5 sort gets the rest as its budget.
    bwa_mb = snakemake.params.get("bwa_mem_mb", None)
    if bwa_mb is None:
        size = sum(os.path.getsize(index + e) for e in (".bwt", ".sa", ".pac"))
        bwa_mb = math.ceil(size / 2**20) + 256
    left = int(mem_mb) - int(bwa_mb)
    if left < 64:
        fail(f"resources.mem_mb={mem_mb} leaves {left} MB for g5 sort after bwa's "
             f"{bwa_mb} MB: raise mem_mb, or set params.bwa_mem_mb or params.sort_mem")
    sort_mem = f"{left}M"
if sort_mem:
    opts += ["-m", str(sort_mem)]
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
              "-M", "--metrics", "--stats", "--markdup"] + (["-m", "--memory"] if sort_mem else []),
      "params.extra")
bwa_extra = snakemake.params.get("bwa_extra", "")
owned(bwa_extra, ["-t", "-R"], "params.bwa_extra")
# -K fixes bwa's batch size so that the output does not depend on -t.
batch = "" if re.search(r"(^|\s)-K", bwa_extra) else "-K 10000000 "

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell(
    "(bwa mem {batch}-t {threads} {bwa_extra} -R {rg} {index} {reads}"
    " | g5 sort {opts} {extra} -o {aln} -) {log}",
    rg=q(read_group), index=q(index), reads=" ".join(map(q, reads)),
    opts=" ".join(map(q, opts)), aln=q(aln))

if out_idx and not os.path.exists(out_idx):
    other = [f'"{aln}{e}"' for e in index_exts if os.path.exists(aln + e)]
    fail(f'g5 wrote {" and ".join(other) or "no index"}, not "{out_idx}" (a contig longer '
         "than 2^29 bases needs CSI): declare that name as output.idx")
