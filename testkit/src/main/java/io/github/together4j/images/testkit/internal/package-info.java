/**
 * Building blocks of the testkit's fake Together server; this package is not API and may change
 * without notice.
 */
@NullMarked
package io.github.together4j.images.testkit.internal;

import org.jspecify.annotations.NullMarked;
