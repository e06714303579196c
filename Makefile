# The two entry points the README names; everything else is in scripts/.
.PHONY: demo test build release man bench fuzz clean

demo:
	scripts/demo.sh

test:
	scripts/run-tests.sh

build:
	swift build

release:
	swift build -c release --product pgtune-query

man:
	scripts/generate-man-page.sh

bench:
	bench/run.sh

# libFuzzer + AddressSanitizer over every harness (Fuzz/Harnesses.swift); FUZZ_SECONDS per harness.
fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) scripts/fuzz.sh

clean:
	rm -rf .build .build-*
