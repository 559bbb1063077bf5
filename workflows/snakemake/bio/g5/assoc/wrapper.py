"""Snakemake wrapper for g5 assoc: every declared trait against every variant
(linear or logistic regression, Firth's where the fit fails), GWAS-SSF
summary statistics with their sidecars, Manhattan and QQ plots per trait."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 assoc wrapper"
SSF = ".tsv.gz"


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
geno = snakemake.input.get("geno", "")
pheno = snakemake.input.get("pheno", "")
if not geno or not pheno:
    fail("input.geno (VCF.gz, BCF or plink .bed) and input.pheno (TSV) are required")
if not re.search(r"\.(vcf\.gz|vcf|bcf|bed)$", geno):
    fail(f'input.geno "{geno}": a .vcf.gz, .bcf or .bed file')

# --- outputs: PREFIX.TRAIT.tsv.gz name the traits -----------------------------
sumstats = as_list(snakemake.output.get("sumstats", []))
if not sumstats:
    fail("output.sumstats is required: PREFIX.TRAIT.tsv.gz for each trait to test")
prefix = snakemake.params.get("prefix", "")
traits = []
for s in sumstats:
    if not s.endswith(SSF):
        fail(f'output.sumstats "{s}" must be PREFIX.TRAIT{SSF}')
    stem = s[: -len(SSF)]
    if prefix:
        if not stem.startswith(prefix + "."):
            fail(f'output.sumstats "{s}" is not under params.prefix "{prefix}"')
        trait = stem[len(prefix) + 1:]
    else:
        if "." not in stem.rsplit("/", 1)[-1]:
            fail(f'output.sumstats "{s}" must be PREFIX.TRAIT{SSF}')
        p, trait = stem.rsplit(".", 1)
        if traits and p != prefix_seen:
            fail(f'output.sumstats "{s}" has another PREFIX than "{prefix_seen}"; '
                 "one run writes under one PREFIX")
        prefix_seen = p
    traits.append(trait)
prefix = prefix or prefix_seen
if len(set(traits)) != len(traits):
    fail("a trait is declared twice in output.sumstats")

# Every other output must be a file g5 assoc writes for a declared trait.
per_trait = ("", ".tbi", "-meta.yaml")
known = {f"{prefix}.log"}
for t in traits:
    known.update(f"{prefix}.{t}{SSF}{x}" for x in per_trait)
    known.update(f"{prefix}.{t}.{p}.{e}" for p in ("manhattan", "qq") for e in ("png", "svg"))
for out in snakemake.output:
    if out not in known:
        fail(f'output "{out}" is not a file g5 assoc writes for the declared traits '
             f"({', '.join(traits)}) under PREFIX \"{prefix}\"")

# --- options ------------------------------------------------------------------
opts = ["--pheno", pheno]
for key, opt in (("covar", "--covar"), ("dict", "--dict"), ("policy", "--release-policy")):
    if snakemake.input.get(key, ""):
        opts += [opt, snakemake.input.get(key)]
opts += ["--traits", ",".join(traits)]
for key, opt in (("dosage", "--dosage"), ("assembly", "--assembly")):
    if snakemake.params.get(key, ""):
        opts += [opt, str(snakemake.params.get(key))]
opts.append("--strict")     # a declared trait that cannot be analysed is an error
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--pheno", "--covar", "--dict",
              "--traits", "--release-policy", "--strict"], "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 assoc {opts} {extra} -o {prefix} {geno} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), geno=q(geno))
