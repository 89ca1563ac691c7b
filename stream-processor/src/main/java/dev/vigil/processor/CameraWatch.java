package dev.vigil.processor;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.SiteConfig;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.rules.CameraClock;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each camera's {@link CameraClock} in its store and publishes its availability to {@code
 * vigil.camera-status}. A camera silent for {@link RuleProcessor#QUIET_MS} has its rules advanced
 * on its own time; one silent for its {@code offline_after_s} goes offline, and its episodes
 * resolve. Not thread-safe: one per rule processor.
 */
final class CameraWatch {
  private final KeyValueStore<String, CameraClock> clocks;
  private final Map<String, SiteConfig.Camera> cameras;
  private final VigilMetrics metrics;
  private final ProcessorContext<String, Object> context;
  private final EpisodeCloser closer;
  private final long startedAt;

  CameraWatch(
      ProcessorContext<String, Object> context,
      Map<String, SiteConfig.Camera> cameras,
      VigilMetrics metrics,
      EpisodeCloser closer) {
    this.clocks = context.getStateStore(VigilTopology.CAMERA_CLOCK_STORE);
    this.cameras = cameras;
    this.metrics = metrics;
    this.context = context;
    this.closer = closer;
    this.startedAt = context.currentSystemTimeMs();
  }

  /** Notes a record of {@code camera}; a camera that was offline (or new) comes online. */
  void arrived(String camera, long eventTime) {
    long now = context.currentSystemTimeMs();
    CameraClock clock = clocks.get(camera);
    if (clock == null || !clock.online()) {
      publishAvailability(camera, CameraStatus.ONLINE, now, eventTime);
    }
    long last = clock == null ? eventTime : Math.max(clock.lastEvent(), eventTime);
    clocks.put(camera, new CameraClock(last, now, true));
  }

  /** Advances the rules of quiet cameras and takes silent ones offline, on the wall clock. */
  void tick(long now) {
    for (KeyValue<String, CameraClock> kv : StoreScan.copy(clocks.all())) {
      CameraClock clock = kv.value;
      if (!clock.online()) {
        continue;
      }
      long silent = clock.silentFor(now, startedAt);
      if (silent > offlineAfterMs(kv.key)) {
        goOffline(kv.key, clock, now);
      } else if (silent >= RuleProcessor.QUIET_MS) {
        closer.advance(kv.key, clock.eventTimeAt(now, startedAt));
      }
    }
  }

  /**
   * Marks {@code camera} offline: its open episodes resolve at its last event time with reason
   * {@code camera_offline}, and its rules are dropped, so they start fresh when it returns.
   */
  private void goOffline(String camera, CameraClock clock, long now) {
    closer.cameraOffline(camera, clock.lastEvent());
    clocks.put(camera, new CameraClock(clock.lastEvent(), clock.lastArrival(), false));
    publishAvailability(camera, CameraStatus.OFFLINE, now, clock.lastEvent());
  }

  private void publishAvailability(String camera, String availability, long now, long lastFrame) {
    metrics.cameraOnline(camera, CameraStatus.ONLINE.equals(availability));
    context.forward(
        new Record<String, Object>(
            camera, new CameraStatus(camera, availability, now, lastFrame), now),
        RuleProcessor.CAMERA_STATUS_SINK);
  }

  private long offlineAfterMs(String camera) {
    SiteConfig.Camera c = cameras.get(camera);
    double s = c == null ? SiteConfig.Camera.DEFAULT_OFFLINE_AFTER_S : c.offlineAfterS();
    return (long) (s * 1000);
  }
}
