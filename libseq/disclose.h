/*
 * disclose.h -- disclosure control for summary statistics: which rows may
 * leave a centre, and which sample sets may be released side by side.
 *
 * DESIGN
 * A centre may ship summary statistics of its controlled traits only when
 * no count in them can identify a person.  Two leaks are closed here.
 *
 * Small cells.  A row is suppressed (not written, and counted) when its
 * sample size, minor allele count 2·n·min(EAF, 1−EAF) (rounded to the
 * nearest integer, as the count was before it became a frequency), its
 * minor allele frequency, or for case-control rows its case or control
 * count falls below the policy's minimum.
 *
 * Differencing.  Counts released on two sample sets S and T subtract to
 * counts on S \ T and T \ S (the same trait on nested sets, two traits whose
 * missingness differs by a few people).  So every released set is recorded
 * in the centre's ledger, and a new set is refused when it differs from a
 * recorded one (or from another set of the same run) by at least one and
 * fewer than min_set_difference samples on either side.  The ledger keeps
 * the sample IDs -- it stays at the centre beside the phenotypes -- and the
 * released sidecar carries only the set's digest (SHA-256 over the sorted
 * IDs, each followed by a NUL), which names the set without revealing who
 * is in it.  Per-variant sample sizes that differ by missing calls are not
 * treated as sets: they reveal who has no call, not a phenotype.
 *
 * Policy file: "key value" lines (tab or spaces), '#' comments:
 *   min_mac 5            minor allele count
 *   min_maf 0.001        EAF floor: min(EAF, 1 - EAF)
 *   min_n 50             samples in the test
 *   min_cases 10         per variant, case-control rows
 *   min_controls 10
 *   min_set_difference 50   (default: min_n)
 *   ledger released-sets.tsv   (relative to the policy file's folder)
 * An unknown key, a missing or negative value is an error naming the line:
 * a typo must not silently turn a rule off.  Keys left out are 0 (no rule),
 * except min_set_difference.  The ledger is optional; without it only the
 * sets of one run are compared with each other.
 *
 * Ledger: a TSV, "#" header, one set per line: digest, size, the released
 * file's name, the IDs joined by commas.  It is rewritten atomically.  Its
 * path is taken relative to the policy file's real folder (symbolic links
 * resolved: a workflow stages inputs as links), and it must exist -- empty
 * for a first release: a ledger silently started afresh would forget what
 * was released.  A run that will add to it takes it first
 * (g5_ledger_lock): runs under one policy then take their turns.
 */
#ifndef G5_DISCLOSE_H
#define G5_DISCLOSE_H

#include <stddef.h>

typedef struct g5_policy {
    char *path;                 /**< the policy file */
    char digest[65];            /**< SHA-256 of the policy file, hex */
    long long min_mac;
    double min_maf;
    long long min_n;
    long long min_cases, min_controls;
    long long min_set_difference;
    char *ledger;               /**< resolved path, or NULL */
} g5_policy_t;

/** Why a row is suppressed: bits of g5_policy_row's result. */
enum g5_policy_rule {
    G5_POLICY_N = 1,
    G5_POLICY_MAC = 2,
    G5_POLICY_MAF = 4,
    G5_POLICY_CASES = 8,
    G5_POLICY_CONTROLS = 16,
};
#define G5_POLICY_NRULES 5

/**
 * Read a policy file.
 * @return 0; -1 with @p why set (naming file and line)
 */
int g5_policy_read(const char *path, g5_policy_t *p, char *why, size_t nwhy);

/** Free what g5_policy_read allocated. */
void g5_policy_free(g5_policy_t *p);

/**
 * Judge one row.  A value that is NaN (unknown) breaks any rule that needs
 * it: a count that cannot be checked is not released.
 * @param n           samples in the test
 * @param eaf         effect allele frequency
 * @param n_cases     cases (NaN for a quantitative trait: rule not applied)
 * @param n_controls  controls (likewise)
 * @return 0 when releasable, else the enum g5_policy_rule bits it breaks
 */
unsigned g5_policy_row(const g5_policy_t *p, double n, double eaf, double n_cases, double n_controls);

/** The policy key of one rule bit ("min_mac", ...). */
const char *g5_policy_rule_name(unsigned rule);

/**
 * The digest of a sample set: SHA-256 over the IDs in byte order, each
 * followed by a NUL, as 64 hex digits.  @p iid is not changed.
 * @return 0, or -1 (out of memory, libcrypto failed)
 */
int g5_sampleset_digest(const char *const *iid, int n, char hex[65]);

/** A ledger: the sets released so far. */
typedef struct g5_ledger {
    int n, m;
    struct g5_ledger_set {
        char digest[65];
        char *file;
        int nids;
        char **iid;             /**< sorted */
    } *set;
} g5_ledger_t;

/**
 * Take the ledger for this process: an exclusive lock (flock) on
 * "LEDGER.lock", waiting while another run holds it, so that two runs
 * under one policy take their turns -- the second reads the sets the
 * first wrote -- instead of each rewriting a ledger that lacks the other's
 * sets.  The lock lasts until the process ends; the lock file stays.  A
 * policy without a ledger takes nothing.
 * @return 0; -1 with @p why set (the lock file cannot be made or locked)
 */
int g5_ledger_lock(const g5_policy_t *p, char *why, size_t nwhy);

/**
 * Read the policy's ledger (an empty ledger when the policy names none).
 * @return 0; -1 with @p why set (a ledger named but missing, unreadable or
 *         damaged)
 */
int g5_ledger_read(const g5_policy_t *p, g5_ledger_t *l, char *why, size_t nwhy);

/**
 * May a set be released beside the ledger's?  Refused when it differs from
 * a recorded set by 1 .. min_set_difference-1 samples on either side.
 * A set equal to a recorded one is allowed (same counts, nothing new).
 * @return 0 allowed; 1 refused, with @p why naming the recorded file and
 *         the size of the difference
 */
int g5_ledger_check(const g5_policy_t *p, const g5_ledger_t *l, const char *const *iid, int n, char *why, size_t nwhy);

/**
 * Add a set (a copy of the IDs, which must be distinct) under @p file; an
 * equal set already recorded for the same file is not added twice.
 * @return 0, or -1 with errno ENOMEM, or EINVAL for an empty ID, an ID
 *         holding a comma, tab or newline, or a file name holding a tab or
 *         newline (the ledger's line could not hold them)
 */
int g5_ledger_add(g5_ledger_t *l, const char *file, const char *const *iid, int n);

/**
 * Write the ledger back to the policy's ledger file, atomically.  A policy
 * without a ledger writes nothing.
 * @return 0; -1 with @p why set
 */
int g5_ledger_write(const g5_policy_t *p, const g5_ledger_t *l, char *why, size_t nwhy);

/** Free a ledger. */
void g5_ledger_free(g5_ledger_t *l);

#endif
