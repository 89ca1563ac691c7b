package dev.vigil.config;

/**
 * A camera's availability, the value of the compacted {@code vigil.camera-status} topic (keyed by
 * camera id). The processor writes {@code offline} once a camera has sent no frame for its {@code
 * offline_after_s} (processor wall clock) and {@code online} when frames come again; alerts
 * republish it as the retained MQTT topic {@code <camera>/availability}.
 *
 * @param camera camera id
 * @param availability {@link #ONLINE} or {@link #OFFLINE}
 * @param since wall-clock time of the change, epoch millis
 * @param lastFrame event time of the camera's last frame, epoch millis, or -1 when none was seen
 */
public record CameraStatus(String camera, String availability, long since, long lastFrame) {
  public static final String ONLINE = "online";
  public static final String OFFLINE = "offline";

  public boolean online() {
    return ONLINE.equals(availability);
  }
}
