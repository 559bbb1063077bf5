"""Snakemake wrapper for g5 kin: KING-robust kinship of every pair of samples
as plink2 --make-king-table, degrees of relationship, and the fewest samples
to drop to leave no close relatives."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 kin wrapper"
KIN0 = ".kin0"


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

kin0 = snakemake.output.get("kin0", snakemake.output[0])
if not kin0.endswith(KIN0):
    fail(f'output.kin0 "{kin0}" must be PREFIX{KIN0}')
prefix = kin0[: -len(KIN0)]
suffixes = [KIN0, ".exclude.id", ".log"]
for out in snakemake.output:
    if out not in [prefix + s for s in suffixes]:
        fail(f'output "{out}" is not a file g5 kin writes under PREFIX "{prefix}" '
             f'(PREFIX{", PREFIX".join(suffixes)})')

opts = []
if snakemake.input.get("within", ""):
    opts += ["--within", snakemake.input.within]
for key, opt in (("min_kinship", "--min-kinship"), ("cutoff", "--cutoff")):
    if snakemake.params.get(key, None) is not None:
        opts += [opt, str(snakemake.params.get(key))]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads
mem_mb = snakemake.resources.get("mem_mb", None)
if mem_mb:
    opts += ["-m", f"{int(mem_mb)}M"]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--within", "--min-kinship", "--cutoff"]
      + (["-m", "--memory"] if mem_mb else []), "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 kin {opts} {extra} -o {prefix} {geno} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), geno=q(geno))
