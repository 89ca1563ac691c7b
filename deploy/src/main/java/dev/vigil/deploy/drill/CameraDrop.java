package dev.vigil.deploy.drill;

/**
 * camera-drop's cut and what it checks afterwards: the camera, when its network went and came back
 * (wall clock, ms).
 */
record CameraDrop(Plant.Camera camera, MjpegCamera stream, long cutMs, long restoredMs) {

  /** What the drill adds to the run's note about the fault. */
  static final String NOTE =
      "HTTP MJPEG camera "
          + DrillRunner.DROP_ROLE
          + " unreachable for "
          + DrillRunner.DROP_MS / 1000
          + " s (offline_after_s "
          + DrillRunner.DROP_OFFLINE_AFTER_S
          + "); ";

  record Check(boolean ok, String note) {}

  /**
   * After the drop: the camera went offline during the drop and online after it (on
   * vigil.camera-status), and its frames came again.
   */
  Check check(KafkaTap tap) {
    String id = camera.id();
    long offline = -1;
    long online = -1;
    for (KafkaTap.Status st : tap.cameraStatus()) {
      if (!st.camera().equals(id) || st.readMs() < cutMs) {
        continue;
      }
      if (st.availability().equals("offline") && offline < 0) {
        offline = st.readMs();
      } else if (st.availability().equals("online") && offline >= 0 && online < 0) {
        online = st.readMs();
      }
    }
    Long back = firstFrameAfter(tap);
    boolean ok = offline >= 0 && online >= 0 && back != null;
    return new Check(
        ok,
        (offline < 0 ? "never went offline" : "offline after " + (offline - cutMs) + " ms")
            + ", "
            + (online < 0 ? "never online again" : "online again " + (online - cutMs) + " ms")
            + " after the cut, "
            + (back == null
                ? "no frame after the drop"
                : "first frame " + (back - restoredMs) + " ms after the network came back")
            + "; ");
  }

  /** The first frame time of the dropped camera after its network came back, or null. */
  Long firstFrameAfter(KafkaTap tap) {
    return tap.observations().stream()
        .filter(o -> o.camera().equals(camera.id()) && o.timestamp() >= restoredMs)
        .map(KafkaTap.Obs::timestamp)
        .min(Long::compare)
        .orElse(null);
  }
}
