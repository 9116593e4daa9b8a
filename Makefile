# newswire: the two commands are `make run` and `make test`.
#   make deps       install missing Debian packages (apt; idempotent)
#   make build      configure once, then build incrementally into build/
#   make run        deps + build, then serve on 127.0.0.1:50051 with examples/ loaded
#                   (archive in ./newswire-data; LISTEN=, DATA= override)
#   make run-cluster  deps + build, then 3 nats-servers (JetStream) and 2 newswire replicas
#   make test       deps + build, then every gtest and pytest through ctest
#   make test-asan  the same under AddressSanitizer + UBSan, in build-asan/
#   make wheel      deps + build, then a wheel of the Python package into dist/, made
#                   from build/ (no recompiling); `pip install` it, or see README
#   make bench      benchmarks (figures go to bench/RESULTS.md by hand)
#   make bench-fanout newswire vs bare gRPC vs nats-server fanout (issue 4)
#   make bench-http   the HTTP edge (issue 13): SSE vs gRPC fanout, idle SSE cost,
#                   feed GETs with and without If-None-Match, in one run
#   make bench-ingest feed ingest parse (issue 5): newswire C++ and Python vs feedparser
#                   vs a bare libxml2/simdjson parse of ../shared/corpus, in one run
#   make fuzz       libFuzzer (clang, ASan + UBSan) on the text, XML/JSON feed, date
#                   and HTML parsers, in build-fuzz/, FUZZ_SECONDS (60) per target;
#                   a crash fails it (inputs in build-fuzz/fuzz-artifacts/)

PYTHON   := /usr/bin/python3
BUILD    := build
LISTEN   ?= 127.0.0.1:50051
HTTP     ?= 127.0.0.1:8080
DATA     ?= newswire-data
JOBS     ?= $(shell nproc)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEB_PACKAGES := cmake g++ make pkg-config \
	libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
	libabsl-dev pybind11-dev python3-dev python3-pybind11 python3-grpcio \
	python3-protobuf python3-pytest libsqlite3-dev libssl-dev openssl libxml2-dev libsimdjson-dev libgtest-dev libgmock-dev \
	tzdata libboost1.74-dev python3-feedparser python3-jsonschema libcurl4-openssl-dev \
	chromium chromium-driver python3-selenium fonts-dejavu-core \
	python3-pip python3-setuptools python3-wheel python3-venv python3-mypy \
	nats-server libnats-dev

# Only for `make fuzz`: clang and its libFuzzer and sanitizer runtimes.
FUZZ_DEB_PACKAGES := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60

CMAKE_FLAGS := -DPython3_EXECUTABLE=$(PYTHON)

.PHONY: deps fuzz-deps build run run-cluster test test-asan wheel bench bench-fanout bench-http bench-ingest fuzz clean

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing" $$missing; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	else \
	  echo "make deps: all Debian packages present"; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: deps build
	@echo
	@echo "Starting newswire on $(LISTEN), archive in $(DATA)/, examples/ loaded. In another terminal:"
	@echo "  $(BUILD)/newswire tail --server $(LISTEN) --from earliest"
	@echo "  $(BUILD)/newswire publish --server $(LISTEN) examples/*.txt"
	@echo "  open http://$(HTTP)/    (the live wire monitor, in a browser)"
	@echo "  curl http://$(HTTP)/v1/feed.atom    (or .rss, .json, .ninjs; in any feed reader)"
	@echo "  curl -N http://$(HTTP)/v1/stream    (the live stream as Server-Sent Events)"
	@echo "Stop with Ctrl-C."
	@echo
	exec $(BUILD)/newswire serve --listen $(LISTEN) --data $(DATA) --load examples --http $(HTTP)

# Three nats-servers and two newswire replicas on loopback (README: Scale-out).
run-cluster: deps build
	exec bash tools/run_cluster.sh $(BUILD)/newswire

test: deps build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: deps
	cmake -S . -B build-asan $(CMAKE_FLAGS) -DNEWSWIRE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -j$(JOBS)

# setup.py builds the package in $(BUILD) (NEWSWIRE_BUILD_DIR), where
# `make build` left nothing to compile; Debian's pip, setuptools and wheel,
# nothing from PyPI (grpcio and protobuf are the wheel's dependencies).
wheel: deps build
	NEWSWIRE_BUILD_DIR=$(abspath $(BUILD)) $(PYTHON) -m pip wheel \
	  --no-build-isolation --no-deps --no-index -w dist .

bench: deps build
	cmake --build $(BUILD) -j$(JOBS) --target durable_publish
	$(BUILD)/bench/durable_publish

# FANOUT_FLAGS= passes options to the driver, e.g. FANOUT_FLAGS="--rounds 5".
bench-fanout: deps build
	cmake --build $(BUILD) -j$(JOBS) --target bench_fanout
	$(PYTHON) bench/fanout/run.py --bin $(BUILD)/bench $(FANOUT_FLAGS)

# HTTP_BENCH_FLAGS= passes options to the driver, e.g. HTTP_BENCH_FLAGS="--rounds 5".
bench-http: deps build
	cmake --build $(BUILD) -j$(JOBS) --target bench_http
	$(PYTHON) bench/fanout/run.py --bin $(BUILD)/bench --http $(HTTP_BENCH_FLAGS)

bench-ingest: deps build
	cmake --build $(BUILD) -j$(JOBS) --target ingest_parse
	PYTHONPATH=$(BUILD)/python $(PYTHON) bench/ingest_parse.py --rounds 5

# The deps recipe, on the fuzz build's package list.
fuzz-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(FUZZ_DEB_PACKAGES)"

# Seeds come from ../shared at run time, into build-fuzz/fuzz-corpus/ (see fuzz/run.sh).
fuzz: deps fuzz-deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz $(CMAKE_FLAGS) -DNEWSWIRE_FUZZ=ON
	cmake --build build-fuzz -j$(JOBS) --target newswire_fuzzers
	fuzz/run.sh build-fuzz ../shared $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-fuzz dist
