#!/bin/sh
# Reproduces docs/accuracy.md: fits the engine calibration (host and API time) on the five measured
# runs of vLLM 0.15.1 on H100 published by the BLIS project, then prints each run's errors with
# those constants (in-sample) and with constants fitted on the other four (leave-one-run-out).
#
#   Benchmarks/accuracy/run.sh [OUTPUT.yaml]
#
# The measured requests are read from $REALRUNS (default: ../shared/realruns from the repository
# root); nothing of them is copied. Each run's third field is the load generator's output length
# (max_tokens with ignore_eos): the client's recorded counts fall short for some requests.
set -eu
cd "$(dirname "$0")/../.."
R=${REALRUNS:-../shared/realruns}
B=Benchmarks/accuracy
[ -d "$R" ] || { echo "no measured runs at $R (set REALRUNS)" >&2; exit 2; }
swift build -c release --product clustertop >&2
.build/release/clustertop calibrate --leave-one-out --output "${1:-engine-vllm-0.15.1-h100.yaml}" --runs \
  "$B/llama2-7b-tp1-codegen.yaml,$R/20260217-155451-llama-2-7b-tp1-codegen/requests.csv,247" \
  "$B/llama2-7b-tp1-roleplay.yaml,$R/20260217-162547-llama-2-7b-tp1-roleplay/requests.csv,251" \
  "$B/llama2-7b-tp1-general.yaml,$R/20260217-231439-llama-2-7b-tp1-general/requests.csv,248" \
  "$B/llama2-70b-tp4-general.yaml,$R/20260217-202857-llama-2-70b-tp4-general/requests.csv,248" \
  "$B/codellama-34b-tp2-general.yaml,$R/20260218-150304-codellama-34b-tp2-general/requests.csv,248"
