# workflows/cohort.mk -- the coordinating centre's pipeline: the centres'
# gVCFs to one cohort call set, its QC and structure, the association of
# every trait set, and one MultiQC report over centres and cohort.
#
#   make -f workflows/cohort.mk GVCFS=gvcfs.txt PHENO=phenome.tsv REF=ref.fa OUT=cohort \
#        QC="centreA centreB" TRAIT_SETS="quant=bmi,ldl binary=asthma" -j 2 THREADS=2
#
# GVCFS       a file listing the gVCFs (g5 call --gvcf, or GATK, DeepVariant,
#             bcftools), one path per line
# PHENO       phenotype TSV (IID first); COVAR covariates (optional), DICT the
#             trait dictionary (optional), POLICY a release policy (optional:
#             g5 assoc --release-policy)
# TRAIT_SETS  NAME=trait,trait ... : one g5 assoc run per set, written as
#             OUT/assoc/NAME.*; "all" (the default) is every trait in one run
# QC          the centres' output folders, whose QC goes into the report
# PCS         principal components [10]; 0 skips g5 pca
# THREADS, MEMORY, EXEC, G5, MULTIQC   as in centre.mk
#
# In OUT:
#   cohort.bcf, .csi            g5 joint: every sample re-genotyped
#   cohort.gvcf.bcf, .csi       the merged gVCF: next month's batch is joined
#                               to it without re-reading these gVCFs (N+1)
#   qc/cohort.sampleqc.tsv, qc/cohort.sampleqc_mqc.tsv   g5 sampleqc
#   qc/cohort.kin0, qc/cohort.exclude.id                g5 kin
#   qc/cohort.eigenvec, .eigenval, .loadings, .pca.png  g5 pca
#   assoc/NAME.TRAIT.tsv.gz (+ .tbi, -meta.yaml), assoc/NAME.TRAIT.*.png|svg,
#   assoc/NAME.log              g5 assoc, per trait set
#   multiqc_report.html         the centres' and the cohort's QC, with the
#                               Manhattan and QQ plots
# Safe to stop and rerun as centre.mk; the report and the logs aside, the
# outputs are the same bytes on every run.

GVCFS      ?= $(error GVCFS=gvcfs.txt is needed)
PHENO      ?= $(error PHENO=phenome.tsv is needed)
REF        ?= $(error REF=ref.fa is needed)
OUT        ?= cohort
COVAR      ?=
DICT       ?=
POLICY     ?=
TRAIT_SETS ?= all
QC         ?=
PCS        ?= 10
THREADS    ?= 2
MEMORY     ?= 2G
G5         ?= g5
MULTIQC    ?= multiqc

WORKFLOWS := $(dir $(lastword $(MAKEFILE_LIST)))
include $(WORKFLOWS)exec.mk

SHELL       := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all
.DEFAULT_GOAL := all

# Names go into file names and commands: refuse anything a shell would read.
SAFE := ^[A-Za-z0-9_./][A-Za-z0-9._,=/+-]*$$
$(foreach w,$(TRAIT_SETS) $(QC) $(OUT) $(REF) $(PHENO) $(COVAR) $(DICT) $(POLICY),$(if $(shell [[ '$(subst ','',$(w))' =~ $(SAFE) ]] || echo bad),\
    $(error "$(w)": names may hold only letters, digits and . _ , = / + -)))

G5_THREADS := $(call extra_threads,$(THREADS))
G5_DEP     := $(wildcard $(G5))
# the list's paths go into a command too: the first unsafe line, if any
BAD_GVCF   := $(shell awk '!/^[A-Za-z0-9_.\/+-]+$$/ && NF { print FILENAME " line " NR ": \"" $$0 "\""; exit }' $(GVCFS))
$(if $(BAD_GVCF),$(error $(BAD_GVCF): a gVCF path may hold only letters, digits and . _ / + -))
GVCF_LIST  := $(shell cat $(GVCFS))
SET_NAMES  := $(foreach s,$(TRAIT_SETS),$(firstword $(subst =, ,$(s))))
set_traits = $(word 2,$(subst =, ,$(filter $(1)=%,$(TRAIT_SETS))))
ASSOC_LOGS := $(SET_NAMES:%=$(OUT)/assoc/%.log)
QC_FILES   := $(wildcard $(foreach d,$(QC),$(d)/*.stats.txt $(d)/*.markdup.metrics $(d)/*.mosdepth.*.txt \
                                   $(d)/*_mqc.tsv))
PCA_OUT    := $(if $(filter-out 0,$(PCS)),$(OUT)/qc/cohort.eigenvec)

all: $(OUT)/cohort.bcf $(OUT)/qc/cohort.sampleqc.tsv $(OUT)/qc/cohort.kin0 $(PCA_OUT) $(ASSOC_LOGS) \
     $(OUT)/multiqc_report.html

# ---- joint genotyping ------------------------------------------------------------

$(OUT)/cohort.bcf $(OUT)/cohort.bcf.csi $(OUT)/cohort.gvcf.bcf $(OUT)/cohort.gvcf.bcf.csi &: \
        $(GVCFS) $(GVCF_LIST) $(REF) $(G5_DEP)
	@mkdir -p $(@D)
	$(call run,$(THREADS),$(MEMORY),joint,$(G5) joint -f $(REF) -@ $(THREADS) -m $(MEMORY) -l $(GVCFS) \
	    --write-index --gvcf-out $(OUT)/cohort.gvcf.bcf -o $(OUT)/cohort.bcf)

# ---- QC and structure ------------------------------------------------------------

$(OUT)/qc/cohort.sampleqc.tsv $(OUT)/qc/cohort.sampleqc_mqc.tsv &: $(OUT)/cohort.bcf $(G5_DEP)
	@mkdir -p $(@D)
	$(call run,$(THREADS),$(MEMORY),sampleqc,$(G5) sampleqc -@ $(G5_THREADS) -o $(OUT)/qc/cohort $<)

$(OUT)/qc/cohort.kin0 $(OUT)/qc/cohort.exclude.id &: $(OUT)/cohort.bcf $(G5_DEP)
	@mkdir -p $(@D)
	$(call run,$(THREADS),$(MEMORY),kin,$(G5) kin -@ $(G5_THREADS) -m $(MEMORY) -o $(OUT)/qc/cohort $<)

$(OUT)/qc/cohort.eigenvec $(OUT)/qc/cohort.eigenval &: $(OUT)/cohort.bcf $(G5_DEP)
	@mkdir -p $(@D)
	$(call run,$(THREADS),$(MEMORY),pca,$(G5) pca -k $(PCS) -@ $(G5_THREADS) -m $(MEMORY) -o $(OUT)/qc/cohort $<)

# ---- association, per trait set ----------------------------------------------------

# g5 assoc writes its log last: it stands for the set's files.
$(OUT)/assoc/%.log: $(OUT)/cohort.bcf $(PHENO) $(COVAR) $(DICT) $(POLICY) $(G5_DEP)
	@mkdir -p $(@D)
	$(call run,$(THREADS),$(MEMORY),assoc-$*,$(G5) assoc --pheno $(PHENO) $(if $(COVAR),--covar $(COVAR)) \
	    $(if $(DICT),--dict $(DICT)) $(if $(POLICY),--release-policy $(POLICY)) \
	    $(if $(call set_traits,$*),--traits $(call set_traits,$*)) -@ $(THREADS) -o $(OUT)/assoc/$* $<)

# ---- the report --------------------------------------------------------------------

# MultiQC reads the centres' samtools-stats, Picard and mosdepth files and
# g5's *_mqc.tsv tables; the plots join as custom-content images (*_mqc.png).
$(OUT)/multiqc_report.html: $(QC_FILES) $(OUT)/qc/cohort.sampleqc_mqc.tsv $(ASSOC_LOGS)
	rm -rf $(OUT)/multiqc.tmp && mkdir -p $(OUT)/multiqc.tmp/plots
	for f in $(OUT)/assoc/*.manhattan.png $(OUT)/assoc/*.qq.png; do \
	    [ -e "$$f" ] && cp "$$f" $(OUT)/multiqc.tmp/plots/$$(basename "$${f%.png}")_mqc.png; done; true
	$(MULTIQC) --quiet --force --no-data-dir --title "g5 cohort" --filename multiqc_report.html -o $(OUT)/multiqc.tmp \
	    $(QC) $(OUT)/qc $(OUT)/multiqc.tmp/plots >$(OUT)/multiqc.log 2>&1
	mv $(OUT)/multiqc.tmp/multiqc_report.html $@
	rm -rf $(OUT)/multiqc.tmp
