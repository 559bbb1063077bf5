"""Snakemake wrapper for g5 meta: fixed-effect, random-effects or sample-size
meta-analysis of several studies' summary statistics, alleles aligned."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import re
import shlex

from snakemake.shell import shell

TOOL = "g5 meta wrapper"
SSF = ".tsv.gz"
MODELS = ("fixed", "random", "samplesize")


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


studies = as_list(snakemake.input.get("studies", []))
if len(studies) < 2:
    fail(f"input.studies needs at least two studies' summary statistics, got {len(studies)}")

sumstats = snakemake.output.get("sumstats", snakemake.output[0])
if not sumstats.endswith(SSF):
    fail(f'output.sumstats "{sumstats}" must be PREFIX{SSF}')
prefix = sumstats[: -len(SSF)]
known = {f"{prefix}{SSF}{x}" for x in ("", ".tbi", "-meta.yaml")} | {f"{prefix}.log"}
known |= {f"{prefix}.{p}.{e}" for p in ("manhattan", "qq") for e in ("png", "svg")}
for out in snakemake.output:
    if out not in known:
        fail(f'output "{out}" is not a file g5 meta writes under PREFIX "{prefix}" '
             f"({', '.join(sorted(known))})")

opts = []
model = snakemake.params.get("model", "")
if model:
    if model not in MODELS:
        fail(f'params.model "{model}": one of {", ".join(MODELS)}')
    opts += ["--model", model]
for key, opt in (("columns", "-c"), ("trait", "--trait"), ("assembly", "--assembly")):
    if snakemake.params.get(key, ""):
        opts += [opt, str(snakemake.params.get(key))]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--model", "-c", "--columns", "--trait",
              "--assembly"], "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 meta {opts} {extra} -o {prefix} {studies} {log}",
      opts=" ".join(map(q, opts)), prefix=q(prefix), studies=" ".join(map(q, studies)))
