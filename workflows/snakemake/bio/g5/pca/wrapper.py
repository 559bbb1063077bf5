"""Snakemake wrapper for g5 pca: principal components of the standardised
genotypes as plink2 --pca meanimpute, with loadings; or the projection of new
samples onto the loadings of an earlier run."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 pca wrapper"
EIGENVEC = ".eigenvec"


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
project = snakemake.input.get("loadings", "")
labels = snakemake.input.get("labels", "")

eigenvec = snakemake.output.get("eigenvec", snakemake.output[0])
if not eigenvec.endswith(EIGENVEC):
    fail(f'output.eigenvec "{eigenvec}" must be PREFIX{EIGENVEC}')
prefix = eigenvec[: -len(EIGENVEC)]
# A projection writes only the eigenvectors, the plot and the log.
suffixes = [EIGENVEC, ".log", ".pca.png", ".pca.svg"]
if not project:
    suffixes += [".eigenval", ".loadings"]
for out in snakemake.output:
    if out not in [prefix + s for s in suffixes]:
        fail(f'output "{out}" is not a file g5 pca {"--project " if project else ""}writes '
             f'under PREFIX "{prefix}" (PREFIX{", PREFIX".join(suffixes)})')

opts = []
k = snakemake.params.get("k", None)
if k is not None:
    if project:
        fail("params.k does not apply to a projection: the loadings fix the components")
    opts += ["-k", str(int(k))]
if project:
    opts += ["--project", project]
if labels:
    opts += ["--labels", labels]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads
mem_mb = snakemake.resources.get("mem_mb", None)
if mem_mb:
    opts += ["-m", f"{int(mem_mb)}M"]

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "-k", "--project", "--labels"]
      + (["-m", "--memory"] if mem_mb else []), "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 pca {opts} {extra} -o {prefix} {geno} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), geno=q(geno))
