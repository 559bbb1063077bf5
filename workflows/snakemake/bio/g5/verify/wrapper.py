"""Snakemake wrapper for g5 verify: re-check a release folder against its
MANIFEST.tsv -- missing, extra or changed files and tiers judged again; the
rule fails on any difference.  output.report receives g5 verify's report."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import os
import re
import shlex

from snakemake.shell import shell

TOOL = "g5 verify wrapper"


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


release = snakemake.input.get("release", snakemake.input[0])
# the folder, or its MANIFEST.tsv (what a release rule declares)
folder = os.path.dirname(release) if os.path.basename(release) == "MANIFEST.tsv" else release
report = snakemake.output.get("report", snakemake.output[0])

opts = []
sha256 = snakemake.params.get("sha256", "")
if not sha256 and snakemake.input.get("sha256", ""):
    # the file g5 release printed: "HEX  DIR/MANIFEST.tsv"
    with open(snakemake.input.sha256) as f:
        words = f.read().split()
    sha256 = words[0] if words else ""
if sha256:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        fail(f'the manifest\'s SHA-256 "{sha256}" is not 64 hex digits')
    opts += ["--sha256", sha256]
if snakemake.input.get("dict", ""):
    opts += ["--dict", snakemake.input.dict]
if snakemake.input.get("policy", ""):
    opts += ["--policy", snakemake.input.policy]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "--sha256", "--dict", "--policy"], "params.extra")

# The report is g5 verify's standard error; the rule fails with g5 on any
# difference (and the report, a failed rule's output, is then removed: the
# differences are in the log too).
copy = f"cat {q(report)} >>{q(snakemake.log[0])}" if snakemake.log else f"cat {q(report)} >&2"
# (snakemake runs this under set -e: the status is kept with ||)
shell("status=0; g5 verify {opts} {extra} {folder} 2>{report} || status=$?; {copy}; exit $status",
      opts=" ".join(map(q, opts)), folder=q(folder), report=q(report), copy=copy)
