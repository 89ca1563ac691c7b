package dev.vigil.deploy.drill;

import static dev.vigil.deploy.embedded.KafkaSettings.listener;

import dev.vigil.deploy.embedded.KafkaSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * Three Kafka brokers, each its own JVM ({@link DrillBroker}), each broker and controller, with a
 * controller quorum of the three. Each has two client listeners: {@code INTERNAL} for processors,
 * alerts and the drill, and {@code EDGE} for agents, advertised as a {@link TcpProxy} port so a
 * drill can cut the agents' network without touching anything else.
 */
final class KafkaCluster implements AutoCloseable {
  static final int SIZE = 3;

  private final List<Child> brokers = new ArrayList<>();
  private final List<TcpProxy> proxies = new ArrayList<>();
  private final int[] clientPorts = new int[SIZE];
  private Admin admin;

  KafkaCluster(Path dir) throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    int[] controllerPorts = new int[SIZE];
    int[] edgePorts = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      clientPorts[i] = Ports.free();
      controllerPorts[i] = Ports.free();
      edgePorts[i] = Ports.free();
      proxies.add(new TcpProxy(edgePorts[i]));
    }
    String voters =
        java.util.stream.IntStream.range(0, SIZE)
            .mapToObj(i -> (i + 1) + "@" + Ports.LOOPBACK + ":" + controllerPorts[i])
            .collect(Collectors.joining(","));
    for (int i = 0; i < SIZE; i++) {
      Path brokerDir = Files.createDirectories(dir.resolve("broker-" + (i + 1)));
      Properties p = properties(i + 1, voters, clientPorts[i], edgePorts[i], controllerPorts[i]);
      p.put("advertised.listeners", advertised(i));
      p.put("log.dirs", brokerDir.resolve("logs").toAbsolutePath().toString());
      Path config = brokerDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        p.store(out, "vigil drill broker " + (i + 1));
      }
      brokers.add(
          Child.java(
              "kafka broker " + (i + 1),
              "512m",
              List.of("-XX:TieredStopAtLevel=1"),
              List.of(DrillBroker.class.getName(), config.toString(), clusterId),
              dir.resolve("logs/broker-" + (i + 1) + ".log")));
    }
  }

  private String advertised(int i) {
    return listener("INTERNAL", clientPorts[i]) + "," + listener("EDGE", proxies.get(i).port());
  }

  static Properties properties(int nodeId, String voters, int client, int edge, int controller) {
    Properties p = KafkaSettings.combinedNode(nodeId, voters);
    p.put(
        "listeners",
        String.join(
            ",",
            listener("INTERNAL", client),
            listener("EDGE", edge),
            listener("CONTROLLER", controller)));
    p.put(
        "listener.security.protocol.map", "INTERNAL:PLAINTEXT,EDGE:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "INTERNAL");
    // A plant's settings: three replicas, two in sync, for everything including internal topics.
    KafkaSettings.replication(p, 3, 2, 6);
    // Lean: the drill shares two cores with two models.
    KafkaSettings.leanSharedMachine(p);
    p.put("replica.fetch.max.bytes", Integer.toString(8 * 1024 * 1024));
    p.put("num.replica.fetchers", "1");
    return p;
  }

  void start(Duration timeout) {
    for (Child b : brokers) {
      b.start();
    }
    admin = Admin.create(adminProps());
    awaitHealthy(timeout);
  }

  /** The processors' and alerts' bootstrap list: the three INTERNAL listeners. */
  String bootstrap() {
    List<String> s = new ArrayList<>();
    for (int port : clientPorts) {
      s.add(Ports.LOOPBACK + ":" + port);
    }
    return String.join(",", s);
  }

  /** The agents' bootstrap list: the three proxies in front of the EDGE listeners. */
  String edgeBootstrap() {
    return proxies.stream()
        .map(p -> Ports.LOOPBACK + ":" + p.port())
        .collect(Collectors.joining(","));
  }

  Admin admin() {
    return admin;
  }

  Child broker(int nodeId) {
    return brokers.get(nodeId - 1);
  }

  List<Child> brokers() {
    return brokers;
  }

  void cutEdge() {
    proxies.forEach(TcpProxy::cut);
  }

  void restoreEdge() {
    proxies.forEach(TcpProxy::restore);
  }

  /** The node coordinating {@code groupId} (its transactions and offsets live there too). */
  int coordinatorOf(String groupId) {
    try {
      return admin
          .describeConsumerGroups(List.of(groupId))
          .all()
          .get(30, TimeUnit.SECONDS)
          .get(groupId)
          .coordinator()
          .id();
    } catch (Exception e) {
      throw new DrillException("cannot find the coordinator of group " + groupId + ": " + e, e);
    }
  }

  /**
   * Waits until all three brokers are registered and every partition has its full ISR: the cluster
   * is whole again.
   */
  void awaitHealthy(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Child b : brokers) {
        b.requireAlive();
      }
      try {
        var nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        if (nodes.size() < SIZE) {
          last = nodes.size() + " of " + SIZE + " brokers registered";
        } else {
          var names =
              admin
                  .listTopics(
                      new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                  .names()
                  .get(10, TimeUnit.SECONDS);
          Map<String, TopicDescription> d =
              admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS);
          long under =
              d.values().stream()
                  .flatMap(t -> t.partitions().stream())
                  .filter(KafkaCluster::underReplicated)
                  .count();
          if (under == 0) {
            return;
          }
          last = under + " partition(s) under-replicated";
        }
      } catch (Exception e) {
        last = e.toString();
      }
      pause(500);
    }
    throw new DrillException(
        "the Kafka cluster did not become healthy within "
            + timeout.toSeconds()
            + " s ("
            + last
            + "); see the broker logs under "
            + brokers.get(0).log().getParent());
  }

  private static boolean underReplicated(TopicPartitionInfo p) {
    return p.leader() == null
        || p.isr().size() < p.replicas().size()
        || p.replicas().stream().map(Node::id).distinct().count() < p.replicas().size();
  }

  static Properties adminProps(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-drill-admin");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return p;
  }

  private Properties adminProps() {
    return adminProps(bootstrap());
  }

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DrillException("interrupted");
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
    // SIGKILL: the data is thrown away with the work directory, and a clean shutdown of the last
    // brokers can hang without a quorum.
    for (Child b : brokers) {
      b.kill9();
    }
    proxies.forEach(TcpProxy::close);
  }

  static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }
}
