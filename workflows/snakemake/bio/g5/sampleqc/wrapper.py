"""Snakemake wrapper for g5 sampleqc: per-sample call rate, heterozygosity
and F, Ts/Tv, and sex from X and Y checked against the declared sex."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 sampleqc wrapper"
TSV = ".sampleqc.tsv"


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


geno = snakemake.input.get("geno", snakemake.input[0])
if not re.search(r"\.(vcf\.gz|vcf|bcf|bed)$", geno):
    fail(f'input.geno "{geno}": a .vcf.gz, .bcf or .bed file')

tsv = snakemake.output.get("tsv", snakemake.output[0])
if not tsv.endswith(TSV):
    fail(f'output.tsv "{tsv}" must be PREFIX{TSV}')
prefix = tsv[: -len(TSV)]
suffixes = [TSV, ".sampleqc_mqc.tsv", ".log"]
for out in snakemake.output:
    if out not in [prefix + s for s in suffixes]:
        fail(f'output "{out}" is not a file g5 sampleqc writes under PREFIX "{prefix}" '
             f'(PREFIX{", PREFIX".join(suffixes)})')

opts = []
if snakemake.input.get("sex", ""):
    opts += ["--sex", snakemake.input.sex]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--sex"], "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 sampleqc {opts} {extra} -o {prefix} {geno} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), geno=q(geno))
