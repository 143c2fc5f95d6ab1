#!/usr/bin/env bash
# CI's benchmark smoke pass: builds the benchmarks module and what it depends on (tests skipped:
# the test command runs them), then the load driver with --smoke (one run, a few requests per
# client, scenario and heap, one cold start each, 8 clients), the disk benchmark for 0.2 s a
# cell, and one 200 ms JMH iteration per microbenchmark. About 90 s in all with a warm ~/.m2
# (measured on a busy 2-core machine).
# Fails if the module does not compile, a child JVM reports nothing, or a default-heap request
# fails. Numbers printed here mean nothing; see benchmarks/README.md for the real run.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -B -ntp -pl benchmarks -am verify -DskipTests -Pbenchmark-smoke "$@"
