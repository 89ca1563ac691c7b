package dev.vigil.deploy.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Debian's mosquitto on a free loopback port, with on-disk persistence, as a child process. */
final class Mosquitto implements AutoCloseable {
  static final String INSTALL = "apt-get install -y mosquitto mosquitto-clients";

  private final int port;
  private final Child process;

  Mosquitto(Path dir) throws IOException {
    Path binary = find("mosquitto");
    if (binary == null) {
      throw new DrillException(
          "mosquitto: not found on PATH or in /usr/sbin; install it with `" + INSTALL + "`");
    }
    Files.createDirectories(dir.resolve("data"));
    port = Ports.free();
    List<String> conf = new ArrayList<>();
    conf.add("listener " + port + " 127.0.0.1");
    conf.add("user " + System.getProperty("user.name"));
    conf.add("persistence true");
    conf.add("persistence_location " + dir.resolve("data").toAbsolutePath() + "/");
    conf.add("autosave_interval 1");
    conf.add("max_queued_messages 100000");
    conf.add("allow_anonymous true");
    conf.add("log_type error");
    conf.add("log_type warning");
    conf.add("log_type notice");
    conf.add("connection_messages true");
    Path config = dir.resolve("mosquitto.conf");
    Files.write(config, conf);
    process =
        new Child(
            "mosquitto",
            List.of(binary.toString(), "-c", config.toAbsolutePath().toString()),
            dir.resolve("mosquitto.log"));
  }

  int port() {
    return port;
  }

  String url() {
    return "tcp://" + Ports.LOOPBACK + ":" + port;
  }

  void start() {
    process.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      process.requireAlive();
      if (Ports.accepts(port)) {
        return;
      }
      KafkaCluster.pause(100);
    }
    throw new DrillException("mosquitto did not open port " + port + "; see " + process.log());
  }

  /** SIGTERM: mosquitto saves its sessions and queued messages, as a service stop would. */
  void stop() {
    process.stop(10);
  }

  @Override
  public void close() {
    stop();
  }

  static Path find(String name) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/sbin"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return Path.of(d, name);
      }
    }
    return null;
  }
}
