package dev.vigil.processor.dashboard;

import dev.vigil.config.Person;
import dev.vigil.inference.vision.SnapshotRenderer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest frame of each camera, held in memory only (never written to Kafka or disk) and
 * rendered on request with faces pixelated and boxes drawn. Retention is one frame per camera for
 * the life of the process. Thread-safe.
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
}
