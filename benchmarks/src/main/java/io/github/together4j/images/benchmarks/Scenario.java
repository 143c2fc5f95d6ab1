package io.github.together4j.images.benchmarks;

/** The load shapes the issue asks for: sequential, concurrent, concurrent with four images each. */
enum Scenario {
  SEQUENTIAL("A", 1, 1),
  CONCURRENT("B", 8, 1),
  CONCURRENT_N4("C", 4, 4);

  final String label;
  final int concurrency;
  final int n;

  Scenario(String label, int concurrency, int n) {
    this.label = label;
    this.concurrency = concurrency;
    this.n = n;
  }

  String describe() {
    return label
        + ": "
        + (concurrency == 1 ? "sequential" : "concurrency " + concurrency)
        + ", n="
        + n;
  }

  static Scenario of(String label) {
    for (Scenario scenario : values()) {
      if (scenario.label.equalsIgnoreCase(label)) {
        return scenario;
      }
    }
    throw new IllegalArgumentException("unknown scenario " + label + ": use A, B or C");
  }
}
