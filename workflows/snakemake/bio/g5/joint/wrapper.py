"""Snakemake wrapper for g5 joint: genotype a cohort from its samples' gVCFs
(g5, bcftools, GATK, DeepVariant, or an earlier merged gVCF), optionally
writing the merged gVCF to add samples to later."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex
import tempfile

from snakemake.shell import shell

TOOL = "g5 joint wrapper"
MAX_ARGS = 500      # more gVCFs than this go to g5 joint in a list file (-l)


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


def vcf_format(path, what, plain=True):
    """-O and the index name g5 writes, from the file's name."""
    for ext, fmt, idx in ((".vcf.gz", "vcf.gz", ".tbi"), (".bcf", "bcf", ".csi"),
                          (".vcf", "vcf", None)):
        if path.endswith(ext) and (plain or idx):
            return fmt, idx
    fail(f'{what} "{path}": name a .vcf.gz' + (", .bcf or .vcf file" if plain else " or .bcf file"))


gvcfs = as_list(snakemake.input.get("gvcfs", []))
if not gvcfs:
    fail("input.gvcfs (the samples' gVCFs) is required")
ref = snakemake.input.get("ref", "")
if not ref:
    fail("input.ref (the reference FASTA, with its .fai) is required")

vcf = snakemake.output.get("vcf", snakemake.output[0])
fmt, index_ext = vcf_format(vcf, "output")
out_idx = snakemake.output.get("idx", "")
if out_idx and (index_ext is None or out_idx != vcf + index_ext):
    fail(f'output.idx "{out_idx}": ' + (f'g5 writes the index of "{vcf}" as "{vcf}{index_ext}"'
         if index_ext else "plain VCF is not indexed: name the output .vcf.gz or .bcf"))
merged = snakemake.output.get("gvcf", "")
if merged:
    _, merged_ext = vcf_format(merged, "output.gvcf", plain=False)
    merged_idx = snakemake.output.get("gvcf_idx", "")
    if merged_idx and merged_idx != merged + merged_ext:
        fail(f'output.gvcf_idx "{merged_idx}": g5 indexes "{merged}" as "{merged}{merged_ext}"')

opts = ["-f", ref, "-@", str(max(int(snakemake.threads) - 1, 0))]   # additional threads
mem_mb = snakemake.resources.get("mem_mb", None)
if mem_mb:
    opts += ["-m", f"{int(mem_mb)}M"]
region = snakemake.params.get("region", "")
if region:
    opts += ["-r", region]
if snakemake.input.get("regions", ""):
    opts += ["-R", snakemake.input.regions]
if out_idx:
    opts.append("--write-index")
if merged:
    opts += ["--gvcf-out", merged]
opts += ["-O", fmt]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-O", "--output-fmt", "--write-index",
              "-f", "--reference", "--gvcf-out", "-l", "--list"]
      + (["-m", "--memory"] if mem_mb else []), "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
with tempfile.TemporaryDirectory() as tmp:
    if len(gvcfs) > MAX_ARGS:
        listfile = f"{tmp}/gvcfs.list"
        with open(listfile, "w") as f:
            f.writelines(g + "\n" for g in gvcfs)
        inputs = "-l " + q(listfile)
    else:
        inputs = " ".join(map(q, gvcfs))
    shell("g5 joint {opts} {extra} -o {vcf} {inputs} {log}",
          opts=" ".join(map(q, opts)), vcf=q(vcf))
