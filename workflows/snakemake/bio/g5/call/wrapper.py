"""Snakemake wrapper for g5 call: SNVs and indels from indexed BAM/CRAM files,
jointly across samples (VCF/BCF), or one sample's gVCF."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 call wrapper"


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


def vcf_format(path):
    """-O and the index name g5 writes, from the output's name."""
    for ext, fmt, idx in ((".vcf.gz", "vcf.gz", ".tbi"), (".bcf", "bcf", ".csi"),
                          (".vcf", "vcf", None)):
        if path.endswith(ext):
            return fmt, idx
    fail(f'output "{path}": name a .vcf.gz, .bcf or .vcf file')


# --- inputs -------------------------------------------------------------------
keys = snakemake.input.keys()
bams = as_list(snakemake.input.bams) if "bams" in keys else \
    as_list(snakemake.input.bam) if "bam" in keys else []
if not bams:
    fail("name the alignment files input.bam (one) or input.bams (several)")
ref = snakemake.input.get("ref", "")
if not ref:
    fail("input.ref (the reference FASTA, with its .fai) is required")
for f in bams:
    if not re.search(r"\.(bam|cram|sam\.gz)$", f):
        fail(f'input "{f}": g5 call reads indexed .bam or .cram files')

# --- outputs ------------------------------------------------------------------
vcf = snakemake.output.get("vcf", snakemake.output[0])
fmt, index_ext = vcf_format(vcf)
out_idx = snakemake.output.get("idx", "")
if out_idx and (index_ext is None or out_idx != vcf + index_ext):
    fail(f'output.idx "{out_idx}": ' + (f'g5 writes the index of "{vcf}" as "{vcf}{index_ext}"'
         if index_ext else "plain VCF is not indexed: name the output .vcf.gz or .bcf"))

# A gVCF by name (SAMPLE.g.vcf.gz, .g.bcf, .g.vcf) unless params.gvcf says.
gvcf = snakemake.params.get("gvcf", bool(re.search(r"\.g\.(vcf|vcf\.gz|bcf)$", vcf)))
if gvcf and len(bams) != 1:
    fail(f"a gVCF is of one sample: {len(bams)} alignment files given")

opts = []
if gvcf:
    opts.append("--gvcf")
opts += ["-f", ref]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads
region = snakemake.params.get("region", "")
if region:
    opts += ["-r", region]
for key, opt in (("regions", "-R"), ("sex", "--sex"), ("ploidy", "--ploidy-file")):
    if snakemake.input.get(key, ""):
        opts += [opt, snakemake.input.get(key)]
if out_idx:
    opts.append("--write-index")
opts += ["-O", fmt]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-O", "--output-fmt", "--write-index",
              "-f", "--reference", "--gvcf"], "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 call {opts} {extra} -o {vcf} {bams} {log}",
      opts=" ".join(map(q, opts)), vcf=q(vcf), bams=" ".join(map(q, bams)))
