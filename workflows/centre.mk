# workflows/centre.mk -- one centre's pipeline: reads to an indexed,
# duplicate-marked BAM, its QC, and a gVCF per sample.
#
#   make -f workflows/centre.mk SHEET=samples.tsv REF=ref.fa OUT=centreA -j 4 THREADS=2 MEMORY=2G
#
# SHEET     TSV with a header: sample, read_group, library, fastq1, fastq2
#           (one line per sample; checked by sheet.awk before anything runs)
# REF       the reference FASTA; its .fai and bwa index are built beside it
#           when missing
# OUT       where the outputs go
# THREADS   threads per job [2]; make -j N runs N jobs at once
# MEMORY    g5's memory budget per job (-m) and the job's memory on SLURM [2G]
# ALIGN_MEMORY  the align job's memory on SLURM: bwa's index on top of
#           MEMORY (about 6G more for a human genome) [MEMORY]
# EXEC      local, or slurm (every step a SLURM job: see slurm/README.md)
# G5, BWA, SAMTOOLS  the programs [g5, bwa, samtools on PATH]
#
# Per sample, in OUT:
#   SAMPLE.bam, .bam.bai         bwa mem | g5 sort --markdup (one process after bwa)
#   SAMPLE.markdup.metrics       Picard's duplication metrics
#   SAMPLE.stats.txt             g5 stats of the BAM (samtools stats' format)
#   SAMPLE.mosdepth.*, SAMPLE.regions.bed.gz, SAMPLE.thresholds.bed.gz,
#   SAMPLE.sex.tsv, SAMPLE.g5cov_mqc.tsv    g5 coverage (mosdepth's files)
#   SAMPLE.g.vcf.gz, .tbi        g5 call --gvcf
#
# Safe to stop at any moment and to rerun: every output appears only when
# complete (g5 writes through temporaries; the bwa index and .fai are built
# under temporary names), .DELETE_ON_ERROR removes what a failed recipe
# left, and a rerun redoes only what is missing -- with the same bytes, as
# bwa runs with a fixed batch size (-K) and g5 writes no timestamps.

SHEET        ?= $(error SHEET=samples.tsv is needed)
REF          ?= $(error REF=ref.fa is needed)
OUT          ?= centre
THREADS      ?= 2
MEMORY       ?= 2G
ALIGN_MEMORY ?= $(MEMORY)
PLATFORM     ?= ILLUMINA
G5           ?= g5
BWA          ?= bwa
SAMTOOLS     ?= samtools
COVERAGE_BY  ?= 1000
THRESHOLDS   ?= 1,5,10,20,30

WORKFLOWS := $(dir $(lastword $(MAKEFILE_LIST)))
include $(WORKFLOWS)exec.mk

SHELL       := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDEXPANSION:
.PHONY: all
.DEFAULT_GOAL := all

# The checked sheet, as make variables: built (and the sheet refused with a
# message) before any target; make restarts itself after writing it.
$(OUT)/.sheet.mk: $(SHEET) $(WORKFLOWS)sheet.awk
	@mkdir -p $(@D)
	awk -v sheet="$<" -f $(WORKFLOWS)sheet.awk "$<" >$@.tmp
	mv $@.tmp $@
include $(OUT)/.sheet.mk

G5_THREADS := $(call extra_threads,$(THREADS))
BWA_INDEX  := $(addprefix $(REF).,amb ann bwt pac sa)
# Redo a sample's steps when g5 changes, if G5 names a file (it may be on PATH).
G5_DEP     := $(wildcard $(G5))

# every output named, so that make never takes one for an intermediate file
OUTPUTS := $(foreach s,$(SAMPLE_NAMES),$(addprefix $(OUT)/$(s).,bam bam.bai markdup.metrics stats.txt \
               mosdepth.summary.txt g.vcf.gz g.vcf.gz.tbi))
all: $(OUTPUTS)

# ---- the reference -----------------------------------------------------------

$(REF).fai: $(REF)
	$(call run,1,1G,faidx,$(SAMTOOLS) faidx --fai-idx $@.tmp $< && mv $@.tmp $@)

# bwa index writes five files: under a temporary prefix, then renamed.
$(BWA_INDEX) &: $(REF)
	$(call run,1,$(ALIGN_MEMORY),bwa-index,$(BWA) index -p $(REF).tmp $< 2>$(REF).bwa-index.log \
	    && for x in amb ann bwt pac sa; do mv $(REF).tmp.$$x $(REF).$$x; done)

# ---- per sample --------------------------------------------------------------

# Aligner output, grouped by template as bwa mem writes it, becomes the
# sorted, duplicate-marked, indexed BAM with its metrics and stats in one
# g5 process.  -K fixes bwa's batch size, so the output does not depend on
# the thread count.  A stopped run may leave temporaries (killed processes
# cannot clean up): they are removed first.
$(OUT)/%.bam $(OUT)/%.bam.bai $(OUT)/%.markdup.metrics $(OUT)/%.stats.txt: \
        $$(FQ1_$$*) $$(FQ2_$$*) $(BWA_INDEX) $(REF).fai $(G5_DEP) $(OUT)/.sheet.mk
	rm -f $(OUT)/$*.bam.tmp.* $(OUT)/$*.bam.bai.tmp.* $(OUT)/$*.markdup.metrics.tmp.* $(OUT)/$*.stats.txt.tmp.* \
	    $(OUT)/$*.bam.g5sort*
	$(call run,$(THREADS),$(ALIGN_MEMORY),align-$*,$(BWA) mem -t $(THREADS) -K 10000000 \
	    -R "@RG\tID:$(RGID_$*)\tSM:$*\tLB:$(LB_$*)\tPL:$(PLATFORM)" $(REF) $(FQ1_$*) $(FQ2_$*) 2>$(OUT)/$*.bwa.log \
	  | $(G5) sort --markdup -@ $(G5_THREADS) -m $(MEMORY) -T $(OUT) --write-index \
	      -M $(OUT)/$*.markdup.metrics --stats $(OUT)/$*.stats.txt -o $(OUT)/$*.bam -)

# g5 coverage puts the summary in place last: it stands for all its files.
$(OUT)/%.mosdepth.summary.txt: $(OUT)/%.bam $(OUT)/%.bam.bai $(G5_DEP)
	rm -f $(OUT)/$*.mosdepth.*.tmp.* $(OUT)/$*.regions.bed.gz*.tmp.* $(OUT)/$*.thresholds.bed.gz*.tmp.* \
	    $(OUT)/$*.sex.tsv.tmp.* $(OUT)/$*.g5cov_mqc.tsv.tmp.*
	$(call run,$(THREADS),$(MEMORY),coverage-$*,$(G5) coverage -@ $(G5_THREADS) -b $(COVERAGE_BY) \
	    -T $(THRESHOLDS) $(OUT)/$* $<)

$(OUT)/%.g.vcf.gz $(OUT)/%.g.vcf.gz.tbi: $(OUT)/%.bam $(OUT)/%.bam.bai $(REF).fai $(G5_DEP)
	rm -f $(OUT)/$*.g.vcf.gz.tmp.* $(OUT)/$*.g.vcf.gz.tbi.tmp.*
	$(call run,$(THREADS),$(MEMORY),call-$*,$(G5) call --gvcf -@ $(G5_THREADS) -f $(REF) --write-index \
	    -o $(OUT)/$*.g.vcf.gz $<)
