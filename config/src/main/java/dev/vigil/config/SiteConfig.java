package dev.vigil.config;

import java.util.List;
import java.util.Map;

/**
 * One site's configuration, as loaded from {@code site.yaml} by {@link SiteConfigLoader}.
 * Immutable.
 *
 * @param site site name, used in MQTT topics ({@code vigil/<site>/...})
 * @param kafka Kafka connection and topic prefix
 * @param mqtt MQTT connection and topic prefix
 * @param model model cache and threading
 * @param cameras the cameras, each with its source and zones
 * @param prompts standing prompts seeded into {@code vigil.prompts} at start
 */
public record SiteConfig(
    String site,
    Kafka kafka,
    Mqtt mqtt,
    Model model,
    List<Camera> cameras,
    List<PromptSpec> prompts) {

  public SiteConfig {
    cameras = cameras == null ? List.of() : List.copyOf(cameras);
    prompts = prompts == null ? List.of() : List.copyOf(prompts);
  }

  public Topics topics() {
    return new Topics(kafka.topicPrefix());
  }

  /** The camera with this id, or null. */
  public Camera camera(String id) {
    return cameras.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  /**
   * Kafka connection.
   *
   * @param bootstrapServers comma-separated host:port list
   * @param topicPrefix prefix of every topic name, default {@code vigil.}
   * @param properties extra client properties (security.protocol, sasl.*, ...), passed through
   */
  public record Kafka(String bootstrapServers, String topicPrefix, Map<String, String> properties) {
    public Kafka {
      topicPrefix = topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix;
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
  }

  /**
   * MQTT connection.
   *
   * @param url broker URL, {@code tcp://host:1883} or {@code ssl://host:8883}
   * @param topicPrefix prefix of every topic, default {@code vigil/<site>/}
   * @param clientId MQTT client id; must be stable for the persistent session to resume
   * @param username user name, or null
   * @param password password, or null
   * @param caFile PEM file of the CA that signed the broker's certificate, for {@code ssl://}
   */
  public record Mqtt(
      String url,
      String topicPrefix,
      String clientId,
      String username,
      String password,
      String caFile) {

    /** Hides the password, so logging the config does not leak it. */
    @Override
    public String toString() {
      return "Mqtt[url=%s, topicPrefix=%s, clientId=%s, username=%s, password=%s, caFile=%s]"
          .formatted(url, topicPrefix, clientId, username, password == null ? null : "***", caFile);
    }
  }

  /**
   * Model settings.
   *
   * @param cacheDir where downloaded models are cached, default {@code ~/.cache/vigil/models}
   * @param intraOpThreads TensorFlow intra-op threads (process-wide)
   */
  public record Model(String cacheDir, int intraOpThreads) {}

  /**
   * One camera.
   *
   * @param id camera id, used as Kafka key and in MQTT topics
   * @param source file path, image folder, or rtsp/http(s) URL
   * @param fps target sampling rate
   * @param keyframeIntervalS send a frame at least this often even when nothing moves
   * @param motionThreshold fraction of changed pixels (0..1) below which a frame is skipped; 0
   *     disables the gate
   * @param audioCalibrationDb offset from dBFS to dB SPL for this camera's microphone
   * @param zones named polygons in normalised coordinates
   */
  public record Camera(
      String id,
      String source,
      double fps,
      double keyframeIntervalS,
      double motionThreshold,
      double audioCalibrationDb,
      List<Zone> zones) {
    public Camera {
      zones = zones == null ? List.of() : List.copyOf(zones);
    }
  }

  /**
   * A named zone of one camera.
   *
   * @param name zone name, used in prompts ("in zone assembly")
   * @param polygon vertices in normalised coordinates, at least three
   */
  public record Zone(String name, List<Point> polygon) {
    public Zone {
      polygon = polygon == null ? List.of() : List.copyOf(polygon);
    }
  }
}
