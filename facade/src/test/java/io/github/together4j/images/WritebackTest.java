package io.github.together4j.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Writeback}: when early flushes start, and that none ever gets in the writer's way. */
class WritebackTest {
  @TempDir Path dir;

  /** Holds the flushes handed to it, to run when the test says; refuses them when told to. */
  static final class HeldFlushes implements Executor {
    final Deque<Runnable> held = new ArrayDeque<>();
    boolean refuse;
    int offered;

    @Override
    public void execute(Runnable flush) {
      offered++;
      if (refuse) {
        throw new RejectedExecutionException("busy");
      }
      held.add(flush);
    }
  }

  @Test
  void aFlushStartsAfterEachStepAndNeverTwiceAtOnceForOneFile() throws Exception {
    HeldFlushes flushes = new HeldFlushes();
    try (FileChannel channel = open()) {
      Writeback writeback = new Writeback(channel, flushes);
      write(channel, writeback, Writeback.STEP_BYTES - 1);
      assertThat(flushes.offered).as("before a whole step").isZero();

      write(channel, writeback, 1);
      assertThat(flushes.held).hasSize(1);

      // While that flush has not run, more steps start none: never a queue of flushes per file.
      write(channel, writeback, 3 * Writeback.STEP_BYTES);
      assertThat(flushes.offered).isEqualTo(1);

      flushes.held.poll().run();
      write(channel, writeback, 1);
      assertThat(flushes.held).as("the bytes written meanwhile are a step already").hasSize(1);
      flushes.held.poll().run();
      write(channel, writeback, Writeback.STEP_BYTES - 1);
      assertThat(flushes.offered).isEqualTo(2);
    }
  }

  @Test
  void aRefusedFlushIsSkippedAndTriedAgainAtTheNextWrite() throws Exception {
    HeldFlushes flushes = new HeldFlushes();
    flushes.refuse = true;
    try (FileChannel channel = open()) {
      Writeback writeback = new Writeback(channel, flushes);
      write(channel, writeback, Writeback.STEP_BYTES);
      assertThat(flushes.offered).isEqualTo(1);

      flushes.refuse = false;
      write(channel, writeback, 10);
      assertThat(flushes.held).hasSize(1);
    }
  }

  @Test
  void aFlushOfAChannelClosedByAFailedSaveDoesNotThrow() throws Exception {
    HeldFlushes flushes = new HeldFlushes();
    FileChannel channel = open();
    Writeback writeback = new Writeback(channel, flushes);
    write(channel, writeback, Writeback.STEP_BYTES);
    channel.close();

    assertThatCode(() -> flushes.held.poll().run()).doesNotThrowAnyException();
    // And the writer may go on: the next step is offered again.
    writeback.wrote(Writeback.STEP_BYTES);
    assertThat(flushes.offered).isEqualTo(2);
  }

  @Test
  void theSharedFlushersAreDaemonThreadsThatLeaveTheFileWhole() throws Exception {
    byte[] bytes = new byte[3 * Writeback.STEP_BYTES + 7];
    new java.util.Random(3).nextBytes(bytes);
    Path file = dir.resolve("image.part");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      Writeback writeback = new Writeback(channel);
      for (int at = 0; at < bytes.length; at += 4096) {
        int n = Math.min(4096, bytes.length - at);
        channel.write(ByteBuffer.wrap(bytes, at, n));
        writeback.wrote(n);
      }
      channel.force(true);
    }
    assertThat(file).hasBinaryContent(bytes);
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().equals("together4j writeback"))
        .allSatisfy(thread -> assertThat(thread.isDaemon()).isTrue());
  }

  private FileChannel open() throws Exception {
    return FileChannel.open(Files.createTempFile(dir, "image", ".part"), StandardOpenOption.WRITE);
  }

  private static void write(FileChannel channel, Writeback writeback, int bytes) throws Exception {
    channel.write(ByteBuffer.allocate(bytes));
    writeback.wrote(bytes);
  }
}
