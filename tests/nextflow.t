#!/bin/sh
# nextflow.t -- the Nextflow modules in workflows/nextflow (nf-core layout),
# checked without Nextflow (which is not installed here):
#
#   - every g5 tool that `g5 -h` lists has a module, and every module is a
#     tool's (or G5_ALIGN, bwa mem into g5 sort);
#   - each module has main.nf, meta.yml, environment.yml, tests/main.nf.test;
#   - main.nf has the nf-core parts: process G5_TOOL, tag, label, conda,
#     task.ext.args/prefix, when:, versions.yml emitted, a stub: block that
#     makes every output, threads and memory from task.cpus and task.memory;
#   - meta.yml names the module and describes every input and every emit:;
#   - environment.yml has channels and dependencies;
#   - tests/main.nf.test names the process and has a stub or a real test;
#   - every option a module puts on a g5 command line exists in that tool's
#     `g5 TOOL -h` (defined on an option line, not merely mentioned in prose),
#     including options inside Groovy conditionals (${x ? '--a' : ''}) and in
#     `def` variables the command line uses; so do the options the tests and
#     the subworkflow's configuration give in ext.args;
#   - the subworkflow includes modules that exist;
#   - and the checker fails on broken copies of modules (so this test can fail).
#
# The checker is the perl script below; it prints one line per check:
# STATUS<TAB>description<TAB>detail, STATUS 0 for ok.

. "$(dirname "$0")/lib.sh"

NF=$TOP/workflows/nextflow
command -v perl >/dev/null || skip_all "no perl"
[ -d "$NF/modules/g5" ] || skip_all "no workflows/nextflow/modules/g5"

# ---- the tools and their help texts -------------------------------------------

mkdir -p "$T/help"
"$G5" -h >"$T/g5.help" 2>&1
tools=$(awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }' "$T/g5.help")
[ -n "$tools" ]
ok $? "g5 -h lists the tools"
for t in $tools; do
    "$G5" "$t" -h >"$T/help/$t.txt" 2>&1 || diag "g5 $t -h failed"
done
modules=$(cd "$NF/modules/g5" && ls -d */ | tr -d /)

# lacking_module TOOL...: the tools without modules/g5/TOOL/main.nf
lacking_module() {
    for t in "$@"; do [ -f "$NF/modules/g5/$t/main.nf" ] || echo "$t"; done
}
for t in $tools; do
    [ -z "$(lacking_module "$t")" ]
    ok $? "g5 $t has a module (modules/g5/$t)"
done
for m in $modules; do
    case " $(echo $tools) align " in
        *" $m "*) ok 0 "module $m is a g5 tool's (or the aligner step)" ;;
        *) ok 1 "module $m is a g5 tool's (or the aligner step)"; diag "no g5 tool $m in g5 -h" ;;
    esac
done
for t in release verify; do
    case " $(echo $tools) " in
        *" $t "*) ;;
        *) diag "g5 $t is not in this g5 (g5 -h): no module expected" ;;
    esac
done

# ---- the checker ---------------------------------------------------------------

cat >"$T/nfcheck.pl" <<'PERL'
#!/usr/bin/perl
# nfcheck.pl NFDIR HELPDIR modules MODULE...   checks of modules (see tests/nextflow.t)
# nfcheck.pl NFDIR HELPDIR configs FILE...     options in ext.args of configuration files
# nfcheck.pl NFDIR HELPDIR has TOOL OPTION     exit 0 when g5 TOOL -h defines OPTION
use strict;
use warnings;

my ($nf, $helpdir, $mode, @args) = @ARGV;
my %help;    # tool -> { option -> 1 }, options from the option lines of g5 TOOL -h

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or return undef; local $/; my $t = <$fh>; close $fh; $t }
sub result { my ($bad, $desc, $detail) = @_; $detail //= ''; $detail =~ s/[\t\n]+/ /g; print join("\t", $bad ? 1 : 0, $desc, $detail), "\n" }

# Options defined by a help text: lines that start with blanks and a dash (the
# option part ends where two blanks start the description), and the synopsis
# (Usage: g5 TOOL -f REF.fa ...).
sub help_options {
    my ($tool) = @_;
    return $help{$tool} if $help{$tool};
    my %o;
    my $text = slurp("$helpdir/$tool.txt") // '';
    for my $line (split /\n/, $text) {
        my $spec;
        if ($line =~ /^\s+(-.*?)(?:\s{2,}\S.*)?$/) { $spec = $1 }          # an option line
        elsif ($line =~ /^(?:Usage:)?\s*g5 $tool (.*)$/) { $spec = $1 }   # the synopsis
        else { next }
        for my $tok ($spec =~ /(?:^|[\s,])(--?[\[\w@][\w\[\]@-]*)/g) {
            if ($tok =~ /^(--)\[no-\](.+)$/) { $o{"--$2"} = 1; $o{"--no-$2"} = 1; }
            else { $o{$tok} = 1 }
        }
    }
    $help{$tool} = \%o;
}

# The section of main.nf from "NAME:" to the next section (or the end).
sub section {
    my ($text, $name, @next) = @_;
    my $re_next = join '|', @next;
    return $1 if $text =~ /^\s*$name:\s*\n(.*?)(?=^\s*(?:$re_next):\s*$)/ms;
    return $1 if $text =~ /^\s*$name:\s*\n(.*)\z/ms;
    return '';
}

# def NAME = RHS lines of a block (a RHS may go on over lines ending in ? : + ,)
sub defs {
    my ($block) = @_;
    my %d;
    my @lines = split /\n/, $block;
    for (my $i = 0; $i < @lines; $i++) {
        next unless $lines[$i] =~ /^\s*def\s+(\w+)\s*=\s*(.*)$/;
        my ($name, $rhs) = ($1, $2);
        while ($i + 1 < @lines && ($rhs =~ /[?:+,(]\s*$/ || $lines[$i + 1] =~ /^\s*[?:+]/)) { $rhs .= ' ' . $lines[++$i] }
        $d{$name} = $rhs;
    }
    \%d;
}

# The g5 command lines of a script block: [tool, text to scan, variables used]
sub g5_commands {
    my ($block) = @_;
    $block =~ s{(?:^|\s)//\s.*$}{}mg;          # Groovy comments
    my $d = defs($block);
    my $text = $block;
    $text =~ s/\\\\\n/ /g;                     # shell line continuations (\\ in Groovy)
    my @cmds;
    while ($text =~ /(?<![\w\/.\$-])g5\s+([a-z]+)\b/g) {
        my $tool = $1;
        my $rest = substr($text, pos($text));
        # up to a shell terminator outside ${...}
        my ($depth, $seg) = (0, '');
        for (my $i = 0; $i < length $rest; $i++) {
            my $c = substr($rest, $i, 1);
            if ($c eq '$' && substr($rest, $i + 1, 1) eq '{') { $depth++; $seg .= '${'; $i++; next }
            if ($depth && $c eq '{') { $depth++ }
            elsif ($depth && $c eq '}') { $depth-- }
            elsif (!$depth && $c =~ /[|;>&\n)]/) { last }
            $seg .= $c;
        }
        my %used = map { $_ => 1 } ($seg =~ /\$\{?(\w+)/g);
        # options in def variables the command uses (two levels)
        my $scan = $seg;
        for my $round (1, 2) {
            for my $v (sort keys %used) {
                next unless exists $d->{$v};
                $scan .= ' ' . $d->{$v};
                $used{$_} //= 1 for ($d->{$v} =~ /\$\{?(\w+)/g);
            }
        }
        push @cmds, [$tool, $scan, \%used];
    }
    @cmds;
}

sub options_of { my ($text) = @_; my %o = map { $_ => 1 } ($text =~ /(?:^|[\s'"(\[{])(--?[A-Za-z@][\w-]*)/g); sort keys %o }

sub check_options {
    my ($tool, @opts) = @_;
    my $h = help_options($tool);
    return ('no help text for g5 ' . $tool) unless %$h;
    grep { !$h->{$_} } @opts;
}

# Glob <-> stub names: a glob matches a stub name, or a stub name (with
# ${...} as a wildcard) matches an instance of the glob.
sub glob_re {
    my ($g) = @_;
    my $r = '';
    while (length $g) {
        if ($g =~ s/^\{([^}]*)\}//) { $r .= '(?:' . join('|', map { quotemeta } split /,/, $1, -1) . ')' }
        elsif ($g =~ s/^\*//) { $r .= '[^/]*' }
        elsif ($g =~ s/^\?//) { $r .= '.' }
        elsif ($g =~ s/^\$\{[^}]*\}//) { $r .= '.*' }
        else { $g =~ s/^(.)//s; $r .= quotemeta $1 }
    }
    qr/^$r$/;
}
sub glob_samples {
    my ($g) = @_;
    $g =~ s/\$\{[^}]*\}/PFX/g;
    my @s = ($g);
    while (grep { /\{/ } @s) {
        @s = map { /^(.*?)\{([^}]*)\}(.*)$/ ? do { my ($a, $alts, $b) = ($1, $2, $3); map { "$a$_$b" } split /,/, $alts, -1 } : $_ } @s;
    }
    map { s/\*/PFX/gr =~ s/\?/X/gr } @s;
}
sub stub_names {
    my ($stub) = @_;
    my @n;
    for my $list ($stub =~ /\btouch\s+([^\n'"]+)/g) { push @n, split ' ', $list }
    push @n, ($stub =~ /(?<![0-9&])>\s*([^\s'";&|)]+)/g);
    grep { $_ ne '' && $_ !~ /^[&|]/ } @n;
}
sub stub_makes {
    my ($glob, @names) = @_;
    my $gre = glob_re($glob);
    for my $n (@names) {
        (my $sample = $n) =~ s/\$\{[^}]*\}/X/g;
        return 1 if $sample =~ $gre;
        my $nre = do { my $r = join '', map { /^\$\{/ ? '.*' : quotemeta } split /(\$\{[^}]*\})/, $n; qr/^$r$/ };
        return 1 if grep { $_ =~ $nre } glob_samples($glob);
    }
    0;
}

sub check_module {
    my ($m) = @_;
    my $dir = "$nf/modules/g5/$m";
    my $P = 'G5_' . uc $m;
    my @files = ('main.nf', 'meta.yml', 'environment.yml', 'tests/main.nf.test');
    my @missing = grep { !-s "$dir/$_" } @files;
    result(scalar @missing, "$m: main.nf, meta.yml, environment.yml and tests/main.nf.test present", "missing: @missing");
    my $main = slurp("$dir/main.nf") // '';
    my $metay = slurp("$dir/meta.yml") // '';
    my $env = slurp("$dir/environment.yml") // '';
    my $test = slurp("$dir/tests/main.nf.test") // '';

    # the nf-core parts of main.nf
    my %need = (
        "process $P"          => qr/^process\s+$P\s*\{/m,
        'tag "$meta.id"'      => qr/^\s*tag\s+"\$\{?meta\.id\}?"/m,
        'label process_*'     => qr/^\s*label\s+'process_(?:single|low|medium|high|long|high_memory)'/m,
        'conda environment.yml' => qr/^\s*conda\s+"\$\{moduleDir\}\/environment\.yml"/m,
        'container (or a comment why not)' => qr/^\s*(?:container\s|\/\/.*\bcontainer\b)/mi,
        'input: with a meta map' => qr/^\s*input:\s*\n\s*tuple\s+val\(meta\)/m,
        'path "versions.yml", emit: versions' => qr/^\s*path\s+"versions\.yml"\s*,\s*emit:\s*versions\b/m,
        'when: task.ext.when' => qr/^\s*when:\s*\n\s*task\.ext\.when\s*==\s*null\s*\|\|\s*task\.ext\.when/m,
        'script: with task.ext.args' => qr/^\s*script:\s*\n(?:(?!^\s*stub:).)*def\s+args\s*=\s*task\.ext\.args\b/ms,
        'task.ext.prefix ?: meta.id' => qr/def\s+prefix\s*=\s*task\.ext\.prefix\s*\?:\s*"\$\{meta\.id\}"/,
        'stub: block' => qr/^\s*stub:\s*$/m,
        'versions.yml from g5 --version' => qr/g5 --version \| sed/,
        'threads from task.cpus (-@)' => qr/-@ \$\{task\.cpus(?: - 1)?\}/,
    );
    my @lack = grep { $main !~ $need{$_} } sort keys %need;
    result(scalar @lack, "$m: main.nf has the nf-core parts", "lacks: " . join('; ', @lack));

    my $script = section($main, 'script', 'stub');
    my $stub = section($main, 'stub');
    my @cmds = g5_commands($script);
    my @tools = map { $_->[0] } @cmds;
    my $want = $m eq 'align' ? 'sort' : $m;
    result(!grep({ $_ eq $want } @tools), "$m: its script runs g5 $want", "g5 commands: @tools");

    # memory: every tool whose help has -m gets it from task.memory
    my @nomem = grep { help_options($_->[0])->{'-m'} && $_->[1] !~ /-m \$\{\(task\.memory\.toMega\(\)/ } @cmds;
    result(scalar @nomem, "$m: memory from task.memory (-m) where the tool has -m", 'no -m for: ' . join(' ', map { $_->[0] } @nomem));

    # the key check: options on g5 command lines
    my (@bad, $n);
    for my $c (@cmds) {
        my @o = options_of($c->[1]);
        $n += @o;
        push @bad, map { "g5 $c->[0] $_" } check_options($c->[0], @o);
    }
    result(@bad || !$n, "$m: the " . ($n // 0) . " options on its g5 command lines are in g5 TOOL -h", "not in g5 -h: @bad");

    # options the tests give in ext.args (params.module_args*), for the g5
    # command that uses the matching args variable
    my @tbad;
    while ($test =~ /\b(module_args(\d*))\s*=\s*(['"])(.*?)\3/g) {
        my ($var, $val) = ('args' . $2, $4);
        for my $c (grep { $_->[2]{$var} } @cmds) {
            push @tbad, map { "g5 $c->[0] $_" } check_options($c->[0], options_of($val));
        }
    }
    result(scalar @tbad, "$m: options in its tests' ext.args are in g5 TOOL -h", "not in g5 -h: @tbad");

    # outputs: emit names, and the stub makes every output
    my $out = section($main, 'output', 'when', 'script');
    my @emits = ($out =~ /emit:\s*(\w+)/g);
    my %glob;
    for my $l (split /\n/, $out) {
        next unless $l =~ /emit:\s*(\w+)/; my $e = $1;
        $glob{$e} = $1 if $l =~ /path\s*\(?\s*"([^"]+)"/;
    }
    my @names = stub_names($stub);
    my @unmade = grep { !$glob{$_} || !stub_makes($glob{$_}, @names) } @emits;
    result(!@emits || @unmade || !$stub, "$m: the stub makes every output (" . scalar(@emits) . " emits)", "not made: @unmade");

    # meta.yml: names the module, describes every input and every emit
    my ($min) = $metay =~ /^input:\s*\n(.*?)(?=^\S)/ms;
    my ($mout) = $metay =~ /^output:\s*\n(.*?)(?=^\S|\z)/ms;
    $min //= ''; $mout //= '';
    my $in = section($main, 'input', 'output');
    my @inputs = ($in =~ /\b(?:val|path)\s*\(?\s*(\w+)/g);
    my @mlack = grep { $min !~ /^\s*(?:- )+\Q$_\E:/m } @inputs;
    push @mlack, map { "emit $_" } grep { $mout !~ /^  \Q$_\E:\s*$/m } @emits;
    push @mlack, 'name' unless $metay =~ /^name:\s*"?g5_$m"?\s*$/m;
    result(scalar @mlack, "$m: meta.yml names g5_$m and describes its " . scalar(@inputs) . " inputs and " . scalar(@emits) . " outputs", "missing: @mlack");

    # environment.yml
    my $envok = $env =~ /^channels:\s*\n(\s+- \S.*\n)+/m && $env =~ /^dependencies:\s*\n(\s+- \S.*\n)+/m;
    result(!$envok, "$m: environment.yml has channels and dependencies", '');

    # tests/main.nf.test
    my @tlack;
    push @tlack, "process \"$P\"" unless $test =~ /^\s*process\s+"$P"/m;
    push @tlack, 'script "../main.nf"' unless $test =~ /^\s*script\s+"\.\.\/main\.nf"/m;
    push @tlack, 'a test' unless $test =~ /^\s*test\s*\(/m;
    push @tlack, 'a stub test or an assert process.success' unless $test =~ /options\s+"-stub"/ || $test =~ /assert\s+process\.success/;
    if ($test =~ /^\s*config\s+"\.\/([^"]+)"/m) { push @tlack, "tests/$1" unless -s "$dir/tests/$1" }
    result(scalar @tlack, "$m: tests/main.nf.test names $P and tests it", "lacks: @tlack");
}

# ext.args* = '...' in withName blocks of configuration files: G5_ALIGN's
# args go to bwa mem and args2 to g5 sort; other modules' args to their tool.
sub check_configs {
    my ($n, @bad) = (0);
    for my $cfg (@_) {
        my $proc;
        for my $line (split /\n/, slurp($cfg) // '') {
            $proc = lc $1 if $line =~ /withName:\s*['"][^'"]*G5_(\w+)['"]/;
            next unless $proc && $line =~ /^\s*ext\.(args\d*)\s*=\s*(['"])(.*?)\2/;
            my ($var, $val) = ($1, $3);
            my $tool = $proc eq 'align' ? ($var eq 'args2' ? 'sort' : undef) : ($var eq 'args' ? $proc : undef);
            next unless $tool;
            my @o = options_of($val);
            $n += @o;
            push @bad, map { "$cfg: g5 $tool $_" } check_options($tool, @o);
        }
    }
    result(scalar @bad, "the $n options in ext.args of the configuration files are in g5 TOOL -h", "not in g5 -h: @bad");
}

if ($mode eq 'modules') { check_module($_) for @args }
elsif ($mode eq 'configs') { check_configs(@args) }
elsif ($mode eq 'has') { exit(help_options($args[0])->{$args[1]} ? 0 : 1) }
else { die "nfcheck.pl: unknown mode $mode\n" }
PERL

# report FILE: the checker's lines as TAP
report() {
    while IFS='	' read -r st desc detail; do
        ok "$st" "$desc"
        [ "$st" = 0 ] || diag "$detail"
    done <"$1"
}

# ---- the modules ---------------------------------------------------------------

perl "$T/nfcheck.pl" "$NF" "$T/help" modules $modules >"$T/check.out" 2>"$T/check.err"
ok $? "the checker runs"
[ -s "$T/check.err" ] && sed 's/^/# /' "$T/check.err" >&2
report "$T/check.out"

# The help parser sees the options it must, and not the ones prose mentions
# (g5 coverage -h says "mosdepth's -t (threads)": -t is no option of it).
for pair in "sort --markdup" "sort -@" "sort --write-index" "sort --progress" "sort --no-progress" \
            "markdup --dt" "joint --no-progress" "pca -k" "coverage -T"; do
    set -- $pair
    perl "$T/nfcheck.pl" "$NF" "$T/help" has "$1" "$2"
    ok $? "help parser: g5 $1 -h defines $2"
done
perl "$T/nfcheck.pl" "$NF" "$T/help" has coverage -t
[ $? = 1 ]
ok $? "help parser: -t in g5 coverage -h's prose is no option of it"

# ---- the subworkflow -----------------------------------------------------------

SW=$NF/subworkflows/g5/centre
for f in main.nf meta.yml tests/main.nf.test nextflow.config; do
    [ -s "$SW/$f" ]
    ok $? "subworkflows/g5/centre/$f present"
done
bad=
for inc in $(sed -n "s/^include *{ *\([A-Z0-9_]*\) *} *from *'\([^']*\)'.*/\1=\2/p" "$SW/main.nf"); do
    name=${inc%%=*} path=$SW/${inc#*=}.nf
    grep -q "^process $name {" "$path" 2>/dev/null || bad="$bad $name"
done
[ -z "$bad" ] && grep -q '^include' "$SW/main.nf"
ok $? "G5_CENTRE includes modules that exist"
[ -n "$bad" ] && diag "not found:$bad"
for c in $(sed -n '/^components:/,/^[a-z]/s/^  - //p' "$SW/meta.yml"); do
    [ -f "$NF/modules/$c/main.nf" ]
    ok $? "G5_CENTRE's meta.yml component $c exists"
done
grep -q '^workflow G5_CENTRE {' "$SW/main.nf" && grep -q '^ *workflow "G5_CENTRE"' "$SW/tests/main.nf.test"
ok $? "G5_CENTRE is the workflow its test runs"
# every emit: of the workflow is in its meta.yml
missing=
for e in $(sed -n '/^ *emit:/,/^}/s/^ *\([a-z_]*\) *=.*/\1/p' "$SW/main.nf"); do
    grep -q "^  - $e:" "$SW/meta.yml" || missing="$missing $e"
done
[ -z "$missing" ]
ok $? "G5_CENTRE's meta.yml describes every emit"
[ -n "$missing" ] && diag "missing:$missing"

perl "$T/nfcheck.pl" "$NF" "$T/help" configs $(find "$NF" -name '*.config' | sort) >"$T/cfg.out"
report "$T/cfg.out"

[ -s "$NF/README.md" ]
ok $? "workflows/nextflow/README.md present"
missing=
for m in $modules; do
    grep -q "G5_$(echo "$m" | tr a-z A-Z)" "$NF/README.md" || missing="$missing $m"
done
[ -z "$missing" ]
ok $? "the README names every module"
[ -n "$missing" ] && diag "not named:$missing"

# ---- the checker fails where it should -----------------------------------------

# negative NAME MODULE DESC-PATTERN EXPECT-IN-DETAIL PERL-EDIT FILE
# Copies MODULE, applies the edit to FILE, and expects the check whose
# description matches DESC-PATTERN to fail, naming EXPECT-IN-DETAIL.
negative() {
    name=$1 m=$2 pat=$3 expect=$4 edit=$5 file=$6
    n=$T/neg/$name
    rm -rf "$n" && mkdir -p "$n/modules/g5" && cp -R "$NF/modules/g5/$m" "$n/modules/g5/"
    perl -0pi -e "$edit" "$n/modules/g5/$m/$file"
    if cmp -s "$NF/modules/g5/$m/$file" "$n/modules/g5/$m/$file"; then
        ok 1 "checker self-test: $name"; diag "the edit changed nothing"; return
    fi
    perl "$T/nfcheck.pl" "$n" "$T/help" modules "$m" >"$n.out" 2>&1
    awk -F '\t' -v pat="$pat" -v want="$expect" '
        $2 ~ pat { seen = 1; if ($1 == 1 && index($3, want)) hit = 1 }
        END { exit !(seen && hit) }' "$n.out"
    st=$?
    ok $st "checker self-test: $name"
    [ $st = 0 ] || sed 's/^/# /' "$n.out" >&2
}

negative "a wrong option in a Groovy conditional" sort "options on its g5" "--no-such-option" \
    's/\$\{index \? .--write-index. : .{2}\}/\${index ? "--no-such-option" : ""}/' main.nf
negative "a wrong short option" merge "options on its g5" "-Z" \
    's/(-o \$\{prefix\}\.\$\{extension\})/-Z 3 $1/' main.nf
negative "another tool's option (call's --gvcf on g5 markdup)" markdup "options on its g5" "--gvcf" \
    's/(-M \$\{prefix\}\.markdup\.metrics)/--gvcf $1/' main.nf
negative "an option g5 coverage -h names only in prose (-t)" coverage "options on its g5" "-t" \
    's/(\$prefix \\\\\n)/-t 4 $1/' main.nf
negative "a wrong option in a def the command uses" kin "options on its g5" "--hidden-bad" \
    's/(def prefix = task.ext.prefix[^\n]*\n)/$1    def extra  = "--hidden-bad"\n/; s/(-o \$\{prefix\} \\\\)/\$extra $1/' main.nf
negative "a wrong option in a test's ext.args" pca "tests' ext.args" "--bogus" \
    "s/module_args = '-k 2 --maf 0.01'/module_args = '-k 2 --bogus'/" tests/main.nf.test
negative "an emit missing from meta.yml" stats "meta.yml" "emit stats" \
    's/^  stats:\n/  statistics:\n/m' meta.yml
negative "no stub: block" kin "the nf-core parts" "stub: block" \
    's/\n    stub:\n.*\z/\n}\n/s' main.nf
negative "a stub that misses an output" sampleqc "the stub makes" "mqc" \
    's/    touch \$\{prefix\}\.sampleqc_mqc\.tsv\n//' main.nf
negative "threads not from task.cpus" meta "the nf-core parts" "threads" \
    's/-@ \$\{task\.cpus - 1\}/-@ 4/' main.nf
[ "$(lacking_module sort nosuchtool kin)" = nosuchtool ]
ok $? "checker self-test: a tool without a module"
printf "process {\n    withName: 'G5_CALL' {\n        ext.args = '--gvcf --bogus-opt'\n    }\n}\n" >"$T/neg.config"
perl "$T/nfcheck.pl" "$NF" "$T/help" configs "$T/neg.config" | grep -q '^1	.*g5 call --bogus-opt'
ok $? "checker self-test: a wrong option in a configuration's ext.args"
negative "memory not from task.memory" joint "memory from task.memory" "joint" \
    's/\$\{task\.memory \? "-m [^\n]*\n//' main.nf

done_testing
