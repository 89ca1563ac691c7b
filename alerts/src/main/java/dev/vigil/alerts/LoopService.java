package dev.vigil.alerts;

import java.util.Objects;

/**
 * An alerts service: a handler of one {@link CommitAfterAckLoop}, configured, watched, run and
 * stopped through it. {@code S} is the service's own type, so that setters chain.
 */
abstract class LoopService<V, S extends LoopService<V, S>> implements Runnable, AutoCloseable {
  final CommitAfterAckLoop<V> loop;

  /** Subclasses set the loop's handler. */
  LoopService(CommitAfterAckLoop<V> loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /** Counts into {@code metrics}, shared with the other loops of the process. */
  public S metrics(AlertsMetrics metrics) {
    loop.metrics(metrics);
    return self();
  }

  /** The counters this service writes to. */
  public AlertsMetrics metrics() {
    return loop.metrics();
  }

  /** Running, retrying (and why), stopped or failed. */
  public LoopStatus status() {
    return loop.status();
  }

  /** Runs the loop until {@link #close}, or until it fails (see {@link #status()}). */
  @Override
  public void run() {
    loop.run();
  }

  /** Stops {@link #run} and waits up to 10 s for it to close the consumer. */
  @Override
  public void close() {
    loop.close();
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }
}
