/**
 * Support code shared by the together4j artifacts; this package is not API and may change without
 * notice.
 */
@NullMarked
package io.github.together4j.images.internal;

import org.jspecify.annotations.NullMarked;
