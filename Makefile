# g5 -- build, test, demo, benchmark and install.
#
#   make                 libseq.a, libseq.so and the g5 binary
#   make check           install missing Debian packages, build, run every test
#   make demo            install missing Debian packages, run the demo on refdata
#   make bench           g5 against its peers, side by side (workflows/bench)
#   make asan            make check, built with AddressSanitizer and UBSan
#   make install PREFIX=/usr/local [DESTDIR=...]
#
# Plain GNU make; no configure step.  SANITIZE=1 builds the sanitizer
# variant into .obj-asan/ so the two builds never mix objects.

PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
LIBDIR   = $(PREFIX)/lib
INCDIR   = $(PREFIX)/include/libseq
MANDIR   = $(PREFIX)/share/man/man1
PKGDIR   = $(LIBDIR)/pkgconfig

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wno-unused-parameter -Wformat=2
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
HTS_CFLAGS := $(shell pkg-config --cflags htslib 2>/dev/null)
HTS_LIBS   := $(shell pkg-config --libs htslib 2>/dev/null || echo -lhts)
# Numerics: GSL for distributions, OpenBLAS (CBLAS) and LAPACKE for the
# matrix work (GSL takes OpenBLAS's CBLAS, not its own reference one); and
# OpenSSL's libcrypto for checksums; cairo for plots, libpng to write them fast.
NUM_CFLAGS := $(shell pkg-config --cflags openblas lapacke cairo fontconfig libpng 2>/dev/null)
NUM_LIBS   := $(shell pkg-config --libs lapacke openblas 2>/dev/null || echo -llapacke -lopenblas) -lgsl -lcrypto \
              $(shell pkg-config --libs cairo fontconfig libpng 2>/dev/null || echo -lcairo -lfontconfig -lpng16)
LIBS     = $(HTS_LIBS) $(NUM_LIBS) -lz -lm -lpthread

ifeq ($(SANITIZE),1)
O        = .obj-asan
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BIN      = $(O)/g5
ALIB     = $(O)/libseq.a
SOLIB    = $(O)/libseq.so
else
O        = .obj
SAN      =
BIN      = g5
ALIB     = libseq.a
SOLIB    = libseq.so
endif

SOVERSION = 0
ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) -fPIC -I. -Ilibseq -I$(O) $(HTS_CFLAGS) $(NUM_CFLAGS) $(CPPFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

LIB_SRC  = $(wildcard libseq/*.c)
TOOL_SRC = $(wildcard tools/*.c)
UNIT_SRC = $(wildcard tests/t_*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(O)/%.o)
TOOL_OBJ = $(TOOL_SRC:%.c=$(O)/%.o)
UNIT_BIN = $(UNIT_SRC:%.c=$(O)/%)
MANPAGES = $(wildcard tools/man/*.1)

# The one list of Debian packages that building, testing, the demo and the
# benchmarks need.  `make deps` installs the missing ones (as root) or prints
# the apt-get line to run.
DEB_PACKAGES = gcc make pkg-config perl libhts-dev zlib1g-dev libgsl-dev libopenblas-dev liblapacke-dev libssl-dev libcairo2-dev libpng-dev \
               samtools bcftools tabix htslib-test bwa dwgsim multiqc picard-tools mosdepth plink2 plink1.9 \
               shapeit4-example snakemake time

.PHONY: all check test demo bench asan install uninstall deps clean
.DELETE_ON_ERROR:

all: $(BIN) $(ALIB) $(SOLIB) $(UNIT_BIN)

# version.h changes only when the version or the compiler flags do, so an
# unchanged tree never rebuilds.
$(O)/version.h: FORCE
	@mkdir -p $(O)
	@printf '#define G5_VERSION "%s"\n#define G5_CC "%s"\n#define G5_CFLAGS "%s"\n' \
	    "$$(./version.sh)" "$(CC)" "$(CFLAGS) $(SAN)" > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
FORCE:

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libseq/out.o $(O)/tools/g5.o: $(O)/version.h

$(ALIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(SOLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libseq.so.$(SOVERSION) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BIN): $(TOOL_OBJ) $(ALIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TOOL_OBJ) $(ALIB) $(LIBS)

$(O)/tests/t_%: tests/t_%.c tests/tap.h tests/samline.h $(ALIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests $(ALL_LDFLAGS) -o $@ $< $(ALIB) $(LIBS)

-include $(LIB_OBJ:.o=.d) $(TOOL_OBJ:.o=.d)

# --- setup ----------------------------------------------------------------

deps:
	@command -v dpkg-query >/dev/null || { echo "make deps: not a Debian system; install: $(DEB_PACKAGES)" >&2; exit 1; }
	@have=$$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $(DEB_PACKAGES) 2>/dev/null | awk '$$1 == "ii" {print $$2}'); \
	missing=; for p in $(DEB_PACKAGES); do \
	    case " $$(echo $$have) " in *" $$p "*) ;; *) missing="$$missing $$p";; esac; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "make deps: installing$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	    echo "make deps: missing Debian packages; run as root:" >&2; \
	    echo "  apt-get install -y --no-install-recommends$$missing" >&2; \
	    exit 1; \
	fi

# --- tests ----------------------------------------------------------------

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test

test:
	G5=$(CURDIR)/$(BIN) G5_SANITIZE=$(SANITIZE) prove -j2 $(PROVE_FLAGS) tests/*.t $(UNIT_BIN)

asan:
	@$(MAKE) --no-print-directory SANITIZE=1 check

# --- demo and benchmarks --------------------------------------------------

demo: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) -s --no-print-directory -j2 -f workflows/demo.mk G5=$(CURDIR)/$(BIN) OUT=demo

bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -f workflows/bench/bench.mk G5=$(CURDIR)/$(BIN)

# --- install --------------------------------------------------------------

$(O)/libseq.pc: Makefile $(O)/version.h
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	    'Name: libseq' 'Description: the g5 sequencing toolkit library' \
	    "Version: $$(./version.sh)" 'Requires.private: htslib zlib' \
	    'Libs: -L$${libdir} -lseq' 'Libs.private: -lm -lpthread' \
	    'Cflags: -I$${includedir}/libseq' > $@

install: all $(O)/libseq.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(PKGDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/g5
	install -m 644 libseq/*.h $(DESTDIR)$(INCDIR)/
	install -m 644 $(ALIB) $(DESTDIR)$(LIBDIR)/libseq.a
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/libseq.so.$(SOVERSION)
	ln -sf libseq.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libseq.so
	install -m 644 $(O)/libseq.pc $(DESTDIR)$(PKGDIR)/libseq.pc
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/g5 $(DESTDIR)$(LIBDIR)/libseq.a $(DESTDIR)$(LIBDIR)/libseq.so \
	    $(DESTDIR)$(LIBDIR)/libseq.so.$(SOVERSION) $(DESTDIR)$(PKGDIR)/libseq.pc
	rm -rf $(DESTDIR)$(INCDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/,$(notdir $(MANPAGES)))

clean:
	rm -rf .obj .obj-asan g5 libseq.a libseq.so demo
