package dev.vigil.agent;

import dev.vigil.config.SiteConfig;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's state and counters, written by its capture loop, the sender and the spool replay,
 * read by {@link EdgeAgent#stats()} from any thread.
 */
final class CameraCounters {
  private static final Logger log = LoggerFactory.getLogger(CameraCounters.class);

  final SiteConfig.Camera camera;
  final AtomicLong grabbed = new AtomicLong();
  final AtomicLong sampledOut = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong framesSent = new AtomicLong();
  final AtomicLong audioSent = new AtomicLong();
  final AtomicLong sendErrors = new AtomicLong();
  final AtomicLong spooled = new AtomicLong();
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicLong lastRetryDelayMs = new AtomicLong();
  volatile CameraStats.State state = CameraStats.State.NEW;
  volatile String lastError;

  CameraCounters(SiteConfig.Camera camera) {
    this.camera = camera;
  }

  CameraStats snapshot() {
    return new CameraStats(
        camera.id(),
        camera.source(),
        state,
        grabbed.get(),
        sampledOut.get(),
        skipped.get(),
        dropped.get(),
        framesSent.get(),
        audioSent.get(),
        sendErrors.get(),
        spooled.get(),
        attempts.get(),
        lastRetryDelayMs.get(),
        lastError);
  }

  /** Kafka acknowledged a record of this camera. */
  void sent(boolean audio) {
    (audio ? audioSent : framesSent).incrementAndGet();
  }

  /**
   * A record of this camera is lost: Kafka refused it for good, or failed and there is no spool.
   */
  void sendFailed(Exception e) {
    long n = sendErrors.incrementAndGet();
    lastError = "send: " + e;
    // One line per failure would flood the log while Kafka is down.
    if (n == 1 || n % 100 == 0) {
      log.warn("Camera {}: Kafka send failed ({} so far): {}", camera.id(), n, e.toString());
    }
  }
}
