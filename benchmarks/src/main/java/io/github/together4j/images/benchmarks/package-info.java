/**
 * The load benchmark: {@link io.github.together4j.images.benchmarks.LoadBenchmark} drives child
 * JVMs ({@link io.github.together4j.images.benchmarks.LoadChild}) against the fake server in its
 * own JVM.
 */
package io.github.together4j.images.benchmarks;
