#!/usr/bin/env bash
# Regenerates Sources/ClusterSim/Scenario/BuiltinScenarios.swift from Scenarios/default.yaml.
# A test fails when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Sources/ClusterSim/Scenario/BuiltinScenarios.swift
{
  echo '/// Scenarios built into the executable, so clustertop works from any folder.'
  echo '///'
  echo '/// `default` is the text of `Scenarios/default.yaml`; `scripts/embed-scenarios.sh` writes this'
  echo '/// file and a test checks that the two stay equal.'
  echo 'public enum BuiltinScenarios {'
  echo '    public static let names = ["default"]'
  echo ''
  echo '    public static func text(_ name: String) -> String? {'
  echo '        name == "default" ? defaultText : nil'
  echo '    }'
  echo ''
  echo '    static let defaultText = #"""'
  cat Scenarios/default.yaml
  echo ''
  echo '"""#'
  echo '}'
} > "$out"
