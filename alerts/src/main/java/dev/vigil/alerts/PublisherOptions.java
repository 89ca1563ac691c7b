package dev.vigil.alerts;

import dev.vigil.config.Ids;
import dev.vigil.config.SiteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link MqttAlertPublisher} connects. Immutable.
 *
 * @param site site name; the default topic prefix is {@code vigil/<site>/}
 * @param mqtt broker URL, credentials, client id, topic prefix and TLS files from the site config;
 *     its {@link SiteConfig.Mqtt#fileProblems} fail the construction
 * @param persistenceDir where Paho keeps in-flight QoS 1 messages across restarts, or null for
 *     in-memory persistence (never the working directory)
 * @param sessionExpiry how long the broker keeps the session while this client is away
 * @param connectTimeout how long the first connect may take
 * @param instance what tells this alerts process apart from other processes of the same site (see
 *     {@link AlertsInstance}), appended to the client id; null or blank for none
 */
public record PublisherOptions(
    String site,
    SiteConfig.Mqtt mqtt,
    Path persistenceDir,
    Duration sessionExpiry,
    Duration connectTimeout,
    String instance) {
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(1);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  public PublisherOptions {
    Objects.requireNonNull(site, "site");
    Objects.requireNonNull(mqtt, "mqtt");
    // The loader leaves unreadable MQTT secret files to the one service that needs them.
    mqtt.requireFiles();
    if (!Ids.valid(site)) {
      // The site is a topic level: a + # or / in it would publish where nobody subscribes.
      throw new AlertsException("site " + Ids.show(site) + " is invalid: use " + Ids.RULE);
    }
    if (mqtt.url() == null || mqtt.url().isBlank()) {
      throw new AlertsException(
          "mqtt.url is not set; give the broker as tcp://host:1883 or ssl://host:8883");
    }
    if (mqtt.topicPrefix() != null && mqtt.topicPrefix().matches(".*[+#\u0000].*")) {
      throw new AlertsException(
          "mqtt.topic_prefix "
              + Ids.show(mqtt.topicPrefix())
              + " holds an MQTT wildcard (+ or #); use plain topic levels such as vigil/plant1/");
    }
    if (instance != null && !instance.isBlank() && !Ids.valid(instance)) {
      throw new AlertsException(
          "alerts instance " + Ids.show(instance) + " is invalid: use " + Ids.RULE);
    }
    sessionExpiry = sessionExpiry == null ? DEFAULT_SESSION_EXPIRY : sessionExpiry;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    instance = instance == null || instance.isBlank() ? null : instance;
  }

  /** Options with in-memory persistence, default timeouts and no instance suffix. */
  public static PublisherOptions of(String site, SiteConfig.Mqtt mqtt) {
    return new PublisherOptions(site, mqtt, null, null, null, null);
  }

  /** A copy that persists in-flight messages under {@code dir}. */
  public PublisherOptions withPersistenceDir(Path dir) {
    return new PublisherOptions(site, mqtt, dir, sessionExpiry, connectTimeout, instance);
  }

  /** A copy whose client id ends in {@code -<instance>}; null or blank for none. */
  public PublisherOptions withInstance(String instance) {
    return new PublisherOptions(
        site, mqtt, persistenceDir, sessionExpiry, connectTimeout, instance);
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

  /**
   * The MQTT client id: {@code mqtt.client_id} (by default {@code vigil-alerts-<site>}), then
   * {@code -<instance>} when set. It must be unique per process, or two processes take the session
   * from each other in turn, and stable across restarts, so the persistent session resumes.
   */
  public String clientId() {
    String id = mqtt.clientId();
    String base = id == null || id.isBlank() ? "vigil-alerts-" + site : id;
    return instance == null ? base : base + "-" + instance;
  }
}
