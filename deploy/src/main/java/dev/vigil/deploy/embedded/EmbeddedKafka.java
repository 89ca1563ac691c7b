package dev.vigil.deploy.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker running in this JVM in KRaft mode: one node (id 1) that is both broker
 * and controller, listening on {@code 127.0.0.1} only.
 *
 * <p>Settings suit one machine: every internal topic has replication factor 1 (so transactions and
 * {@code exactly_once_v2} work), topics are never created automatically, segments are small and
 * retention is short (see {@link #brokerProperties}).
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
 * <p><b>Caveat.</b> Kafka's server halts the JVM on some fatal metadata faults, as a standalone
 * broker would exit; in the single-machine mode that ends the whole process.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /** The option named in the error when the Kafka port is taken. */
  public static final String PORT_FLAG = "--kafka-port";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final long ADMIN_TIMEOUT_MS = 30_000;

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

  private static final String SASL_SSL_LISTENER = "SASL_SSL";
  private static final String MTLS_LISTENER = "SSL";
  private static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  private final KafkaRaftServer server;
  private final int port;
  private final int saslSslPort;
  private final int mtlsPort;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private boolean closed;

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
      Properties props = brokerProperties(clientPort, controllerPort, dataDir.resolve("logs"));
      if (secured != null) {
        props.putAll(securedProperties(clientPort, controllerPort, saslSslPort, mtlsPort, secured));
      }
      Path configFile = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "Written by vigil for the embedded Kafka broker; rewritten on each start");
      }
      format(configFile, existingClusterId(dataDir.resolve("logs")));
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      // Blocks until the broker is registered with the controller and unfenced.
      server.startup();
      EmbeddedKafka kafka =
          new EmbeddedKafka(server, clientPort, saslSslPort, mtlsPort, dataDir, ownsDataDir);
      kafka.awaitReady();
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

  /** The broker settings, exposed for tests and for anyone reproducing the setup by hand. */
  static Properties brokerProperties(int clientPort, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + Ports.LOOPBACK + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + Ports.LOOPBACK
            + ":"
            + clientPort
            + ",CONTROLLER://"
            + Ports.LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());

    // One node: every internal topic must fit on it, or transactions and groups never start.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");

    // A demo keeps little: small segments so retention can bite, one hour or 256 MiB a partition.
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("log.retention.ms", Long.toString(TimeUnit.HOURS.toMillis(1)));
    p.put("log.retention.bytes", Long.toString(256L * 1024 * 1024));
    p.put("log.retention.check.interval.ms", "60000");
    // JPEG frames from larger cameras exceed the 1 MiB default.
    p.put("message.max.bytes", Integer.toString(8 * 1024 * 1024));

    // Small thread pools and cleaner buffer: this shares the machine with the model.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    return p;
  }

  /**
   * What the secured listeners add to {@link #brokerProperties}: the listeners, their protocols,
   * SCRAM-SHA-512 on {@code SASL_SSL} and a required client certificate on {@code SSL}. The broker
   * itself keeps talking plaintext to itself on loopback.
   */
  static Properties securedProperties(
      int clientPort, int controllerPort, int saslSslPort, int mtlsPort, Secured secured) {
    Properties p = new Properties();
    String host = Ports.LOOPBACK + ":";
    p.put(
        "listeners",
        "PLAINTEXT://"
            + host
            + clientPort
            + ",CONTROLLER://"
            + host
            + controllerPort
            + ","
            + SASL_SSL_LISTENER
            + "://"
            + host
            + saslSslPort
            + ","
            + MTLS_LISTENER
            + "://"
            + host
            + mtlsPort);
    p.put(
        "advertised.listeners",
        "PLAINTEXT://"
            + host
            + clientPort
            + ","
            + SASL_SSL_LISTENER
            + "://"
            + host
            + saslSslPort
            + ","
            + MTLS_LISTENER
            + "://"
            + host
            + mtlsPort);
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
    String sasl = "listener.name." + SASL_SSL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    p.put(sasl + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put(
        sasl + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put(
        "listener.name." + MTLS_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".ssl.client.auth",
        "required");
    return p;
  }

  /** The cluster id recorded by an earlier start, so a restart formats nothing and matches it. */
  private static String existingClusterId(Path logDir) throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (!Files.exists(meta)) {
      return Uuid.randomUuid().toString();
    }
    Properties props = new Properties();
    try (var in = Files.newInputStream(meta)) {
      props.load(in);
    }
    String id = props.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new EmbeddedBrokerException(
          meta + " has no cluster.id; delete the Kafka data directory to start afresh");
    }
    return id;
  }

  private static void format(Path configFile, String clusterId) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // --ignore-formatted makes a restart on an existing data directory a no-op.
      String[] args = {
        "format",
        "--config",
        configFile.toString(),
        "--cluster-id",
        clusterId,
        "--ignore-formatted",
        // Transactions v2 makes Kafka 4.1's EOS producers log spurious out-of-order-sequence
        // errors on their first writes to a partition; v1 behaves the same for a single node.
        "--feature",
        "transaction.version=1"
      };
      rc = StorageTool.execute(args, print);
    } catch (RuntimeException e) {
      throw new EmbeddedBrokerException(
          "cannot format the Kafka data directory: "
              + e.getMessage()
              + "; use an empty directory or one a previous embedded broker wrote",
          e);
    }
    if (rc != 0) {
      throw new EmbeddedBrokerException(
          "cannot format the Kafka data directory (exit "
              + rc
              + "): "
              + output.toString(StandardCharsets.UTF_8).trim());
    }
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("embedded Kafka did not become ready: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while waiting for embedded Kafka", e);
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
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      // The credential is in the metadata log once acknowledged; wait until this broker serves it.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS);
      while (!admin
          .describeUserScramCredentials(List.of(user))
          .all()
          .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .containsKey(user)) {
        if (System.nanoTime() > deadline) {
          throw new EmbeddedBrokerException("SCRAM user " + user + " did not appear in time");
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("cannot create SCRAM user " + user + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while creating SCRAM user " + user, e);
    }
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
    for (String name : compacted) {
      if (!partitions.containsKey(name)) {
        throw new IllegalArgumentException(
            "compacted topic "
                + name
                + " is not among the topics to create "
                + partitions.keySet());
      }
    }
    try (Admin admin = admin()) {
      Set<String> existing =
          admin.listTopics().names().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      partitions.forEach(
          (name, count) -> {
            if (!existing.contains(name)) {
              NewTopic topic = new NewTopic(name, count, (short) 1);
              if (compacted.contains(name)) {
                topic.configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
              }
              missing.add(topic);
            }
          });
      if (missing.isEmpty()) {
        return;
      }
      Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
          admin.createTopics(missing).values();
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result :
          results.entrySet()) {
        try {
          result.getValue().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          // Another caller created it in between: the outcome is the same.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new EmbeddedBrokerException(
                "cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedBrokerException("cannot list topics on embedded Kafka: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedBrokerException("interrupted while creating topics", e);
    }
  }

  private Admin admin() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-embedded-admin");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS);
    return Admin.create(config);
  }

  /** Shuts the broker down and waits for it; deletes the data directory if it was temporary. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    stopQuietly(server);
    if (ownsDataDir) {
      Dirs.deleteRecursively(dataDir);
    }
    LOG.info(
        "Embedded Kafka at {} stopped in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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
