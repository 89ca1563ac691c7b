package dev.vigil.agent;

import dev.vigil.agent.capture.AgentClock;
import dev.vigil.agent.capture.AgentException;
import dev.vigil.agent.pipeline.JpegEncoder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Tuning of an {@link EdgeAgent}. Immutable; start from {@link #defaults()} and use the {@code
 * with...} methods.
 *
 * @param realtime pace files and folders to their media clock; false (default) reads them as fast
 *     as possible. Live sources are paced by the camera.
 * @param loop replay files and folders from the start each time they end, so a recording stands in
 *     for a camera that never stops; needs {@code realtime}, or a file would flood the brokers
 * @param jpegQuality 1..100
 * @param sendQueueCapacity records waiting for the producer across all cameras; when full, new
 *     frames are dropped and counted so capture never waits on Kafka
 * @param retryInitialDelay first delay before reconnecting a live source
 * @param retryMaxDelay cap of the doubling delay
 * @param retryJitter extra random fraction added to each delay (0.2 = up to +20%)
 * @param maxLiveAttempts give up on a live source after this many failed attempts in a row; 0
 *     retries forever
 * @param sourceTimeout socket timeout for network sources
 * @param audioSnippetSeconds length of one audio snippet
 * @param clock wall clock and sleeper
 * @param listener told about ended and failed sources
 */
public record AgentOptions(
    boolean realtime,
    boolean loop,
    int jpegQuality,
    int sendQueueCapacity,
    Duration retryInitialDelay,
    Duration retryMaxDelay,
    double retryJitter,
    int maxLiveAttempts,
    Duration sourceTimeout,
    double audioSnippetSeconds,
    AgentClock clock,
    AgentListener listener) {

  public AgentOptions {
    Objects.requireNonNull(retryInitialDelay, "retryInitialDelay");
    Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
    Objects.requireNonNull(sourceTimeout, "sourceTimeout");
    clock = clock == null ? AgentClock.SYSTEM : clock;
    listener = listener == null ? AgentListener.NONE : listener;
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new AgentException("jpegQuality must be 1..100, got " + jpegQuality);
    }
    if (sendQueueCapacity < 1) {
      throw new AgentException("sendQueueCapacity must be at least 1, got " + sendQueueCapacity);
    }
    if (audioSnippetSeconds <= 0) {
      throw new AgentException("audioSnippetSeconds must be positive, got " + audioSnippetSeconds);
    }
    if (loop && !realtime) {
      throw new AgentException(
          "loop needs realtime: a file replayed as fast as it can be read never ends and floods"
              + " the brokers; set realtime too");
    }
  }

  /** Files as fast as possible, quality 85, retry 1 s doubling to 30 s with up to 20% jitter. */
  public static AgentOptions defaults() {
    return new AgentOptions(
        false,
        false,
        JpegEncoder.DEFAULT_QUALITY,
        256,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        0.2,
        0,
        Duration.ofSeconds(10),
        1.0,
        AgentClock.SYSTEM,
        AgentListener.NONE);
  }

  public AgentOptions withRealtime(boolean v) {
    return with(d -> d.realtime = v);
  }

  public AgentOptions withLoop(boolean v) {
    return with(d -> d.loop = v);
  }

  public AgentOptions withJpegQuality(int v) {
    return with(d -> d.jpegQuality = v);
  }

  public AgentOptions withSendQueueCapacity(int v) {
    return with(d -> d.sendQueueCapacity = v);
  }

  public AgentOptions withRetry(Duration initial, Duration max, double jitter, int maxAttempts) {
    return with(
        d -> {
          d.retryInitialDelay = initial;
          d.retryMaxDelay = max;
          d.retryJitter = jitter;
          d.maxLiveAttempts = maxAttempts;
        });
  }

  public AgentOptions withSourceTimeout(Duration v) {
    return with(d -> d.sourceTimeout = v);
  }

  public AgentOptions withClock(AgentClock v) {
    return with(d -> d.clock = v);
  }

  public AgentOptions withListener(AgentListener v) {
    return with(d -> d.listener = v);
  }

  /** A copy of these options with {@code change} applied, checked like any new options. */
  private AgentOptions with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new AgentOptions(
        d.realtime,
        d.loop,
        d.jpegQuality,
        d.sendQueueCapacity,
        d.retryInitialDelay,
        d.retryMaxDelay,
        d.retryJitter,
        d.maxLiveAttempts,
        d.sourceTimeout,
        d.audioSnippetSeconds,
        d.clock,
        d.listener);
  }

  /** The fields of options being changed, so that each wither names only what it changes. */
  private static final class Draft {
    boolean realtime;
    boolean loop;
    int jpegQuality;
    int sendQueueCapacity;
    Duration retryInitialDelay;
    Duration retryMaxDelay;
    double retryJitter;
    int maxLiveAttempts;
    Duration sourceTimeout;
    double audioSnippetSeconds;
    AgentClock clock;
    AgentListener listener;

    Draft(AgentOptions o) {
      realtime = o.realtime;
      loop = o.loop;
      jpegQuality = o.jpegQuality;
      sendQueueCapacity = o.sendQueueCapacity;
      retryInitialDelay = o.retryInitialDelay;
      retryMaxDelay = o.retryMaxDelay;
      retryJitter = o.retryJitter;
      maxLiveAttempts = o.maxLiveAttempts;
      sourceTimeout = o.sourceTimeout;
      audioSnippetSeconds = o.audioSnippetSeconds;
      clock = o.clock;
      listener = o.listener;
    }
  }
}
