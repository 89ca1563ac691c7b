package dev.vigil.deploy.embedded;

import static dev.vigil.deploy.embedded.KafkaSettings.listener;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The embedded broker's settings: one node (id 1) that is both broker and controller, listening on
 * loopback, optionally with the secured listeners of {@link EmbeddedKafka.Secured}. Stateless.
 */
final class KafkaBrokerConfig {
  static final int NODE_ID = 1;
  static final String SASL_SSL_LISTENER = "SASL_SSL";
  static final String MTLS_LISTENER = "SSL";
  static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  private KafkaBrokerConfig() {}

  /** The broker settings, exposed for tests and for anyone reproducing the setup by hand. */
  static Properties brokerProperties(int clientPort, int controllerPort, Path logDir) {
    Properties p =
        KafkaSettings.combinedNode(NODE_ID, NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort);
    p.put(
        "listeners",
        String.join(
            ",", listener("PLAINTEXT", clientPort), listener("CONTROLLER", controllerPort)));
    p.put("advertised.listeners", listener("PLAINTEXT", clientPort));
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());

    // One node: every internal topic must fit on it, or transactions and groups never start.
    KafkaSettings.replication(p, 1, 1, 1);
    p.put("num.partitions", "1");

    // A demo keeps little: small segments so retention can bite, one hour or 256 MiB a partition.
    p.put("log.retention.ms", Long.toString(TimeUnit.HOURS.toMillis(1)));
    p.put("log.retention.bytes", Long.toString(256L * 1024 * 1024));
    p.put("log.retention.check.interval.ms", "60000");
    KafkaSettings.leanSharedMachine(p);
    return p;
  }

  /**
   * What the secured listeners add to {@link #brokerProperties}: the listeners, their protocols,
   * SCRAM-SHA-512 on {@code SASL_SSL} and a required client certificate on {@code SSL}. The broker
   * itself keeps talking plaintext to itself on loopback.
   */
  static Properties securedProperties(
      int clientPort,
      int controllerPort,
      int saslSslPort,
      int mtlsPort,
      EmbeddedKafka.Secured secured) {
    Properties p = new Properties();
    String plaintext = listener("PLAINTEXT", clientPort);
    String securedListeners =
        listener(SASL_SSL_LISTENER, saslSslPort) + "," + listener(MTLS_LISTENER, mtlsPort);
    p.put(
        "listeners",
        String.join(",", plaintext, listener("CONTROLLER", controllerPort), securedListeners));
    p.put("advertised.listeners", plaintext + "," + securedListeners);
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
            + SASL_SSL_LISTENER
            + ":SASL_SSL,"
            + MTLS_LISTENER
            + ":SSL");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", secured.keyStore().toAbsolutePath().toString());
    p.put("ssl.keystore.password", secured.keyStorePassword());
    p.put("ssl.key.password", secured.keyStorePassword());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", secured.trustStore().toAbsolutePath().toString());
    p.put("ssl.truststore.password", secured.trustStorePassword());
    String sasl = "listener.name." + SASL_SSL_LISTENER.toLowerCase(Locale.ROOT) + ".";
    p.put(sasl + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put(
        sasl + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put(
        "listener.name." + MTLS_LISTENER.toLowerCase(Locale.ROOT) + ".ssl.client.auth", "required");
    return p;
  }
}
