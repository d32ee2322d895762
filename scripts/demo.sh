#!/usr/bin/env bash
# The main job end to end on the bundled example: catalog → measured energy → plan (four
# objectives, Pareto, lock) → offline preview → cost/carbon report → policy checks.
# Called by `make demo` with the venv's bin dir and an output dir; writes only under $OUT.
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-build/demo}
mkdir -p "$OUT"
export CLOUDWRIGHT_HOME="$OUT/state"   # profiles go here, not into the repo
export COLUMNS=${COLUMNS:-150}
PY="$BIN/python"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
cw() { printf '\n$ cloudwright %s\n' "$*"; "$BIN/cloudwright" "$@"; }
expect_fail() {  # a command that must fail with the given exit code
  local want=$1; shift
  printf '\n$ cloudwright %s   # expected to fail (exit %s)\n' "$*" "$want"
  set +e; "$BIN/cloudwright" "$@"; local got=$?; set -e
  [ "$got" = "$want" ] || { echo "demo: expected exit $want, got $got" >&2; exit 1; }
}

step "1. The catalog: what the three clouds sell, where, at what price and carbon cost"
cw catalog stats
cw catalog show --cloud gcp --region us-central1 --instance-type a3-highgpu-8g --format json
cw carbon intensity --cloud gcp --region europe-west4

step "2. Measured energy: profile a job with codecarbon (no GPU here: CPU-load fallback)"
cw profile --workload embed-batch --country USA --interval 1 -- \
  "$PY" -c "sum(i * i for i in range(10**7))"
cw profile show embed-batch --on aws:g6.xlarge --utilization 0.9

step "3. Plan the example fleet with every objective"
cw plan examples/fleet.yaml --objective cost --format markdown
cw plan examples/fleet.yaml --objective carbon --format markdown --out "$OUT/plan-carbon.json"
cw plan examples/fleet.yaml --objective latency --format markdown
cw plan examples/fleet.yaml --pareto --chart "$OUT/pareto.svg" --out "$OUT/plan.json"
cw plan examples/fleet.yaml --objective carbon --lock "$OUT/plan.json" --out "$OUT/replan.json" \
  --format markdown
expect_fail 3 plan examples/infeasible.yaml --out "$OUT/never-written.json"
test ! -e "$OUT/never-written.json"
expect_fail 2 plan examples/bad/unknown_gpu.yaml

step "4. Offline preview: the real stack program under Pulumi's mocks"
cw preview "$OUT/plan.json" --out "$OUT/graph.json"
cw plan examples/three-clouds.yaml --objective cost --out "$OUT/three-clouds.plan.json" \
  --format markdown
cw preview "$OUT/three-clouds.plan.json" --out "$OUT/three-clouds.graph.json"
cw plan examples/kubernetes.yaml --out "$OUT/kubernetes.plan.json" --format markdown
cw preview "$OUT/kubernetes.plan.json" --out "$OUT/kubernetes.graph.json"
# Own GPUs: an on-prem site of 64 H100 fills first, the rest spills to the cheapest cloud; an
# edge site near its users takes the latency-bound inference. Nothing is created in a cloud
# for them; `cost` prices their GPU-hours at the site's rate and carbon.
cw plan examples/sites.yaml --out "$OUT/sites.plan.json" --format markdown
cw preview "$OUT/sites.plan.json" --out "$OUT/sites.graph.json"
cw cost "$OUT/sites.plan.json"

step "5. Cost and carbon before 'pulumi up'"
cw cost "$OUT/plan.json"        # the plan's offline preview, with its hours and storage
cw cost "$OUT/plan.json" --format html --out "$OUT/cost.html"
cw cost "$OUT/plan.json" --format focus --out "$OUT/cost-focus.csv"
cw cost "$OUT/plan.json" --format json --out "$OUT/cost.json"
cw cost "$OUT/kubernetes.graph.json"   # EKS/GKE/AKS GPU pools and cluster fees
cw cost tests/fixtures/programs/aws-webtier   # any Pulumi Python program, run under mocks
cw diff "$OUT/plan.json" "$OUT/plan-carbon.json" --format markdown   # balanced → carbon-first
SHARED=../shared/data/pulumi-json
if [ -d "$SHARED" ]; then
  cw cost "$SHARED/aws-preview-ec2-ebs-natgw-eks__rshade-infracost.json" --format markdown
fi

step "6. Policy checks (the same rules run by 'pulumi preview --policy-pack policies/')"
cw check "$OUT/graph.json" --policy-config examples/policy-config.json
cw check "$OUT/graph.json" --policy-config examples/policy-config.json --format sarif \
  --out "$OUT/policy.sarif"
expect_fail 1 check tests/fixtures/policies/aws_insecure.json \
  --policy-config examples/policy-config-us-eu.yaml --catalog tests/fixtures/catalog

step "Done"
echo "Outputs in $OUT: plan.json, plan-carbon.json, replan.json, pareto.svg, graph.json, cost.html, cost-focus.csv, cost.json, policy.sarif"
