package io.github.together4j.images;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the library logs through {@code System.Logger} "io.github.together4j.images" (which
 * reaches java.util.logging in tests), at {@code level} and above, until closed.
 */
final class LogCapture extends Handler implements AutoCloseable {
  /** Held in a field: JUL keeps loggers weakly, and a collected logger loses its level. */
  private final Logger julLogger = Logger.getLogger("io.github.together4j.images");

  private final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Level previousLevel;

  private LogCapture(Level level) {
    previousLevel = julLogger.getLevel();
    setLevel(Level.ALL);
    julLogger.setLevel(level);
    julLogger.addHandler(this);
  }

  /** Starts collecting records at {@code level} and above. */
  static LogCapture start(Level level) {
    return new LogCapture(level);
  }

  /** Changes the logger's level while collecting. */
  void level(Level level) {
    julLogger.setLevel(level);
  }

  /** The records so far, in order; a copy. */
  List<LogRecord> records() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    julLogger.removeHandler(this);
    julLogger.setLevel(previousLevel);
  }
}
