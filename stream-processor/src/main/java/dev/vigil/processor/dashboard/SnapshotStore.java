package dev.vigil.processor.dashboard;

import dev.vigil.config.Person;
import dev.vigil.inference.vision.SnapshotRenderer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The frame each camera's stream thread is working on, held in memory only until the camera's next
 * frame replaces it (never written to Kafka or disk by this class). It leaves this class only
 * through {@link SnapshotRenderer}, with every head pixelated and boxes drawn: as the live view
 * ({@link #render}) or as a violation's evidence ({@link #renderNear}), which {@link
 * EvidenceCapture} stores. Thread-safe.
 */
public final class SnapshotStore {
  private record Latest(byte[] jpeg, List<Person> people, long timestamp) {}

  private final Map<String, Latest> latest = new ConcurrentHashMap<>();

  /** Keeps {@code jpeg} as the camera's latest frame unless a newer one is already kept. */
  public void offer(String camera, byte[] jpeg, List<Person> people, long timestamp) {
    latest.merge(
        camera,
        new Latest(jpeg, List.copyOf(people), timestamp),
        (old, now) -> now.timestamp() >= old.timestamp() ? now : old);
  }

  /** The camera's latest frame as a privacy-safe JPEG, or null when none was seen. */
  public byte[] render(String camera) {
    Latest l = latest.get(camera);
    return l == null ? null : SnapshotRenderer.render(l.jpeg(), l.people());
  }

  /**
   * The camera's latest frame as a privacy-safe JPEG if it was taken within {@code toleranceMs} of
   * {@code timestamp}, else null (the frame that showed it has already been replaced).
   */
  public byte[] renderNear(String camera, long timestamp, long toleranceMs) {
    Latest l = latest.get(camera);
    if (l == null || Math.abs(l.timestamp() - timestamp) > toleranceMs) {
      return null;
    }
    return SnapshotRenderer.render(l.jpeg(), l.people());
  }
}
