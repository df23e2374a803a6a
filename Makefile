# The two fresh-machine commands (see README): `make demo` and `make test`.
.PHONY: deps demo test bench

deps:
	bash scripts/install-deps.sh

demo: deps
	bash demo/run.sh

test: deps
	swift test

bench: deps
	for b in bench/ingest-jsonl; do $$b; done
