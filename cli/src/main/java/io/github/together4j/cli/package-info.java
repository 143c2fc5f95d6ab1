/**
 * The {@code together4j} command-line tool: {@code together4j generate}, {@code together4j models}
 * and {@code together4j generate-completion}, run by {@link io.github.together4j.cli.Main}. Not a
 * library API: only {@code Main} is public.
 */
@NullMarked
package io.github.together4j.cli;

import org.jspecify.annotations.NullMarked;
