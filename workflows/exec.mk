# workflows/exec.mk -- how a recipe's command runs: here, or as a SLURM job.
#
# Included by centre.mk and cohort.mk.  Every step's command goes through
#
#   $(call run,THREADS,MEMORY,NAME,COMMAND)
#
# EXEC=local (the default) runs COMMAND with bash here; EXEC=slurm runs it
# as one SLURM job step through srun, which blocks until the job ends, so
# make's dependency order, -j and .DELETE_ON_ERROR work unchanged:
#
#   srun --quiet --quit-on-interrupt --ntasks=1 --cpus-per-task=THREADS --mem=MEMORY --job-name=g5-NAME
#
# (--quit-on-interrupt: one Ctrl-C cancels the running jobs at once, where
# srun would otherwise print a status and let them run on.)
# SRUN_FLAGS adds options (a partition, an account, a time limit).  COMMAND
# is passed to bash -o pipefail -c in single quotes: it must not hold one
# (the workflows quote with double quotes inside), and a pipe fails when
# any of its commands fails.  THREADS and MEMORY use g5's syntax (2, 768M,
# 4G), which srun reads the same way.

EXEC       ?= local
SRUN       ?= srun
SRUN_FLAGS ?=

ifeq ($(EXEC),local)
run = bash -o pipefail -c '$(4)'
else ifeq ($(EXEC),slurm)
run = $(SRUN) --quiet --quit-on-interrupt --ntasks=1 --cpus-per-task=$(1) --mem=$(2) --job-name=g5-$(3) $(SRUN_FLAGS) \
      bash -o pipefail -c '$(4)'
else
$(error EXEC is local or slurm, not "$(EXEC)")
endif

# g5's -@ counts the threads beside the main one.
extra_threads = $(shell echo $$(( $(1) > 1 ? $(1) - 1 : 0 )))
