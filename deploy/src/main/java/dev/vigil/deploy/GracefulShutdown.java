package dev.vigil.deploy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Lets a long-running command finish closing its parts on SIGTERM or Ctrl-C before the JVM halts.
 * The JVM halts as soon as every shutdown hook returns, so a hook that only wakes the main thread
 * cuts its cleanup short: producers lose buffered frames, Kafka Streams aborts its open
 * transaction, temporary folders stay. Here the hook wakes the main thread and then waits for
 * {@link #close}, which the command calls once everything it opened is closed. Use it as the
 * outermost resource.
 */
final class GracefulShutdown implements AutoCloseable {

  /** How long the hook waits for the command to close its parts before the JVM halts anyway. */
  static final Duration GRACE = Duration.ofSeconds(60);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Registers the hook with the JVM. */
  GracefulShutdown() {
    this(Runtime.getRuntime()::addShutdownHook);
  }

  /** Registers the hook with {@code registry}; tests run the hook thread themselves. */
  GracefulShutdown(Consumer<Thread> registry) {
    registry.accept(new Thread(this::onShutdown, "vigil-shutdown"));
  }

  /** Blocks until the process is asked to stop. */
  void awaitStopRequest() throws InterruptedException {
    stopRequested.await();
  }

  /** Everything is closed: the JVM may halt. */
  @Override
  public void close() {
    closed.countDown();
  }

  private void onShutdown() {
    stopRequested.countDown();
    try {
      closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
