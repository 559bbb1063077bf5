# workflows/demo.mk — what `make demo` runs: refdata reads → BAM → g5 stats, g5 coverage.
#
#   make -f workflows/demo.mk G5=/abs/path/g5 OUT=demo     (from the repo top)
#
# Steps, each a real file target written under a temporary name and renamed:
#   OUT/ref.fa(.fai)          copy of refdata/ref.fa and its index
#   OUT/ref.fa.{amb,ann,bwt,pac,sa}   bwa index
#   OUT/demo1.bam(.bai)       bwa mem -K (thread-count independent) | g5 sort --markdup
#   OUT/demo1.markdup.metrics Picard-format duplication metrics
#   OUT/demo1.stats.txt       g5 stats (samtools-stats-compatible report)
#   OUT/demo1.flagstat.txt    g5 stats --flagstat
#   OUT/demo1.mosdepth.*      g5 coverage: mosdepth's summary and distributions,
#   OUT/demo1.regions.bed.gz  mean depth per 1 kb window, bases at 1/5/10x,
#   OUT/demo1.sex.tsv         X depth relative to the autosomes, inferred sex
# then prints the flagstat block and the SN lines. Re-running rebuilds nothing
# unless an input (refdata files, or the G5 binary) is newer than its outputs.
#
# Optional: `make -f workflows/demo.mk multiqc` renders OUT/multiqc_report.html
# from the stats files (needs the multiqc package; not part of the default).
#
# Variables: G5, OUT, THREADS (bwa and g5 threads), BWA, MULTIQC.

G5       ?= ./g5
OUT      ?= demo
THREADS  ?= 2
BWA      ?= bwa
MULTIQC  ?= multiqc

# refdata/ relative to this file, so the Makefile works from any directory.
# (from the repo top this is plain "refdata", which keeps the bwa @PG line clean)
REFDATA  := $(patsubst %workflows/,%refdata,$(dir $(lastword $(MAKEFILE_LIST))))
SAMPLE   := demo1
RG       := @RG\tID:demo1\tSM:demo1\tLB:lib1\tPL:ILLUMINA
BWA_IDX  := $(addprefix $(OUT)/ref.fa.,amb ann bwt pac sa)
# Rebuild the stats when g5 changes, but only if G5 names a file (it may be on PATH).
G5_DEP   := $(wildcard $(G5))

SHELL       := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all show multiqc

# Build everything, then print the results (printing is all a re-run does).
all: $(OUT)/$(SAMPLE).stats.txt $(OUT)/$(SAMPLE).flagstat.txt $(OUT)/$(SAMPLE).markdup.metrics \
     $(OUT)/$(SAMPLE).mosdepth.summary.txt
	$(show-stats)

# ---- reference ---------------------------------------------------------------

$(OUT)/ref.fa: $(REFDATA)/ref.fa
	@mkdir -p $(@D)
	cp $< $@.tmp && mv $@.tmp $@

$(OUT)/ref.fa.fai: $(REFDATA)/ref.fa.fai $(OUT)/ref.fa
	cp $< $@.tmp && mv $@.tmp $@

# bwa index writes five files; build them under a temporary prefix, then
# rename all of them (grouped target: one recipe run makes all five).
$(BWA_IDX) &: $(OUT)/ref.fa
	$(BWA) index -p $(OUT)/ref.fa.tmp $< 2>$(OUT)/bwa-index.log
	for x in amb ann bwt pac sa; do mv $(OUT)/ref.fa.tmp.$$x $(OUT)/ref.fa.$$x; done

# ---- alignment ---------------------------------------------------------------

# -K fixes the batch size so the output does not depend on -t.  One
# process turns bwa's output into the sorted, duplicate-marked, indexed BAM
# with Picard's duplication metrics (g5 writes each output atomically).
$(OUT)/$(SAMPLE).bam $(OUT)/$(SAMPLE).bam.bai $(OUT)/$(SAMPLE).markdup.metrics &: \
        $(REFDATA)/reads_1.fq.gz $(REFDATA)/reads_2.fq.gz $(BWA_IDX) $(OUT)/ref.fa.fai $(G5_DEP)
	$(BWA) mem -t $(THREADS) -K 10000000 -R '$(RG)' $(OUT)/ref.fa \
	    $(REFDATA)/reads_1.fq.gz $(REFDATA)/reads_2.fq.gz 2>$(OUT)/bwa-mem.log \
	  | $(G5) sort --markdup -@ $(THREADS) -m 256M -T $(OUT) --write-index \
	      -M $(OUT)/$(SAMPLE).markdup.metrics -o $(OUT)/$(SAMPLE).bam -

# ---- g5 stats ----------------------------------------------------------------

$(OUT)/$(SAMPLE).stats.txt: $(OUT)/$(SAMPLE).bam $(OUT)/$(SAMPLE).bam.bai $(G5_DEP)
	$(G5) stats -@ $(THREADS) -o $@.tmp $<
	mv $@.tmp $@

$(OUT)/$(SAMPLE).flagstat.txt: $(OUT)/$(SAMPLE).bam $(G5_DEP)
	$(G5) stats --flagstat -@ $(THREADS) $< >$@.tmp || { rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

# ---- g5 coverage -------------------------------------------------------------

# g5 coverage moves the summary into place last, so it stands for all outputs.
$(OUT)/$(SAMPLE).mosdepth.summary.txt: $(OUT)/$(SAMPLE).bam $(G5_DEP)
	$(G5) coverage -@ $(THREADS) -b 1000 -T 1,5,10 $(OUT)/$(SAMPLE) $<

# ---- report ------------------------------------------------------------------

define show-stats
@echo
@echo "== $(OUT)/$(SAMPLE).bam: g5 stats --flagstat =="
@cat $(OUT)/$(SAMPLE).flagstat.txt
@echo
@echo "== $(OUT)/$(SAMPLE).stats.txt: summary numbers (SN) =="
@grep '^SN' $(OUT)/$(SAMPLE).stats.txt | cut -f 2-
@echo
@echo "== $(OUT)/$(SAMPLE).markdup.metrics: duplication (Picard's format) =="
@grep -A2 '^## METRICS' $(OUT)/$(SAMPLE).markdup.metrics | tail -2 | cut -f 1-3,7-10
@echo
@echo "== $(OUT)/$(SAMPLE).mosdepth.summary.txt: depth (mosdepth's format) and sex =="
@grep -v '_region' $(OUT)/$(SAMPLE).mosdepth.summary.txt
@cut -f 1,5-7 $(OUT)/$(SAMPLE).sex.tsv | grep -v '^#'
endef

show: $(OUT)/$(SAMPLE).stats.txt $(OUT)/$(SAMPLE).flagstat.txt $(OUT)/$(SAMPLE).mosdepth.summary.txt
	$(show-stats)

$(OUT)/multiqc_report.html: $(OUT)/$(SAMPLE).stats.txt $(OUT)/$(SAMPLE).flagstat.txt $(OUT)/$(SAMPLE).markdup.metrics \
                            $(OUT)/$(SAMPLE).mosdepth.summary.txt
	rm -rf $(OUT)/multiqc.tmp
	$(MULTIQC) --quiet --force --no-data-dir -o $(OUT)/multiqc.tmp $^ \
	    $(OUT)/$(SAMPLE).mosdepth.global.dist.txt $(OUT)/$(SAMPLE).mosdepth.region.dist.txt \
	    $(OUT)/$(SAMPLE).g5cov_mqc.tsv
	mv $(OUT)/multiqc.tmp/multiqc_report.html $@
	rm -rf $(OUT)/multiqc.tmp

multiqc: $(OUT)/multiqc_report.html
