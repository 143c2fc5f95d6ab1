/**
 * JMH microbenchmarks of together4j's base64 and format-detection utilities; run with JMH's Main.
 */
package io.github.together4j.images.benchmarks.jmh;
