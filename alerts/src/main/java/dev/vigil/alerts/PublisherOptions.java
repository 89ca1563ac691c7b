package dev.vigil.alerts;

import dev.vigil.config.SiteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link MqttAlertPublisher} connects. Immutable.
 *
 * @param site site name; the default topic prefix is {@code vigil/<site>/}
 * @param mqtt broker URL, credentials, client id, topic prefix and CA file from the site config
 * @param persistenceDir where Paho keeps in-flight QoS 1 messages across restarts, or null for
 *     in-memory persistence (never the working directory)
 * @param sessionExpiry how long the broker keeps the session while this client is away
 * @param connectTimeout how long the first connect may take
 */
public record PublisherOptions(
    String site,
    SiteConfig.Mqtt mqtt,
    Path persistenceDir,
    Duration sessionExpiry,
    Duration connectTimeout) {
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public PublisherOptions {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(mqtt, "mqtt");
    if (mqtt.url() == null || mqtt.url().isBlank()) {
      throw new AlertsException(
          "mqtt.url is not set; give the broker as tcp://host:1883 or ssl://host:8883");
    }
    sessionExpiry = sessionExpiry == null ? DEFAULT_SESSION_EXPIRY : sessionExpiry;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
  }

  /** Options with in-memory persistence and default timeouts. */
  public static PublisherOptions of(String site, SiteConfig.Mqtt mqtt) {
    return new PublisherOptions(site, mqtt, null, null, null);
  }

  /** A copy that persists in-flight messages under {@code dir}. */
  public PublisherOptions withPersistenceDir(Path dir) {
    return new PublisherOptions(site, mqtt, dir, sessionExpiry, connectTimeout);
  }

  /**
   * The topic prefix, always ending in {@code /}: {@code mqtt.topic_prefix} or {@code
   * vigil/<site>/}.
   */
  public String topicPrefix() {
    String prefix = mqtt.topicPrefix();
    if (prefix == null || prefix.isBlank()) {
      return "vigil/" + site + "/";
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /** The MQTT client id: {@code mqtt.client_id}, or a stable default so the session resumes. */
  public String clientId() {
    String id = mqtt.clientId();
    return id == null || id.isBlank() ? "vigil-alerts-" + site : id;
  }
}
