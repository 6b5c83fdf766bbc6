#!/usr/bin/env bash
# Checks the formatting against .swift-format (swift-format ships with the toolchain); exits non-zero
# on any difference. `swift format -i --recursive Sources Tests Benchmarks Package.swift` fixes most.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --parallel --recursive Sources Tests Benchmarks Package.swift
