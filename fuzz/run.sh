#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (`make fuzz`).
#
#   fuzz/run.sh BUILD_DIR SHARED_DIR SECONDS
#
# Each target starts from a fresh corpus under BUILD_DIR/fuzz-corpus/,
# seeded with copies of the inputs in SHARED_DIR that suit it (nothing is
# written to the source tree or to SHARED_DIR), and runs for SECONDS.
# A crash or sanitizer report, a leak, a timeout (10 s on one input) or
# running out of memory (2 GB) is saved as
# BUILD_DIR/fuzz-artifacts/TARGET-{crash,leak,timeout,oom}-*, with the log
# in BUILD_DIR/fuzz-TARGET.log; any of them makes the script exit non-zero
# once all targets have run.
set -uo pipefail

build=${1:?usage: fuzz/run.sh BUILD_DIR SHARED_DIR SECONDS}
shared=${2:?usage: fuzz/run.sh BUILD_DIR SHARED_DIR SECONDS}
seconds=${3:?usage: fuzz/run.sh BUILD_DIR SHARED_DIR SECONDS}
source_dir=$(cd "$(dirname "$0")/.." && pwd)
corpus_root="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"

# Copies the files `find ARGS...` prints into directory $1, flat, under
# names made unique by their index. Absent directories give nothing.
seed() {
  local into=$1; shift
  local i=0
  while IFS= read -r -d '' file; do
    cp "$file" "$into/$((i++))-$(basename "$file")"
  done < <(find "$@" -type f -print0 2>/dev/null)
}

# The seeds of target $1 into directory $2.
seed_target() {
  local target=$1 into=$2
  case $target in
    text_fuzzer)
      seed "$into" "$shared/seeds" "$source_dir/examples" -name '*.txt' ;;
    xml_feed_fuzzer)
      seed "$into" "$shared/corpus/feedparser" "$shared/corpus/feed-rs" \
        "$shared/corpus/defusedxml" -name '*.xml' ;;
    json_feed_fuzzer)
      seed "$into" "$shared/corpus" -name '*.json' ;;
    html_fuzzer)
      # feedparser's tests are mostly escaped and inline HTML in feed items.
      seed "$into" "$shared/corpus/feedparser" -name '*.xml' ;;
    feed_date_fuzzer)
      ;;  # No date corpus: fuzz/feed_date.dict gives the words.
  esac
}

if [ ! -d "$shared" ]; then
  echo "fuzz: $shared is absent: no seeds from its corpus (text_fuzzer keeps examples/)"
fi
rm -rf "$corpus_root"
mkdir -p "$corpus_root" "$artifacts"

failed=()
for target in text_fuzzer xml_feed_fuzzer json_feed_fuzzer feed_date_fuzzer html_fuzzer; do
  corpus="$corpus_root/$target"
  mkdir -p "$corpus"
  seed_target "$target" "$corpus"
  dict=()
  base=${target%_fuzzer}
  [ -f "$source_dir/fuzz/$base.dict" ] && dict=("-dict=$source_dir/fuzz/$base.dict")
  echo "== $target: $(ls "$corpus" | wc -l) seeds, ${seconds}s"
  if ! "$build/fuzz/$target" "$corpus" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts/$target-" 2>"$build/fuzz-$target.log"; then
    failed+=("$target")
    tail -n 60 "$build/fuzz-$target.log"
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
    "$build/fuzz-$target.log" | sed 's/^/   /'
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $artifacts/, logs in $build/fuzz-*.log)"
  exit 1
fi
echo "fuzz: no crashes"
