# The two entry points the README names; everything else is in scripts/.
.PHONY: demo test build release man bench clean

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

clean:
	rm -rf .build .build-*
