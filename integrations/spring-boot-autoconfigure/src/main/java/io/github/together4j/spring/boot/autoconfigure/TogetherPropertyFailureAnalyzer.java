package io.github.together4j.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link TogetherPropertyException} into Spring Boot's "APPLICATION FAILED TO START"
 * report: what is wrong, naming the property, and what to do, without a stack trace.
 */
final class TogetherPropertyFailureAnalyzer
    extends AbstractFailureAnalyzer<TogetherPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, TogetherPropertyException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
