package dev.vigil.deploy.drill;

import dev.vigil.config.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * The production shape on one machine, every part its own OS process: three Kafka brokers,
 * mosquitto, two processors, alerts, and agents started per run. Owns every child; {@link #close}
 * ends them all (also from a shutdown hook).
 */
final class Plant implements AutoCloseable {
  static final String SITE = "drill";
  static final String CLI = "dev.vigil.deploy.VigilCli";

  /** The alerts' consumer group, derived from the site name as every Vigil id is. */
  static final String ALERTS_GROUP = dev.vigil.config.KafkaClients.id(SITE, "alerts");

  static final Duration READY = Duration.ofMinutes(5);

  /**
   * One camera of the whole drill: its id, its source (a clip folder or a stream URL) and its
   * offline_after_s (0: the default).
   */
  record Camera(String id, String source, int offlineAfterS) {
    Camera(String id, Path clip) {
      this(id, clip.toAbsolutePath().toString(), 0);
    }

    Camera withSource(String url) {
      return new Camera(id, url, offlineAfterS);
    }

    long offlineAfterMs() {
      return Math.round(
          (offlineAfterS > 0
                  ? offlineAfterS
                  : dev.vigil.config.SiteConfig.Camera.DEFAULT_OFFLINE_AFTER_S)
              * 1000);
    }
  }

  private final Path dir;
  private final List<Camera> cameras;
  private final KafkaCluster kafka;
  private final Mosquitto mqtt;
  private final List<Child> processors = new ArrayList<>();
  private final List<Integer> processorPorts = new ArrayList<>();
  private final List<Child> agents = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Child alerts;
  private MqttTap mqttTap;
  private KafkaTap kafkaTap;
  private final Path siteFile;
  private final Thread hook = new Thread(this::closeQuietly, "vigil-drill-cleanup");

  Plant(Path dir, List<Camera> cameras) throws IOException {
    this.dir = dir;
    this.cameras = List.copyOf(cameras);
    Runtime.getRuntime().addShutdownHook(hook);
    this.mqtt = new Mosquitto(dir.resolve("mosquitto"));
    this.kafka = new KafkaCluster(dir);
    this.siteFile = dir.resolve("site.yaml");
  }

  /** Starts everything but the agents, each waited for with a positive signal. */
  void start() throws IOException {
    long t0 = System.nanoTime();
    mqtt.start();
    log("mosquitto ready on port %d", mqtt.port());
    kafka.start(READY);
    log("3 Kafka brokers ready (%s) after %d s", kafka.bootstrap(), secondsSince(t0));
    Files.writeString(siteFile, siteYaml(kafka.bootstrap(), cameras, List.of()));
    mqttTap = new MqttTap(mqtt.port(), SITE, dir.resolve("logs/mosquitto_sub.log"));
    for (int i = 1; i <= 2; i++) {
      int port = Ports.free();
      processorPorts.add(port);
      processors.add(
          Child.java(
              "processor " + i,
              "1g",
              List.of(),
              List.of(
                  CLI,
                  "processor",
                  "--config",
                  siteFile.toString(),
                  "--data-dir",
                  dir.resolve("processor-" + i).toString(),
                  "--http-port",
                  Integer.toString(port)),
              dir.resolve("logs/processor-" + i + ".log")));
    }
    // One at a time: the first creates the topics and seeds the prompts.
    processors.get(0).start();
    awaitReady(processors.get(0), processorPorts.get(0));
    processors.get(1).start();
    awaitReady(processors.get(1), processorPorts.get(1));
    log("2 processors ready after %d s", secondsSince(t0));
    kafkaTap = new KafkaTap(kafka.bootstrap(), Topics.defaults());
    kafkaTap.start(Duration.ofMinutes(2));
    alerts =
        Child.java(
                "alerts",
                "384m",
                List.of(),
                List.of(
                    CLI,
                    "alerts",
                    "--config",
                    siteFile.toString(),
                    "--data-dir",
                    dir.resolve("alerts").toString(),
                    "--http-port",
                    Integer.toString(Ports.free())),
                dir.resolve("logs/alerts.log"))
            .start();
    awaitAlertsReady();
    log("alerts ready after %d s", secondsSince(t0));
  }

  /** The site file of processors and alerts, or an agent's (its cameras only). */
  String siteYaml(String bootstrap, List<Camera> cameras, List<String> extraProps) {
    StringBuilder y = new StringBuilder();
    y.append("site: ").append(SITE).append('\n');
    y.append("kafka:\n");
    y.append("  bootstrap_servers: \"").append(bootstrap).append("\"\n");
    // Lean for two cores; a plant keeps the default 12.
    y.append("  partitions: 4\n");
    y.append("  properties:\n");
    // Failover within the target: a killed processor's tasks move after 10 s, not 45 s.
    y.append("    session.timeout.ms: \"10000\"\n");
    y.append("    heartbeat.interval.ms: \"2000\"\n");
    for (String p : extraProps) {
      y.append("    ").append(p).append('\n');
    }
    y.append("mqtt:\n");
    y.append("  url: ").append(mqtt.url()).append('\n');
    y.append("  client_id: vigil-drill-alerts\n");
    y.append("model:\n");
    y.append("  intra_op_threads: 1\n");
    y.append("cameras:\n");
    for (Camera c : cameras) {
      y.append("  - id: ").append(c.id()).append('\n');
      y.append("    source: \"").append(c.source()).append("\"\n");
      y.append("    fps: ").append(DrillRunner.FPS).append('\n');
      if (c.offlineAfterS() > 0) {
        y.append("    offline_after_s: ").append(c.offlineAfterS()).append('\n');
      }
    }
    y.append("prompts:\n");
    for (String[] p : DrillRunner.PROMPTS) {
      y.append("  - id: ").append(p[0]).append('\n');
      y.append("    text: \"").append(p[1]).append("\"\n");
      y.append("    cooldown_s: 0\n");
    }
    return y.toString();
  }

  /** Starts a {@code vigil agent} for {@code cams}, at the footage's own pace, and waits for it. */
  Child startAgent(String name, List<Camera> cams, long clockOffsetMs) throws IOException {
    Path site = dir.resolve("agent-" + name + ".yaml");
    Files.writeString(site, siteYaml(kafka.edgeBootstrap(), cams, List.of()));
    int port = Ports.free();
    List<String> args =
        new ArrayList<>(
            List.of(
                CLI,
                "agent",
                "--config",
                site.toString(),
                "--data-dir",
                dir.resolve("agent-" + name).toString(),
                "--http-port",
                Integer.toString(port),
                "--realtime"));
    if (clockOffsetMs != 0) {
      args.add("--clock-offset-ms");
      args.add(Long.toString(clockOffsetMs));
    }
    Child agent =
        Child.java(
            "agent " + name, "384m", List.of(), args, dir.resolve("logs/agent-" + name + ".log"));
    agents.add(agent);
    agent.start();
    awaitReady(agent, port);
    return agent;
  }

  void stopAgent(Child agent) {
    agent.stop(30);
    agents.remove(agent);
  }

  KafkaCluster kafka() {
    return kafka;
  }

  Mosquitto mqtt() {
    return mqtt;
  }

  MqttTap mqttTap() {
    return mqttTap;
  }

  KafkaTap kafkaTap() {
    return kafkaTap;
  }

  Child processor(int i) {
    return processors.get(i);
  }

  int processorPort(int i) {
    return processorPorts.get(i);
  }

  int processorCount() {
    return processors.size();
  }

  Path dir() {
    return dir;
  }

  /** Restarts processor {@code i} (same data directory) and waits until its streams run. */
  void restartProcessor(int i) {
    processors.get(i).start();
    awaitReady(processors.get(i), processorPorts.get(i));
  }

  /** The number of frames processor {@code i} counted for cameras whose id starts with prefix. */
  double framesIn(int i, String cameraPrefix) {
    try {
      String metrics = get(processorPorts.get(i), "/metrics").body();
      double sum = 0;
      for (String line : metrics.split("\n")) {
        if (line.startsWith("vigil_frames_in_total{camera=\"" + cameraPrefix)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Waits for {@code /health/ready} to answer 200; fails at once when the process exits. */
  void awaitReady(Child child, int port) {
    long deadline = System.nanoTime() + READY.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      child.requireAlive();
      try {
        HttpResponse<String> r = get(port, "/health/ready");
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body().trim();
      } catch (IOException e) {
        last = e.toString();
      }
      KafkaCluster.pause(500);
    }
    throw new DrillException(
        child.name()
            + " was not ready within "
            + READY.toSeconds()
            + " s (/health/ready: "
            + last
            + "); see "
            + child.log());
  }

  private HttpResponse<String> get(int port, String path) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Alerts has no HTTP endpoint on this base: ready means its retained MQTT status says {@code
   * online} and its Kafka consumer group has a member with partitions.
   */
  void awaitAlertsReady() {
    long deadline = System.nanoTime() + READY.toNanos();
    String last = "nothing yet";
    while (System.nanoTime() < deadline) {
      alerts.requireAlive();
      try {
        ConsumerGroupDescription g =
            kafka
                .admin()
                .describeConsumerGroups(List.of(ALERTS_GROUP))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get(ALERTS_GROUP);
        boolean assigned =
            g.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
        if (assigned && "online".equals(mqttTap.status())) {
          return;
        }
        last = "group " + g.groupState() + ", MQTT status '" + mqttTap.status() + "'";
      } catch (Exception e) {
        last = e.toString();
      }
      KafkaCluster.pause(500);
    }
    throw new DrillException(
        "alerts was not ready within "
            + READY.toSeconds()
            + " s ("
            + last
            + "); see "
            + alerts.log());
  }

  /** Every long-lived part still running (agents are checked by their runs). */
  void requireAlive() {
    for (Child b : kafka.brokers()) {
      b.requireAlive();
    }
    alerts.requireAlive();
    kafkaTap.requireHealthy();
    if (!mqttTap.alive()) {
      throw new DrillException(
          "mosquitto_sub exited; see " + dir.resolve("logs/mosquitto_sub.log"));
    }
  }

  static long secondsSince(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
  }

  static void log(String format, Object... args) {
    System.err.printf("drill: " + format + "%n", args);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      // best effort on the way out
    }
  }

  @Override
  public synchronized void close() {
    for (Child a : new ArrayList<>(agents)) {
      a.kill9();
    }
    agents.clear();
    if (alerts != null) {
      alerts.stop(20);
    }
    for (Child p : processors) {
      p.kill9();
    }
    if (kafkaTap != null) {
      kafkaTap.close();
    }
    if (mqttTap != null) {
      mqttTap.close();
    }
    kafka.close();
    mqtt.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: this is the hook
    }
  }
}
