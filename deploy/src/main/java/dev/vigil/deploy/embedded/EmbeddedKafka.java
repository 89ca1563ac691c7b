package dev.vigil.deploy.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running in this JVM in KRaft mode: one node (id 1) that is both broker
 * and controller, listening on {@code 127.0.0.1} only.
 *
 * <p>Settings suit one machine: every internal topic has replication factor 1 (so transactions and
 * {@code exactly_once_v2} work), topics are never created automatically, segments are small and
 * retention is short (see {@link KafkaBrokerConfig#brokerProperties}).
 *
 * <p><b>Lifecycle.</b> {@link #start} formats the data directory if it is new, starts the broker
 * and returns once it serves requests. {@link #close} shuts it down and, if the data directory was
 * a temporary one, deletes it. A broker started again on the same data directory keeps its topics
 * and records. The caller owns the instance and must close it.
 *
 * <p><b>Threads.</b> {@link #bootstrapServers} and {@link #createTopics} may be called from any
 * thread; {@link #close} is idempotent.
 *
 * <p><b>Secured listeners.</b> {@link #start(int, Path, Secured)} adds two listeners beside the
 * plaintext one, for testing clients against a secured cluster: {@code SASL_SSL} with SCRAM-SHA-512
 * (users made with {@link #createScramUser}) and {@code SSL} with {@code ssl.client.auth=required}
 * (mutual TLS). The plaintext listener stays, on loopback, as the broker's own way in (topic
 * creation, SCRAM users); the default {@link #start(int, Path)} has no other.
 *
 * <p>The settings are in {@link KafkaBrokerConfig}, formatting in {@link KafkaStorage}, admin calls
 * in {@link KafkaAdmin}; this class owns the lifecycle.
 *
 * <p><b>Caveat.</b> Kafka's server halts the JVM on some fatal metadata faults, as a standalone
 * broker would exit; in the single-machine mode that ends the whole process.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /** The option named in the error when the Kafka port is taken. */
  public static final String PORT_FLAG = "--kafka-port";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /**
   * The key material of the secured listeners (PKCS12 stores).
   *
   * @param keyStore the broker's private key and certificate chain; the certificate must name
   *     {@code 127.0.0.1} (subject alternative name), as clients verify the host name
   * @param keyStorePassword password of the key store and of its key
   * @param trustStore the CAs whose client certificates the mutual-TLS listener accepts
   * @param trustStorePassword password of the trust store
   */
  public record Secured(
      Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
    /** Hides the passwords. */
    @Override
    public String toString() {
      return "Secured[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }
  }

  private final KafkaRaftServer server;
  private final int port;
  private final int saslSslPort;
  private final int mtlsPort;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final KafkaAdmin admin;
  private final Stopping stopping = new Stopping(LOG, "Embedded Kafka");

  private EmbeddedKafka(
      KafkaRaftServer server,
      int port,
      int saslSslPort,
      int mtlsPort,
      Path dataDir,
      boolean ownsDataDir) {
    this.server = server;
    this.port = port;
    this.saslSslPort = saslSslPort;
    this.mtlsPort = mtlsPort;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.admin = new KafkaAdmin(bootstrapServers());
  }

  /**
   * Starts a broker and waits until it serves requests (a few seconds).
   *
   * @param port the client port on 127.0.0.1, or 0 for a free one
   * @param dataDirOrNull where topics and metadata live; created and formatted if new, kept on
   *     close. If null, a temporary directory is used and deleted on close.
   * @throws EmbeddedBrokerException if the port is in use or the broker fails to start
   */
  public static EmbeddedKafka start(int port, Path dataDirOrNull) {
    return start(port, dataDirOrNull, null);
  }

  /**
   * Starts a broker as {@link #start(int, Path)} does; with {@code secured}, it also listens on
   * free loopback ports with {@code SASL_SSL} (SCRAM-SHA-512) and with mutual TLS ({@code SSL},
   * client certificate required). See {@link #saslSslBootstrapServers} and {@link
   * #mtlsBootstrapServers}.
   *
   * @param secured the key material of the secured listeners, or null for plaintext only
   */
  public static EmbeddedKafka start(int port, Path dataDirOrNull, Secured secured) {
    long started = System.nanoTime();
    QuietLogs.apply(QuietLogs.KAFKA);
    int clientPort = Ports.claim(port, PORT_FLAG);
    // The controller listener is internal; any free port will do and it may change on restart,
    // because a static single-voter quorum is not recorded in the metadata log.
    int controllerPort = Ports.claim(0, PORT_FLAG);
    int saslSslPort = secured == null ? -1 : Ports.claim(0, PORT_FLAG);
    int mtlsPort = secured == null ? -1 : Ports.claim(0, PORT_FLAG);
    boolean ownsDataDir = dataDirOrNull == null;
    Path dataDir;
    try {
      dataDir =
          ownsDataDir
              ? Files.createTempDirectory("vigil-kafka-")
              : Files.createDirectories(dataDirOrNull);
    } catch (IOException e) {
      throw new EmbeddedBrokerException(
          "cannot create the Kafka data directory " + dataDirOrNull + ": " + e.getMessage(), e);
    }
    KafkaRaftServer server = null;
    try {
      Properties props =
          KafkaBrokerConfig.brokerProperties(clientPort, controllerPort, dataDir.resolve("logs"));
      if (secured != null) {
        props.putAll(
            KafkaBrokerConfig.securedProperties(
                clientPort, controllerPort, saslSslPort, mtlsPort, secured));
      }
      Path configFile = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "Written by vigil for the embedded Kafka broker; rewritten on each start");
      }
      KafkaStorage.format(configFile, dataDir.resolve("logs"));
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      // Blocks until the broker is registered with the controller and unfenced.
      server.startup();
      EmbeddedKafka kafka =
          new EmbeddedKafka(server, clientPort, saslSslPort, mtlsPort, dataDir, ownsDataDir);
      kafka.admin.awaitReady();
      LOG.info(
          "Embedded Kafka ready at {} in {} ms (data in {})",
          kafka.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          dataDir);
      return kafka;
    } catch (RuntimeException | IOException e) {
      if (server != null) {
        stopQuietly(server);
      }
      if (ownsDataDir) {
        Dirs.deleteRecursively(dataDir);
      }
      if (e instanceof EmbeddedBrokerException ebe) {
        throw ebe;
      }
      throw new EmbeddedBrokerException(
          "embedded Kafka failed to start on 127.0.0.1:" + clientPort + ": " + e.getMessage(), e);
    }
  }

  /** The {@code bootstrap.servers} value for clients, {@code 127.0.0.1:port}. */
  public String bootstrapServers() {
    return Ports.LOOPBACK + ":" + port;
  }

  /**
   * The {@code bootstrap.servers} of the {@code SASL_SSL} (SCRAM-SHA-512) listener.
   *
   * @throws IllegalStateException if the broker was started without {@link Secured}
   */
  public String saslSslBootstrapServers() {
    return Ports.LOOPBACK + ":" + securedPort(saslSslPort);
  }

  /**
   * The {@code bootstrap.servers} of the mutual-TLS listener ({@code SSL}, client certificate
   * required).
   *
   * @throws IllegalStateException if the broker was started without {@link Secured}
   */
  public String mtlsBootstrapServers() {
    return Ports.LOOPBACK + ":" + securedPort(mtlsPort);
  }

  private static int securedPort(int port) {
    if (port < 0) {
      throw new IllegalStateException(
          "this broker has no secured listeners; start it with Secured");
    }
    return port;
  }

  /**
   * Creates or updates a SCRAM-SHA-512 user for the {@code SASL_SSL} listener, through the
   * plaintext listener, and returns once the broker applied it.
   */
  public void createScramUser(String user, String password) {
    securedPort(saslSslPort);
    admin.createScramUser(user, password);
  }

  /** The client port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The data directory (the temporary one if none was given). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates the topics that do not exist yet, with replication factor 1. Existing topics are left
   * as they are (their partition count and config are not changed), so calling this again is safe.
   *
   * @param partitions topic name to partition count
   * @param compacted names (among {@code partitions}' keys) that get {@code cleanup.policy=compact}
   * @throws EmbeddedBrokerException if a topic cannot be created
   */
  public void createTopics(Map<String, Integer> partitions, Set<String> compacted) {
    admin.createTopics(partitions, compacted);
  }

  /** Shuts the broker down and waits for it; deletes the data directory if it was temporary. */
  @Override
  public void close() {
    stopping.once(
        bootstrapServers(),
        () -> {
          stopQuietly(server);
          if (ownsDataDir) {
            Dirs.deleteRecursively(dataDir);
          }
        });
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka did not shut down cleanly", e);
    }
  }
}
