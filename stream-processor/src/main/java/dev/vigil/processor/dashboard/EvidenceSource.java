package dev.vigil.processor.dashboard;

/**
 * Finds a violation's evidence snapshot (an already face-blurred JPEG) by camera and violation id.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface EvidenceSource {
  /**
   * The snapshot's JPEG, or null when none is kept (never taken, or older than the retention).
   *
   * @throws DashboardUnavailableException when the store that holds it cannot be asked now
   */
  byte[] jpeg(String camera, String violationId);

  /** Reads {@link EvidenceSnapshots#STORE} from {@code stores} (this instance only). */
  static EvidenceSource local(StoreAccess stores) {
    return (camera, id) -> {
      Object v = stores.keyValueStore(EvidenceSnapshots.STORE).get(id);
      return v instanceof EvidenceSnapshots.Snapshot s && camera.equals(s.camera())
          ? s.jpeg()
          : null;
    };
  }
}
