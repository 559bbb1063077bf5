# workflows/bench/bench.mk — what `make bench` runs: g5 against its peers, as ratios.
#
#   make -f workflows/bench/bench.mk G5=/abs/path/g5 [WORK=dir] [PAIRS=n] [REPEATS=n]
#
# The benchmark BAM (PAIRS dwgsim read pairs on htslib-test's 1 Mb ce.fa, bwa
# mem, samtools sort) is generated once under WORK and never committed; the
# timings run every time the target is asked for (a benchmark is a
# measurement, not a build product). See workflows/bench/README.md.

G5       ?= ./g5
BENCH    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
WORK     ?= $(BENCH)/work
PAIRS    ?= 1000000
REPEATS  ?= 3
THREADS_LIST ?= 0 2

SHELL       := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
PAIRS_SORT ?= 2000000

.PHONY: all stats sort bam pairs coverage covbam call callbam joint gvcfs assoc assocdata structure resume

all: stats sort coverage call joint assoc structure resume

bam: $(WORK)/bench.bam
pairs: $(WORK)/pairs.bam

# gen-bam.sh writes bench.bam under a temporary name and renames it when done.
$(WORK)/bench.bam:
	$(BENCH)/gen-bam.sh $(WORK) $(PAIRS)

stats: $(WORK)/bench.bam
	REPEATS=$(REPEATS) THREADS_LIST='$(THREADS_LIST)' \
	    $(BENCH)/stats-bench.sh $(G5) $(WORK)/bench.bam $(WORK)

# The alignment post-processing input: bwa mem output (name-grouped) of
# PAIRS_SORT pairs with known PCR and optical duplicates.
$(WORK)/pairs.bam:
	$(BENCH)/gen-pairs.sh $(WORK) $(PAIRS_SORT)

sort: $(WORK)/pairs.bam
	REPEATS=$(REPEATS) $(BENCH)/sort-bench.sh $(G5) $(WORK)/pairs.bam $(WORK)

# Depth of coverage: a COV_DEPTH-x sample of 2x150 bp pairs on a 6 Mb
# reference, and the same records under a header declaring a 250 Mb contig.
# gen-coverage.sh writes coverage-long.bam last and skips what is there.
COV_DEPTH ?= 30

covbam: $(WORK)/coverage-long.bam

$(WORK)/coverage-long.bam:
	$(BENCH)/gen-coverage.sh $(WORK) $(COV_DEPTH)

coverage: $(WORK)/coverage-long.bam
	REPEATS=$(REPEATS) THREADS_LIST='$(THREADS_LIST)' \
	    $(BENCH)/coverage-bench.sh $(G5) $(WORK)/coverage.bam $(WORK)/coverage-long.bam $(WORK)

# Variant calling: three diploid samples (dwgsim, one seed each, mutation rate
# 0.001, 15% indels: the truth) at CALL_DEPTH-x of 2x150 bp pairs on a 2 Mb
# reference (CHROMOSOME_I of ce.fa + 1 Mb pseudo-random), bwa mem piped into
# g5 sort --markdup --write-index.  gen-calls.sh skips what is there.
CALL_DEPTH ?= 30
CALL_BAMS  := $(WORK)/call-s1.bam $(WORK)/call-s2.bam $(WORK)/call-s3.bam

callbam: $(CALL_BAMS)

$(CALL_BAMS):
	$(BENCH)/gen-calls.sh $(G5) $(WORK) $(CALL_DEPTH)

call: $(CALL_BAMS)
	REPEATS=$(REPEATS) $(BENCH)/call-bench.sh $(G5) $(WORK)/gen-calls/ref.fa $(WORK) $(CALL_BAMS)

# Joint genotyping: DISTINCT diploid samples drawn from one pool of planted
# variants (dwgsim, 20x of 2x150 bp on a 200 kb reference), each through
# bwa mem | g5 sort --markdup and g5 call --gvcf, then max(NS) renamed copies
# of their gVCFs listed in gvcfs-N.list.  gen-gvcfs.sh skips what is there.
# The accuracy part of joint-bench.sh uses the call bench's samples.
DISTINCT ?= 20
NS       ?= 10 100 1000
MEM      ?= 512
GVCF_LISTS := $(foreach n,$(NS),$(WORK)/gvcfs-$(n).list)

gvcfs: $(GVCF_LISTS)

$(GVCF_LISTS):
	DISTINCT=$(DISTINCT) NS='$(NS)' $(BENCH)/gen-gvcfs.sh $(G5) $(WORK)

joint: $(GVCF_LISTS) $(CALL_BAMS)
	REPEATS=$(REPEATS) NS='$(NS)' MEM=$(MEM) \
	    $(BENCH)/joint-bench.sh $(G5) $(WORK)/gen-gvcfs/ref.fa $(WORK) $(WORK)

# Association: NSAMPLES samples, each two mosaics of the 600 haplotypes of
# Debian's shapeit4 example panel, at NVARIANTS variants (the panel's 24,990
# tiled over chromosomes 1..22), 100 quantitative traits, 5 covariates.
# gen-assoc.sh does nothing when the data is there with these sizes, and
# makes it again when they change.  plot-bench (plot-bench.c, linked
# against libseq.a with the libraries the top Makefile links g5 with)
# times libseq's Manhattan and QQ plots of a million points.
NSAMPLES  ?= 2000
NVARIANTS ?= 500000
CC        ?= cc
TOP       := $(abspath $(BENCH)/../..)
LIBSEQ    ?= $(TOP)/libseq.a
PLOT_CFLAGS := $(shell pkg-config --cflags cairo fontconfig libpng 2>/dev/null)
PLOT_LIBS   := $(shell pkg-config --libs htslib 2>/dev/null || echo -lhts) \
               $(shell pkg-config --libs lapacke openblas 2>/dev/null || echo -llapacke -lopenblas) -lgsl -lcrypto \
               $(shell pkg-config --libs cairo fontconfig libpng 2>/dev/null || echo -lcairo -lfontconfig -lpng16) -lz -lm -lpthread

assocdata:
	$(BENCH)/gen-assoc.sh $(WORK) $(NSAMPLES) $(NVARIANTS)

$(WORK)/plot-bench: $(BENCH)/plot-bench.c $(LIBSEQ) $(TOP)/libseq/plot.h
	@mkdir -p $(WORK)
	$(CC) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I$(TOP)/libseq $(PLOT_CFLAGS) -o $@ $< $(LIBSEQ) $(PLOT_LIBS)

assoc: assocdata $(WORK)/plot-bench
	REPEATS=$(REPEATS) $(BENCH)/assoc-bench.sh $(G5) $(WORK) $(WORK)

# Structure and relatedness: g5 kin and g5 pca against plink2
# --make-king-table and --pca on the association cohort (gen-assoc.sh's VCF).
structure: assocdata
	REPEATS=$(REPEATS) $(BENCH)/structure-bench.sh $(G5) $(WORK) $(WORK)

# The centre pipeline killed with SIGKILL at KILLS moments spread over its
# run, each rerun compared byte for byte with an uninterrupted run.
KILLS ?= 40

resume:
	$(BENCH)/resume-bench.sh $(G5) $(WORK) $(KILLS)
