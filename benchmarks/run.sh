#!/usr/bin/env bash
# Builds the benchmarks with the PyTorch peer, checks that both sides compute the same
# losses, runs every JMH benchmark, and prints the table of Adjoint / PyTorch ratios.
#
#   benchmarks/run.sh                  the full suite (about 15 minutes on 2 cores)
#   benchmarks/run.sh --quick          one short iteration each: a smoke test, not numbers
#   benchmarks/run.sh --no-pytorch     Adjoint only (no libtorch download)
#   benchmarks/run.sh -- REGEX [JMH options]   e.g. -- 'Workloads.w1' -p threads=1
#
# Results go to benchmarks/target/results/: results.json (JMH), jmh.log, first-loss.txt,
# results.md (the table) and, when W5 ran, w5-layers.md (its layers' GFLOP/s). Run it on a
# quiet machine: anything else on the cores moves the
# numbers, the 2-thread ones most.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
quick=()
exclude=()
pytorch=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=(-wi 1 -i 1 -w 1s -r 1s -f 1); shift ;;
    --no-pytorch) pytorch=false; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

cd "$root"
profile=()
if $pytorch; then profile=(-Ppytorch); fi
echo "== building (mvn -B -q ${profile[*]} install -DskipTests)"
mvn -B -q "${profile[@]}" install -DskipTests

jar="$root/benchmarks/target/benchmarks.jar"
out="$root/benchmarks/target/results"
mkdir -p "$out"
rm -f "$out/first-loss.txt" "$out/results.json"

# libtorch's threads are set per fork (ai.djl.pytorch.num_threads); an inherited OMP_NUM_THREADS
# would only be overridden, so leave the environment as it is
if $pytorch; then
  echo "== first losses from the same weights and batch"
  # the Vector API option is the parent pom's vector.module.args (VectorModuleSettingTest checks the copy)
  java --add-modules=jdk.incubator.vector -Xmx2g -Dai.djl.offline=true -cp "$jar" \
    dev.adjoint.benchmarks.peer.FirstLoss "$out/first-loss.txt"
else
  exclude=(-e 'PyTorch')
fi

echo "== JMH"
java -Dadjoint.home="$root" -jar "$jar" -rf json -rff "$out/results.json" -prof gc -foe true \
  "${quick[@]}" "${exclude[@]}" "$@" 2>&1 | tee "$out/jmh.log"

echo
java -cp "$jar" dev.adjoint.benchmarks.ResultsTable "$out/results.json" "$out/first-loss.txt" | tee "$out/results.md"

# W5's layers one by one (GFLOP/s beside the measured fp32 peak of a core), after a run that measured W5
if grep -q 'w5Cnn' "$out/results.json" 2>/dev/null; then
  echo
  rm -f "$out/w5-layers.md"
  for threads in 1 2; do
    java --add-modules=jdk.incubator.vector -Dadjoint.threads="$threads" -cp "$jar" \
      dev.adjoint.benchmarks.CnnLayerRates 2>/dev/null | tee -a "$out/w5-layers.md"
    echo | tee -a "$out/w5-layers.md"
  done
fi
