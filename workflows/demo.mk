# workflows/demo.mk -- what `make demo` runs: a small multi-centre program on
# refdata, end to end.
#
#   make -f workflows/demo.mk G5=/abs/path/g5 OUT=demo -j 2
#
# 1. demo/sim: three centres of two participants each, simulated from fixed
#    seeds over refdata's reference (its contigs renamed 1-5, X, MT) (workflows/demo/simulate.sh): 300 planted
#    SNVs, reads by dwgsim, sample sheets, a phenome of three traits (ldl
#    and asthma with a causal variant each, height without) and its dictionary.
# 2. demo/centreA, centreB, centreC: each centre's pipeline (centre.mk):
#    bwa mem | g5 sort --markdup, g5 coverage, g5 call --gvcf.
# 3. demo/cohort: the coordinating centre (cohort.mk): g5 joint over the six
#    gVCFs, g5 sampleqc, kin and pca, g5 assoc per trait set, MultiQC.
# 4. demo/cohort/concordance.tsv: the cohort's calls against the planted
#    variants (g5 concord per participant).
# Then it prints where the report and the plots are.  A rerun redoes
# nothing; THREADS, MEMORY and EXEC pass through to the pipelines.

G5      ?= ./g5
OUT     ?= demo
THREADS ?= 1
MEMORY  ?= 512M
EXEC    ?= local

WORKFLOWS := $(dir $(lastword $(MAKEFILE_LIST)))
REFDATA   := $(WORKFLOWS)../refdata
REF       := $(OUT)/ref/ref.fa
SIM       := $(OUT)/sim
CENTRES   := A B C
PIPE      := G5=$(G5) THREADS=$(THREADS) MEMORY=$(MEMORY) EXEC=$(EXEC)

SHELL       := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
.PHONY: all centres $(CENTRES:%=centre%) cohort

all: $(OUT)/cohort/concordance.tsv
	@echo
	@echo "g5 demo: 3 centres x 2 participants, simulated in $(SIM)"
	@for c in $(CENTRES); do echo "  centre $$c: $(OUT)/centre$$c (BAMs, QC, gVCFs)"; done
	@echo "  cohort calls:    $(OUT)/cohort/cohort.bcf ($$(bcftools view -H $(OUT)/cohort/cohort.bcf | wc -l) variants)"
	@echo "  planted variants found (concordance, per participant):"
	@column -t $(OUT)/cohort/concordance.tsv | sed 's/^/    /'
	@echo "  association:     $(OUT)/cohort/assoc/*.tsv.gz (GWAS-SSF), $(OUT)/cohort/assoc/*.log"
	@echo "  plots:           $$(ls $(OUT)/cohort/assoc/*.png | tr '\n' ' ')"
	@echo "  report:          $(OUT)/cohort/multiqc_report.html"

# refdata's C. elegans contigs named as GWAS-SSF and the tools' human
# chromosome codes read them: autosomes I-V as 1-5, X, MtDNA as MT
$(REF): $(REFDATA)/ref.fa
	@mkdir -p $(@D)
	sed -e 's/^>CHROMOSOME_I$$/>1/; s/^>CHROMOSOME_II$$/>2/; s/^>CHROMOSOME_III$$/>3/' \
	    -e 's/^>CHROMOSOME_IV$$/>4/; s/^>CHROMOSOME_V$$/>5/; s/^>CHROMOSOME_X$$/>X/; s/^>CHROMOSOME_MtDNA$$/>MT/' \
	    $< >$@.tmp && mv $@.tmp $@

# simulate.sh builds the folder whole, or not at all
$(SIM)/phenome.tsv: $(WORKFLOWS)demo/simulate.sh $(REF)
	$(WORKFLOWS)demo/simulate.sh $(REF) $(abspath $(SIM))

# the reference's indexes, once, before the centres share them
$(REF).bwt: $(SIM)/phenome.tsv
	$(MAKE) --no-print-directory -f $(WORKFLOWS)centre.mk SHEET=$(SIM)/centreA.tsv REF=$(REF) OUT=$(OUT)/centreA \
	    $(PIPE) $(REF).fai $(REF).bwt

$(CENTRES:%=centre%): centre%: $(REF).bwt
	$(MAKE) --no-print-directory -f $(WORKFLOWS)centre.mk SHEET=$(SIM)/centre$*.tsv REF=$(REF) OUT=$(OUT)/centre$* \
	    $(PIPE)

# The list of gVCFs, rewritten only when it changes (joint reruns on change).
$(OUT)/gvcfs.txt: $(CENTRES:%=centre%)
	for c in $(CENTRES); do ls $(OUT)/centre$$c/*.g.vcf.gz; done >$@.tmp
	if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

cohort: $(OUT)/gvcfs.txt
	$(MAKE) --no-print-directory -f $(WORKFLOWS)cohort.mk GVCFS=$(OUT)/gvcfs.txt PHENO=$(SIM)/phenome.tsv \
	    DICT=$(SIM)/traits.dict.tsv REF=$(REF) OUT=$(OUT)/cohort QC="$(CENTRES:%=$(OUT)/centre%)" PCS=2 \
	    TRAIT_SETS="quant=ldl,height binary=asthma" $(PIPE)

$(OUT)/cohort/concordance.tsv: cohort
	printf 'sample\tTP\tFP\tFN\tgt_mismatch\trecall\tprecision\n' >$@.tmp
	for s in S1 S2 S3 S4 S5 S6; do \
	    $(G5) concord -f $(REF) -s $$s $(SIM)/truth.vcf $(OUT)/cohort/cohort.bcf \
	      | awk -F'\t' -v s=$$s '$$1 == "SNV" { print s "\t" $$2 "\t" $$3 "\t" $$4 "\t" $$5 "\t" $$7 "\t" $$6 }'; \
	done >>$@.tmp
	mv $@.tmp $@
