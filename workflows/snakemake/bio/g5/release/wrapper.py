"""Snakemake wrapper for g5 release: a release folder of the files given with
MANIFEST.tsv (size, SHA-256, access tier, kind, provenance of each file); an
open release refuses controlled files.  The manifest's own SHA-256 (printed
by g5) goes to output.sha256."""

__author__ = "The g5 developers"
__copyright__ = "Copyright 2026, The g5 developers"
__license__ = "MIT"

import os
import re
import shlex

from snakemake.shell import shell

TOOL = "g5 release wrapper"


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


files = snakemake.input.get("files", None) or [f for f in snakemake.input
                                               if f not in (snakemake.input.get("dict", ""),
                                                            snakemake.input.get("policy", ""))]
if not files:
    fail("input.files: the files to release")
manifest = snakemake.output.get("manifest", snakemake.output[0])
if os.path.basename(manifest) != "MANIFEST.tsv":
    fail(f'output.manifest "{manifest}" must be DIR/MANIFEST.tsv: g5 release builds the folder DIR')
folder = os.path.dirname(manifest) or "."
sha256 = snakemake.output.get("sha256", "")
# Snakemake made DIR for the declared output; g5 release builds it whole
# (beside, then renamed) and refuses one that exists: hand it back empty.
# (A directory() output would not do: snakemake leaves its own timestamp
# file in it, an extra file to g5 verify.)
if os.path.isdir(folder) and not os.listdir(folder):
    os.rmdir(folder)
elif os.path.exists(folder):
    fail(f'"{folder}" exists and is not empty: g5 release builds a new folder')

opts = []
tier = snakemake.params.get("tier", "open")
if tier not in ("open", "controlled"):
    fail(f'params.tier "{tier}": open or controlled')
opts += ["--" + tier]
if snakemake.input.get("dict", ""):
    opts += ["--dict", snakemake.input.dict]
if snakemake.input.get("policy", ""):
    opts += ["--policy", snakemake.input.policy]
opts += ["-@", str(max(int(snakemake.threads) - 1, 0))]    # additional threads

extra = snakemake.params.get("extra", "")
owned(extra, ["-@", "--threads", "-o", "--output", "--open", "--controlled", "--dict", "--policy"], "params.extra")

log = snakemake.log_fmt_shell(stdout=False, stderr=True)
shell("g5 release {opts} {extra} -o {folder} {files} >{out} {log}",
      opts=" ".join(map(q, opts)), folder=q(folder), files=" ".join(map(q, files)),
      out=q(sha256) if sha256 else "/dev/null")
