/* t_disclose.c -- disclosure control (libseq/disclose): the policy file
 * (every key, comments, the min_set_difference default, the ledger path
 * beside the policy, the SHA-256 of its bytes, bad lines refused with their
 * number); the row rules on their boundaries (MAC rounded from 2·n·MAF,
 * 1 - EAF above 0.5, NaN breaking what it touches, case and control counts
 * only for case-control rows); the sample-set digest against sha256sum(1);
 * and the ledger: sets refused when they differ by 1 .. min_set_difference-1
 * on either side (subsets, supersets, overlaps), the refusal naming the
 * recorded file, an atomic write read back the same, a hand-written ledger
 * read, and corrupt ledgers and IDs the ledger cannot list refused. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <htslib/kstring.h>

#include "tap.h"
#include "scratch.h"
#include "disclose.h"

/* The whole of a file (malloc'ed), or NULL. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    kstring_t s = KS_INITIALIZE;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) kputsn(buf, n, &s);
    fclose(fp);
    if (!s.s) kputs("", &s);
    return s.s;
}

/* The policy in this text refused, the reason holding want. */
static void refused(const char *text, const char *want, const char *desc)
{
    char why[512] = "";
    g5_policy_t p;
    put("bad.policy", text);
    int r = g5_policy_read(in_dir("bad.policy"), &p, why, sizeof why);
    ok(r < 0 && strstr(why, in_dir("bad.policy")) && strstr(why, want) && !p.path && !p.ledger, "%s: %s", desc, why);
}

/* The policy file of test_policy; its SHA-256 from sha256sum(1). */
static const char *policy_text =
    "# release policy of the centre\n"
    "min_mac 5\n"
    "min_maf\t0.001   # the EAF floor\n"
    "\n"
    "min_n 50\n"
    "min_cases 10\n"
    "min_controls 12\n"
    "min_set_difference 20\n"
    "ledger released-sets.tsv\n";
static const char *policy_sha256 = "08d52e46f740a18a32f461b1e22fcf11a1ce9ef9159672a61ed57ac5492b90c0";

static void test_policy(void)
{
    char why[512] = "";
    g5_policy_t p;
    put("centre.policy", policy_text);
    is_int(g5_policy_read(in_dir("centre.policy"), &p, why, sizeof why), 0, "a policy with every key reads %s", why);
    ok(p.min_mac == 5 && p.min_maf == 0.001 && p.min_n == 50 && p.min_cases == 10 && p.min_controls == 12
       && p.min_set_difference == 20, "min_mac 5, min_maf 0.001, min_n 50, min_cases 10, min_controls 12, "
       "min_set_difference 20");
    is_str(p.path, in_dir("centre.policy"), "its path");
    is_str(p.ledger, in_dir("released-sets.tsv"), "the ledger sits beside the policy file");
    is_str(p.digest, policy_sha256, "its digest is sha256sum of the file");
    g5_policy_free(&p);

    put("small.policy", "min_n 30\n");
    is_int(g5_policy_read(in_dir("small.policy"), &p, why, sizeof why), 0, "a one-line policy reads %s", why);
    ok(p.min_n == 30 && p.min_set_difference == 30 && p.min_mac == 0 && p.min_maf == 0 && p.min_cases == 0
       && p.min_controls == 0 && p.ledger == NULL, "min_set_difference defaults to min_n, the rest to 0, no ledger");
    is_str(p.digest, "978c292f03d8b0811011775693174f2bd28b1546003dc9e947e77d39095efff7",
           "sha256sum of \"min_n 30\\n\"");
    g5_policy_free(&p);

    put("abs.policy", "min_maf 0.49\nledger /srv/centre/sets.tsv\nmin_set_difference 0\nmin_n 7\n");
    is_int(g5_policy_read(in_dir("abs.policy"), &p, why, sizeof why), 0, "min_maf 0.49 %s", why);
    ok(p.min_maf == 0.49 && p.min_set_difference == 0 && p.min_n == 7, "min_set_difference 0 kept, not the default");
    is_str(p.ledger, "/srv/centre/sets.tsv", "an absolute ledger path is kept");
    g5_policy_free(&p);

    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) && chdir(dir) == 0) {
        is_int(g5_policy_read("abs.policy", &p, why, sizeof why), 0, "a policy in the working directory %s", why);
        g5_policy_free(&p);
        put("here.policy", "ledger sets.tsv\n");
        is_int(g5_policy_read("here.policy", &p, why, sizeof why), 0, "read by a bare name");
        char *real = realpath(".", NULL), want[4200];
        snprintf(want, sizeof want, "%s/sets.tsv", real ? real : "?");
        free(real);
        is_str(p.ledger, want, "its ledger is in the policy's real directory");
        g5_policy_free(&p);
        if (chdir(cwd) != 0) perror(cwd);
    }

    refused("min_mac 5\n# a comment\nmin_macc 3\n", "line 3: unknown rule \"min_macc\"", "an unknown key");
    refused("min_n -1\n", "line 1: min_n \"-1\" is not a count", "a negative count");
    refused("min_mac 5\nmin_mac five\n", "line 2: min_mac \"five\"", "a word for a count");
    refused("min_mac 5x\n", "line 1: min_mac \"5x\"", "a count with trailing garbage");
    refused("min_n 2.5\n", "line 1: min_n \"2.5\"", "a fraction for a count");
    refused("min_maf 0.5\n", "line 1: min_maf \"0.5\" is not a frequency", "min_maf 0.5");
    refused("min_maf -0.01\n", "line 1: min_maf \"-0.01\"", "a negative min_maf");
    refused("min_maf nan\n", "line 1: min_maf \"nan\"", "min_maf nan");
    refused("\n\nmin_n\n", "line 3: \"min_n\" needs exactly one value", "a key without a value");
    refused("min_n # 5\n", "line 1: \"min_n\" needs exactly one value", "a value commented out");
    refused("min_n 5 6\n", "line 1: \"min_n\" needs exactly one value", "two values");
    ok(g5_policy_read(in_dir("no.policy"), &p, why, sizeof why) < 0 && strstr(why, "cannot read the policy")
       && strstr(why, "no.policy"), "a missing policy file: %s", why);
}

static void test_rows(void)
{
    g5_policy_t mac = { .min_mac = 5 };
    is_int(g5_policy_row(&mac, 100, 0.024, NAN, NAN), 0, "n 100, EAF 0.024: MAC 4.8 rounds to 5, passes min_mac 5");
    is_int(g5_policy_row(&mac, 100, 0.0224, NAN, NAN), G5_POLICY_MAC, "EAF 0.0224: MAC 4.48 rounds to 4, fails");
    is_int(g5_policy_row(&mac, 100, 0.976, NAN, NAN), 0, "EAF 0.976: 1 - EAF gives MAC 5");
    is_int(g5_policy_row(&mac, 100, 0.9776, NAN, NAN), G5_POLICY_MAC, "EAF 0.9776: 1 - EAF gives MAC 4");
    is_int(g5_policy_row(&mac, 100, 0.98, NAN, NAN), G5_POLICY_MAC, "EAF 0.98 counts the minor allele: MAC 4, not 196");
    is_int(g5_policy_row(&mac, 125, 0.98, NAN, NAN), 0, "EAF 0.98, n 125: MAC 5");
    is_int(g5_policy_row(&mac, 1000, 0.5, NAN, NAN), 0, "EAF 0.5");
    is_int(g5_policy_row(&mac, NAN, 0.3, NAN, NAN), G5_POLICY_MAC, "an unknown n breaks min_mac");
    is_int(g5_policy_row(&mac, 1000, NAN, NAN, NAN), G5_POLICY_MAC, "an unknown EAF breaks min_mac");

    g5_policy_t n = { .min_n = 50, .min_mac = 5 };
    is_int(g5_policy_row(&n, 50, 0.3, NAN, NAN), 0, "n 50 passes min_n 50");
    is_int(g5_policy_row(&n, 49, 0.3, NAN, NAN), G5_POLICY_N, "n 49 fails min_n 50");
    is_int(g5_policy_row(&n, NAN, 0.3, NAN, NAN), G5_POLICY_N | G5_POLICY_MAC, "an unknown n breaks min_n and min_mac");

    g5_policy_t maf = { .min_maf = 0.01 };
    is_int(g5_policy_row(&maf, 10, 0.01, NAN, NAN), 0, "EAF 0.01 passes min_maf 0.01");
    is_int(g5_policy_row(&maf, 10, 0.0099, NAN, NAN), G5_POLICY_MAF, "EAF 0.0099 fails");
    is_int(g5_policy_row(&maf, 10, 0.995, NAN, NAN), G5_POLICY_MAF, "EAF 0.995 fails (MAF 0.005)");
    is_int(g5_policy_row(&maf, 10, 0.9, NAN, NAN), 0, "EAF 0.9 passes (MAF 0.1)");
    is_int(g5_policy_row(&maf, NAN, NAN, NAN, NAN), G5_POLICY_MAF, "an unknown EAF breaks min_maf");

    g5_policy_t cc = { .min_cases = 10, .min_controls = 12 };
    is_int(g5_policy_row(&cc, 22, 0.3, 10, 12), 0, "10 cases and 12 controls pass");
    is_int(g5_policy_row(&cc, 21, 0.3, 9, 12), G5_POLICY_CASES, "9 cases fail min_cases");
    is_int(g5_policy_row(&cc, 21, 0.3, 10, 11), G5_POLICY_CONTROLS, "11 controls fail min_controls");
    is_int(g5_policy_row(&cc, 20, 0.3, 9, 11), G5_POLICY_CASES | G5_POLICY_CONTROLS, "both");
    is_int(g5_policy_row(&cc, 5, 0.3, NAN, NAN), 0, "a quantitative row (NaN cases, controls) is not checked");
    is_int(g5_policy_row(&cc, 5, 0.3, 3, NAN), G5_POLICY_CASES, "NaN controls alone: only min_cases applies");

    g5_policy_t all = { .min_mac = 5, .min_maf = 0.001, .min_n = 50, .min_cases = 10, .min_controls = 12 };
    is_int(g5_policy_row(&all, 40, 0.01, 5, 35), G5_POLICY_N | G5_POLICY_MAC | G5_POLICY_CASES,
           "n 40, EAF 0.01, 5 cases: min_n, min_mac (0.8 rounds to 1) and min_cases");
    is_int(g5_policy_row(&all, 5000, 0.0005, 1000, 4000), G5_POLICY_MAF, "MAC 5 but MAF 0.0005: min_maf only");
    g5_policy_t none = { 0 };
    is_int(g5_policy_row(&none, NAN, NAN, 0, 0), 0, "a policy of no rules releases anything");

    is_str(g5_policy_rule_name(G5_POLICY_N), "min_n", "rule name of G5_POLICY_N");
    is_str(g5_policy_rule_name(G5_POLICY_MAC), "min_mac", "of G5_POLICY_MAC");
    is_str(g5_policy_rule_name(G5_POLICY_MAF), "min_maf", "of G5_POLICY_MAF");
    is_str(g5_policy_rule_name(G5_POLICY_CASES), "min_cases", "of G5_POLICY_CASES");
    is_str(g5_policy_rule_name(G5_POLICY_CONTROLS), "min_controls", "of G5_POLICY_CONTROLS");
    int named = 0;
    for (int i = 0; i < G5_POLICY_NRULES; i++) named += strcmp(g5_policy_rule_name(1u << i), "?") != 0;
    is_int(named, G5_POLICY_NRULES, "every one of the G5_POLICY_NRULES bits has a name");
}

static void test_digest(void)
{
    char hex[65] = "", hex2[65] = "";
    const char *cab[] = { "c", "a", "b" }, *abc[] = { "a", "b", "c" };
    ok(g5_sampleset_digest(cab, 3, hex) == 0, "digest of {c, a, b}");
    is_str(hex, "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf",
           "is sha256sum of \"a\\0b\\0c\\0\"");
    ok(!strcmp(cab[0], "c") && !strcmp(cab[1], "a") && !strcmp(cab[2], "b"), "the IDs are left in their order");
    g5_sampleset_digest(abc, 3, hex2);
    is_str(hex2, hex, "{a, b, c} has the same digest");
    g5_sampleset_digest(abc, 2, hex2);
    ok(strcmp(hex2, hex) != 0, "{a, b} has another");
    g5_sampleset_digest(NULL, 0, hex2);
    is_str(hex2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "the empty set: sha256 of nothing");
    const char *ba[] = { "a", "B" };
    g5_sampleset_digest(ba, 2, hex2);
    is_str(hex2, "911d2aed4c79e2437075caccd00676bd518c0301e05f73f0d5d7b0195beacbc8",
           "byte order, not locale: {a, B} is sha256sum of \"B\\0a\\0\"");
}

/* IDs S001.. as strings: ids(from, to) gives S<from> .. S<to>. */
static char idbuf[200][8];
static const char *idp[200];

static const char **ids(int from, int to)
{
    static const char *set[4][200];
    static int k;
    k = (k + 1) % 4;
    for (int i = from; i <= to; i++) set[k][i - from] = idp[i];
    return set[k];
}

/* A set: the IDs of [a1, a2] and of [b1, b2] (b1 > b2 for none), shuffled. */
static const char **two_runs(int a1, int a2, int b1, int b2, int *n)
{
    static const char *set[200];
    *n = 0;
    for (int i = a2; i >= a1; i--) set[(*n)++] = idp[i];
    for (int i = b2; i >= b1; i--) set[(*n)++] = idp[i];
    return set;
}

static int check(const g5_policy_t *p, const g5_ledger_t *l, const char **set, int n, char *why, size_t nwhy)
{
    why[0] = 0;
    return g5_ledger_check(p, l, (const char *const *)set, n, why, nwhy);
}

static void test_ledger(void)
{
    for (int i = 0; i < 200; i++) {
        snprintf(idbuf[i], sizeof idbuf[i], "S%03d", i);
        idp[i] = idbuf[i];
    }
    remove_all();
    char why[512] = "";
    g5_policy_t p;
    g5_ledger_t l;
    put("ledger.policy", "min_n 50\nmin_set_difference 5\nledger sets.tsv\n");
    ok(g5_policy_read(in_dir("ledger.policy"), &p, why, sizeof why) == 0 && p.min_set_difference == 5,
       "a policy with min_set_difference 5 and a ledger %s", why);
    ok(g5_ledger_read(&p, &l, why, sizeof why) < 0 && strstr(why, "sets.tsv\" (policy") && strstr(why, "does not exist")
       && strstr(why, "create it empty"), "a ledger that does not exist is an error, not a fresh start: %s", why);
    put("sets.tsv", "");
    ok(g5_ledger_read(&p, &l, why, sizeof why) == 0 && l.n == 0, "an empty ledger (a first release) is empty %s", why);

    // A = S001..S020
    is_int(g5_ledger_add(&l, "height.tsv.gz", ids(1, 20), 20), 0, "add S001..S020 as height.tsv.gz");
    char hex[65];
    g5_sampleset_digest(ids(1, 20), 20, hex);
    ok(l.n == 1 && l.set[0].nids == 20 && !strcmp(l.set[0].file, "height.tsv.gz") && !strcmp(l.set[0].digest, hex),
       "one set of 20 under its file and digest");
    int n;
    const char **s = two_runs(1, 20, 1, 0, &n);
    is_int(check(&p, &l, s, n, why, sizeof why), 0, "the same set, in another order, is allowed %s", why);
    is_int(check(&p, &l, ids(2, 20), 19, why, sizeof why), 1, "a subset one short is refused");
    ok(strstr(why, "\"height.tsv.gz\"") && strstr(why, "by 1") && strstr(why, "min_set_difference 5"),
       "naming the recorded file, the difference and the rule: %s", why);
    is_int(check(&p, &l, ids(5, 20), 16, why, sizeof why), 1, "a subset four short is refused");
    ok(strstr(why, "by 4 (0 added, 4 left out)") != NULL, "by 4: %s", why);
    is_int(check(&p, &l, ids(6, 20), 15, why, sizeof why), 0, "a subset five short is allowed %s", why);
    is_int(check(&p, &l, ids(1, 21), 21, why, sizeof why), 1, "a superset one more is refused");
    is_int(check(&p, &l, ids(1, 24), 24, why, sizeof why), 1, "a superset four more is refused");
    ok(strstr(why, "by 4 (4 added, 0 left out)") != NULL, "by 4: %s", why);
    is_int(check(&p, &l, ids(1, 25), 25, why, sizeof why), 0, "a superset five more is allowed %s", why);
    s = two_runs(3, 22, 1, 0, &n);
    is_int(check(&p, &l, s, n, why, sizeof why), 1, "an overlap, two out and two in, is refused");
    s = two_runs(11, 23, 1, 0, &n);
    is_int(check(&p, &l, s, n, why, sizeof why), 1, "ten left out but three added is refused (either side)");
    ok(strstr(why, "by 3 (3 added, 10 left out)") != NULL, "by 3: %s", why);
    s = two_runs(6, 25, 1, 0, &n);
    is_int(check(&p, &l, s, n, why, sizeof why), 0, "five out and five in is allowed %s", why);
    is_int(check(&p, &l, ids(101, 120), 20, why, sizeof why), 0, "a disjoint set is allowed %s", why);

    // B = S001..S030 under another file
    is_int(g5_ledger_add(&l, "bmi.tsv.gz", ids(1, 30), 30), 0, "add S001..S030 as bmi.tsv.gz");
    is_int(check(&p, &l, ids(1, 26), 26, why, sizeof why), 1, "S001..S026: 6 from height's set, 4 from bmi's: refused");
    ok(strstr(why, "\"bmi.tsv.gz\"") && !strstr(why, "height"), "naming bmi.tsv.gz: %s", why);
    is_int(g5_ledger_add(&l, "height.tsv.gz", ids(1, 20), 20), 0, "height's set again");
    is_int(l.n, 2, "is not added twice");
    is_int(g5_ledger_add(&l, "weight.tsv.gz", two_runs(1, 20, 1, 0, &n), n), 0, "the same set under another file");
    is_int(l.n, 3, "is added");

    const char *comma[] = { "S001", "x,y" }, *tab[] = { "a\tb" }, *nl[] = { "a\nb" };
    errno = 0;
    ok(g5_ledger_add(&l, "x.tsv.gz", comma, 2) == -1 && errno == EINVAL, "an ID with a comma: -1, EINVAL");
    errno = 0;
    ok(g5_ledger_add(&l, "x.tsv.gz", tab, 1) == -1 && errno == EINVAL, "an ID with a tab: -1, EINVAL");
    errno = 0;
    ok(g5_ledger_add(&l, "x.tsv.gz", nl, 1) == -1 && errno == EINVAL, "an ID with a newline: -1, EINVAL");
    is_int(l.n, 3, "and nothing added");

    // written, then written again: a new file renamed over the old
    why[0] = 0;
    is_int(g5_ledger_write(&p, &l, why, sizeof why), 0, "the ledger is written %s", why);
    struct stat st1, st2;
    int stat1 = stat(p.ledger, &st1);
    is_int(g5_ledger_write(&p, &l, why, sizeof why), 0, "and written again %s", why);
    ok(stat1 == 0 && stat(p.ledger, &st2) == 0 && st1.st_ino != st2.st_ino,
       "as a new file put in place, not rewritten in place");
    is_int(count_files(), 2, "the policy and the ledger, no temporary left");
    kstring_t want = KS_INITIALIZE;
    kputs("#digest\tsize\tfile\tsamples\n", &want);
    const char *file[] = { "height.tsv.gz", "bmi.tsv.gz", "weight.tsv.gz" };
    int last[] = { 20, 30, 20 };
    for (int k = 0; k < 3; k++) {
        g5_sampleset_digest(ids(1, last[k]), last[k], hex);
        ksprintf(&want, "%s\t%d\t%s\t", hex, last[k], file[k]);
        for (int i = 1; i <= last[k]; i++) ksprintf(&want, "%s%s", i > 1 ? "," : "", idp[i]);
        kputc('\n', &want);
    }
    char *text = slurp(p.ledger);
    is_str(text, want.s, "its exact text: digest, size, file, sorted IDs joined by commas");
    free(text);
    free(want.s);

    g5_ledger_t back;
    why[0] = 0;
    is_int(g5_ledger_read(&p, &back, why, sizeof why), 0, "read back %s", why);
    int same = back.n == l.n;
    for (int k = 0; same && k < l.n; k++) {
        same = back.set[k].nids == l.set[k].nids && !strcmp(back.set[k].file, l.set[k].file)
               && !strcmp(back.set[k].digest, l.set[k].digest);
        for (int i = 0; same && i < l.set[k].nids; i++) same = !strcmp(back.set[k].iid[i], l.set[k].iid[i]);
    }
    ok(same, "the same three sets: files, digests, sorted IDs");
    is_int(check(&p, &back, ids(2, 20), 19, why, sizeof why), 1, "and it still refuses S002..S020");
    g5_ledger_free(&back);

    g5_policy_t none = { .min_set_difference = 5 };
    is_int(g5_ledger_write(&none, &l, why, sizeof why), 0, "a policy without a ledger writes nothing");
    ok(g5_ledger_read(&none, &back, why, sizeof why) == 0 && back.n == 0, "and reads an empty one");
    is_int(count_files(), 2, "no file appeared");
    g5_policy_t nodir = p;
    nodir.ledger = in_dir("no/such/sets.tsv");
    ok(g5_ledger_write(&nodir, &l, why, sizeof why) < 0 && strstr(why, "cannot write the ledger")
       && strstr(why, "no/such/sets.tsv"), "an unwritable ledger: %s", why);
    g5_ledger_free(&l);

    // ledgers written by hand
    why[0] = 0;
    put("sets.tsv", "#digest\tsize\tfile\tsamples\n"
                    "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf\t3\tx.tsv.gz\tc,a,b\n");
    ok(g5_ledger_read(&p, &l, why, sizeof why) == 0 && l.n == 1 && l.set[0].nids == 3
       && !strcmp(l.set[0].iid[0], "a") && !strcmp(l.set[0].iid[2], "c") && !strcmp(l.set[0].file, "x.tsv.gz"),
       "a hand-written ledger line with the sha256sum digest of {a, b, c} reads, IDs sorted %s", why);
    g5_ledger_free(&l);
    put("sets.tsv", "#digest\tsize\tfile\tsamples\n"
                    "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf\t3\tx.tsv.gz\ta,b,c\n"
                    "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf\t3\ty.tsv.gz\ta,b,d\n");
    ok(g5_ledger_read(&p, &l, why, sizeof why) < 0 && strstr(why, p.ledger) && strstr(why, "line 3")
       && strstr(why, "do not match the digest") && l.n == 0, "IDs that do not match their digest: %s", why);
    put("sets.tsv", "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf\t4\tx.tsv.gz\ta,b,c\n");
    ok(g5_ledger_read(&p, &l, why, sizeof why) < 0 && strstr(why, "line 1") && strstr(why, "the size says 4"),
       "a size that is not the number of IDs: %s", why);
    put("sets.tsv", "13e228567e8249fce53337f25d7970de3bd68ab2653424c7b8f9fd05e33caedf\t3\ta,b,c\n");
    ok(g5_ledger_read(&p, &l, why, sizeof why) < 0 && strstr(why, "line 1") && strstr(why, "not digest, size"),
       "a line of three fields: %s", why);
    g5_policy_free(&p);
}

int main(void)
{
    if (scratch_init("t_disclose") < 0) return 1;
    test_policy();
    test_rows();
    test_digest();
    test_ledger();
    remove_all();
    rmdir(dir);
    return tap_done();
}
