# The two entry points the README names (demo, test); everything else is in scripts/.
.PHONY: demo test build release man bench fuzz clean install uninstall deb deb-test completions

PREFIX ?= /usr/local
DESTDIR ?=
BINARY := .build/release/pgtune-query
COMPLETIONS := .build/completions

demo:
	scripts/demo.sh

test:
	scripts/run-tests.sh

build:
	swift build

# The Swift runtime and Foundation are linked in: the binary needs only Debian's libraries.
release:
	swift build -c release --product pgtune-query --static-swift-stdlib

completions: release
	scripts/generate-completions.sh $(BINARY) $(COMPLETIONS)

# Where Debian and Homebrew packagers expect each file; DESTDIR for staging.
install: release completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 -s $(BINARY) $(DESTDIR)$(PREFIX)/bin/pgtune-query
	install -m 0644 man/pgtune-query.1 $(DESTDIR)$(PREFIX)/share/man/man1/pgtune-query.1
	install -m 0644 $(COMPLETIONS)/pgtune-query.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pgtune-query
	install -m 0644 $(COMPLETIONS)/_pgtune-query $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_pgtune-query
	install -m 0644 $(COMPLETIONS)/pgtune-query.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/pgtune-query.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pgtune-query $(DESTDIR)$(PREFIX)/share/man/man1/pgtune-query.1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/pgtune-query \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_pgtune-query \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/pgtune-query.fish

# .build/pgtune-query_<version>_<arch>.deb; deb-test installs it into a fresh Debian 12 root.
deb:
	scripts/make-deb.sh

deb-test: deb
	scripts/test-deb-install.sh

man:
	scripts/generate-man-page.sh

bench:
	bench/run.sh

# libFuzzer + AddressSanitizer over every harness (Fuzz/Harnesses.swift); FUZZ_SECONDS per harness.
fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) scripts/fuzz.sh

clean:
	rm -rf .build .build-*
