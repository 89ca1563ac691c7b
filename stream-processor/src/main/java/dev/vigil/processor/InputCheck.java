package dev.vigil.processor;

import dev.vigil.config.Ids;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What every frame and audio record must satisfy before any work is spent on it: a valid camera id
 * in the key (and in the {@code vigil.camera} header when there is one), and a timestamp no further
 * ahead of this processor's clock than the camera's {@code max_future_s}. Stateless.
 */
final class InputCheck {
  private final Map<String, SiteConfig.Camera> cameras;

  InputCheck(Map<String, SiteConfig.Camera> cameras) {
    this.cameras = cameras;
  }

  /** Why {@code record} must be dead-lettered, or null when it may be processed. */
  DeadLetters.Reason problem(Record<String, byte[]> record, long wallClockMs) {
    String camera = record.key();
    if (!Ids.valid(camera)) {
      return new DeadLetters.Reason(
          "bad_camera_id",
          "camera id (record key) " + Ids.show(camera) + " is invalid: use " + Ids.RULE);
    }
    String header = VigilHeaders.get(record.headers(), VigilHeaders.CAMERA);
    if (header != null && !header.equals(camera)) {
      return new DeadLetters.Reason(
          "bad_camera_id",
          "header vigil.camera "
              + Ids.show(header)
              + " differs from the record key "
              + Ids.show(camera));
    }
    SiteConfig.Camera config = cameras.get(camera);
    double maxFutureS =
        config == null ? SiteConfig.Camera.DEFAULT_MAX_FUTURE_S : config.maxFutureS();
    long ahead = record.timestamp() - wallClockMs;
    if (ahead > maxFutureS * 1000) {
      return new DeadLetters.Reason(
          "future_timestamp",
          "timestamp is "
              + ahead
              + " ms ahead of the processor's clock, more than max_future_s "
              + maxFutureS
              + "; fix the camera host's clock (NTP)");
    }
    return null;
  }
}
