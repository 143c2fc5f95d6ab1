/**
 * Runnable examples of together4j, one per documented usage; each runs with no API key against the
 * testkit's fake server.
 */
@NullMarked
package io.github.together4j.images.examples;

import org.jspecify.annotations.NullMarked;
