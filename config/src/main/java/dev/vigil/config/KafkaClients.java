package dev.vigil.config;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The one place Kafka client properties are built, per role. Each starts from the role's tunable
 * defaults, then the site's own {@code kafka.properties} (security, timeouts), then the guarantees
 * Vigil depends on, last, so a site file cannot weaken them: idempotent {@code acks=all} producers,
 * and consumers that read only committed records and commit only by hand.
 *
 * <p>Client and group ids derive from the site name ({@code vigil-<site>-<role>}), so several sites
 * share one cluster without colliding.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /** {@code vigil-<site>-<role>}: the application, group or client id of one role of a site. */
  public static String id(String site, String role) {
    return "vigil-" + Ids.require("site", site) + "-" + role;
  }

  /** Admin client: topic creation and inspection. */
  public static Properties admin(SiteConfig.Kafka kafka) {
    Properties p = new Properties();
    p.putAll(kafka.properties());
    return withBootstrap(p, kafka);
  }

  /**
   * Producer: idempotent, {@code acks=all}.
   *
   * @param defaults the role's tunables (linger, batch size), which the site may override
   */
  public static Properties producer(SiteConfig.Kafka kafka, Map<String, ?> defaults) {
    Properties p = new Properties();
    p.putAll(defaults);
    p.putAll(kafka.properties());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return withBootstrap(p, kafka);
  }

  /**
   * Consumer in a group: {@code read_committed}, no auto-commit (the caller commits after its sink
   * acknowledged).
   *
   * @param groupId consumer group, usually {@link #id}
   * @param defaults the role's tunables (offset reset, max poll records), which the site may
   *     override
   */
  public static Properties consumer(
      SiteConfig.Kafka kafka, String groupId, Map<String, ?> defaults) {
    Properties p = new Properties();
    p.putAll(defaults);
    p.putAll(kafka.properties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return withBootstrap(p, kafka);
  }

  /** Consumer without a group (assign and seek), reading committed records only. */
  public static Properties reader(SiteConfig.Kafka kafka) {
    Properties p = new Properties();
    p.putAll(kafka.properties());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return withBootstrap(p, kafka);
  }

  /**
   * Kafka Streams: the site's properties first, then {@code streamsGuarantees} (processing
   * guarantee, application id), which win.
   */
  public static Properties streams(
      SiteConfig.Kafka kafka, Map<String, ?> defaults, Map<String, ?> streamsGuarantees) {
    Properties p = new Properties();
    p.putAll(defaults);
    p.putAll(kafka.properties());
    p.putAll(streamsGuarantees);
    return withBootstrap(p, kafka);
  }

  /**
   * One line for a failure in which Kafka refused this client, or null if {@code failure} is none:
   * the client's message (such as "SSL handshake failed"), the root cause (an untrusted
   * certificate, invalid credentials) and the settings to check. Kafka does not retry a refused
   * login or handshake, so callers report it and stop rather than retry.
   */
  public static String authenticationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException refused) {
        Throwable root = refused;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        StringBuilder line = new StringBuilder("Kafka authentication failed: ");
        line.append(refused.getMessage());
        String rootMessage = root.getMessage();
        if (root != refused && rootMessage != null && !line.toString().contains(rootMessage)) {
          line.append(": ").append(rootMessage);
        }
        String cause = String.valueOf(rootMessage);
        if (cause.contains("certification path") || cause.contains("PKIX")) {
          line.append(
              " (this client does not trust the broker's certificate: ssl.truststore.* must hold"
                  + " the CA that signed it)");
        } else if (cause.contains("fatal alert") && cause.contains("certificate")) {
          line.append(
              " (the broker refused this client's certificate: ssl.keystore.* must hold a key and"
                  + " certificate signed by a CA the broker trusts)");
        } else if (refused instanceof SslAuthenticationException) {
          line.append(" (check ssl.truststore.* and, for mutual TLS, ssl.keystore.*)");
        } else if (refused instanceof SaslAuthenticationException) {
          line.append(" (check sasl.mechanism and the user name and password in sasl.jaas.config)");
        }
        return line.toString();
      }
    }
    return null;
  }

  private static Properties withBootstrap(Properties p, SiteConfig.Kafka kafka) {
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return p;
  }
}
