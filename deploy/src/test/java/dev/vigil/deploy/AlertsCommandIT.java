package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.MosquittoBroker;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil alerts} on an embedded Kafka broker and a real mosquitto: when the alerts fail for
 * good, the command ends with exit 1 (so systemd or Kubernetes restarts it) instead of running on
 * with a dead thread.
 */
class AlertsCommandIT {
  @TempDir Path dir;

  @Test
  void shouldExitNonZeroWhenMqttBrokerForbidsPublishingViolations() throws Exception {
    MosquittoBroker.assumeInstalled();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        MosquittoBroker mqtt =
            MosquittoBroker.in(dir.resolve("mosquitto"))
                .withUser("alerts", "secret")
                // The status topic is allowed, the violations are not: a broken ACL.
                .withAcl("user alerts", "topic readwrite vigil/acl/status")
                .start()) {
      Topics topics = Topics.defaults();
      kafka.createTopics(Map.of(topics.violations(), 1, topics.observations(), 1), Set.of());
      Violation v = TestViolations.open("cam1", "p", 1L, Map.of());
      TestViolations.send(kafka.bootstrapServers(), topics.violations(), v);
      Path config = dir.resolve("site.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "site: acl",
              "kafka:",
              "  bootstrap_servers: " + kafka.bootstrapServers(),
              "mqtt:",
              "  url: " + mqtt.url(),
              "  username: alerts",
              "  password: secret",
              ""));

      ExecutorService runner = Executors.newSingleThreadExecutor();
      PrintStream originalErr = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int exit;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        Future<Integer> run =
            runner.submit(
                () ->
                    VigilCli.execute(
                        "alerts",
                        "--config",
                        config.toString(),
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--instance",
                        "it",
                        "--http-port",
                        "0"));
        // A generous bound, so that a regression fails instead of hanging the build.
        exit = run.get(120, TimeUnit.SECONDS);
      } finally {
        System.setErr(originalErr);
        runner.shutdownNow();
      }

      assertThat(exit).isEqualTo(VigilCli.EXIT_FAILURE);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("alerts: alerts failed and stopped")
          .contains("reason code 135");
    }
  }
}
