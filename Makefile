# The two fresh-machine commands (see README): `make demo` and `make test`.
.PHONY: deps demo test bench

deps:
	bash scripts/install-deps.sh

demo: deps
	bash demo/run.sh

test: deps
	swift test

# Every bench, past failures; one table in bench/out/summary.md; non-zero when any failed.
bench: deps
	bash bench/all
