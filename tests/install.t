#!/bin/bash
# install.t -- `make install` lays out g5, libseq and its pkg-config file,
# and a program builds against the installed library alone.
. "$(dirname "$0")/lib.sh"

D=$T/root
runs "make install DESTDIR=... PREFIX=/opt/g5" make -s -C "$TOP" SANITIZE="${G5_SANITIZE:-}" install DESTDIR="$D" PREFIX=/opt/g5
for f in bin/g5 lib/libseq.a lib/libseq.so lib/libseq.so.0 lib/pkgconfig/libseq.pc \
         include/libseq/cli.h include/libseq/out.h share/man/man1/g5.1 share/man/man1/g5-stats.1; do
    [ -e "$D/opt/g5/$f" ]; ok $? "installed $f"
done
grep -qx 'prefix=/opt/g5' "$D/opt/g5/lib/pkgconfig/libseq.pc"; ok $? "libseq.pc knows its prefix"

# Build and run a program against the installed tree through pkg-config.
cat > "$T/use.c" <<'C'
#include <stdio.h>
#include <cli.h>
#include <out.h>
int main(void) {
    size_t n;
    if (g5_parse_size("2G", &n) < 0) return 1;
    printf("%zu %s\n", n, g5_version());
    return 0;
}
C
export PKG_CONFIG_PATH="$D/opt/g5/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
runs "a program compiles against the installed libseq" \
    sh -c "cc -o '$T/use' '$T/use.c' \$(pkg-config --cflags --libs libseq) ${G5_SANITIZE:+-fsanitize=address,undefined}"
out=$(LD_LIBRARY_PATH="$D/opt/g5/lib" "$T/use" 2>&1)
is "${out%% *}" 2147483648 "and runs, linked to the shared libseq"
"$D/opt/g5/bin/g5" --version >/dev/null; ok $? "the installed g5 runs"

done_testing
