package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.AgentProducer;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.processor.ProcessorApp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.streams.KafkaStreams;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processors of one site on a real broker split the cameras between them; the dashboard of
 * either answers for all of them, reading the other's stores over HTTP (application.server): the
 * cameras, the hourly history and the violations' evidence snapshots. When one processor stops, the
 * other restores its hourly counts and snapshots from their changelogs.
 */
class PlantDashboardIT {
  private static final int CAMERAS = 8;
  private static final String TOKEN = "plant-secret";

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private ProcessorApp processor(SiteConfig site, String name, int port) {
    ProcessorApp app =
        TestProcessors.of(
            site,
            new OnePerson(),
            ProcessorApp.Options.defaults(site.site(), dir.resolve(name))
                .withApplicationServer("127.0.0.1:" + port));
    app.start();
    app.startDashboard("127.0.0.1", port, new HttpAccess(TOKEN, null, null));
    return app;
  }

  private JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      System.err.println("GET :" + port + path + " -> " + r.statusCode() + " " + r.body());
      return null;
    }
    return Json.mapper().readTree(r.body());
  }

  /** Polls until the camera list from {@code port} has every camera, or 90 s pass. */
  private JsonNode awaitAllCameras(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode cameras = null;
    while (System.nanoTime() < deadline) {
      JsonNode body = get(port, "/api/cameras");
      cameras = body == null ? null : body.get("cameras");
      if (cameras != null && cameras.size() == CAMERAS) {
        return cameras;
      }
      Thread.sleep(250);
    }
    return cameras;
  }

  /** Polls until every camera has a row in the hourly CSV from {@code port}, or 90 s pass. */
  private boolean awaitHistoryOfEveryCamera(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<byte[]> r = getBytes(port, "/api/history.csv");
      String csv = new String(r.body(), StandardCharsets.UTF_8);
      if (r.statusCode() == 200
          && IntStream.range(0, CAMERAS).allMatch(i -> csv.contains(",cam-" + i + ",,,"))) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /** Polls until every camera has an open violation naming a snapshot; returns their paths. */
  private List<String> awaitEvidenceOfEveryCamera(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<String> paths = List.of();
    while (System.nanoTime() < deadline) {
      JsonNode open = get(port, "/api/violations/open");
      if (open != null) {
        paths =
            StreamSupport.stream(open.get("violations").spliterator(), false)
                .map(v -> v.path("evidence").path("snapshot").asText(""))
                .filter(p -> !p.isEmpty())
                .toList();
        if (paths.size() == CAMERAS) {
          return paths;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("open violations with a snapshot: " + paths);
  }

  private HttpResponse<byte[]> getBytes(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The topic settings of the processor's changelog of {@code store}. */
  private static Map<String, String> changelogConfig(String bootstrap, String store)
      throws Exception {
    ConfigResource topic =
        new ConfigResource(
            ConfigResource.Type.TOPIC, "vigil-plant-processor-" + store + "-changelog");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<String, String> out = new HashMap<>();
      admin
          .describeConfigs(List.of(topic))
          .all()
          .get()
          .get(topic)
          .entries()
          .forEach(e -> out.put(e.name(), e.value()));
      return out;
    }
  }

  /** A plain grey frame: the fake analyzer ignores it, the snapshot renderer decodes it. */
  private static final byte[] GREY_JPEG = greyJpeg();

  private static byte[] greyJpeg() {
    try (Mat img = new Mat(480, 640, opencv_core.CV_8UC3, new Scalar(128, 128, 128, 0));
        BytePointer out = new BytePointer()) {
      opencv_imgcodecs.imencode(".jpg", img, out);
      byte[] b = new byte[(int) out.limit()];
      out.get(b);
      return b;
    }
  }

  @Test
  @SuppressWarnings("try") // a closes early on purpose, to fail over to b
  void shouldShowEveryCameraFromEitherProcessor() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      String bs = kafka.bootstrapServers();
      SiteConfig site =
          new SiteConfig(
              "plant",
              new SiteConfig.Kafka(bs, Topics.DEFAULT_PREFIX, Map.of()),
              new SiteConfig.Mqtt("tcp://127.0.0.1:1", null, "unused", null, null, null),
              new SiteConfig.Model(null, 1),
              List.of(),
              List.of(new PromptSpec("people", TestSites.PEOPLE_PROMPT, List.of(), 0, "warning")));
      try (VigilParts parts = VigilParts.open(site, dir.resolve("provision"))) {
        parts.provisionAndSeed();
      }
      int portA = freePort();
      int portB = freePort();
      try (ProcessorApp a = processor(site, "a", portA);
          ProcessorApp b = processor(site, "b", portB);
          Producer<String, byte[]> frames = AgentProducer.createKafkaProducer(bs, Map.of())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((a.streams().state() != KafkaStreams.State.RUNNING
                || b.streams().state() != KafkaStreams.State.RUNNING
                || a.streams().metadataForLocalThreads().stream()
                    .allMatch(t -> t.activeTasks().isEmpty())
                || b.streams().metadataForLocalThreads().stream()
                    .allMatch(t -> t.activeTasks().isEmpty()))
            && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        IntStream.range(0, CAMERAS)
            .forEach(
                i ->
                    frames.send(
                        AgentProducer.frameRecord(
                            site.topics(),
                            "cam-" + i,
                            1,
                            GREY_JPEG,
                            640,
                            480,
                            1,
                            true,
                            System.currentTimeMillis())));
        frames.flush();

        for (int port : new int[] {portA, portB}) {
          JsonNode cameras = awaitAllCameras(port);
          assertThat(cameras).as("cameras from :" + port).isNotNull().hasSize(CAMERAS);
        }
        int localA = get(portA, "/api/local/stores/dashboard-latest").size();
        int localB = get(portB, "/api/local/stores/dashboard-latest").size();
        // Each instance holds only its own partitions' cameras; together, all of them.
        assertThat(localA + localB).isEqualTo(CAMERAS);
        assertThat(localA).isLessThan(CAMERAS);
        assertThat(localB).isLessThan(CAMERAS);

        List<String> snapshots = awaitEvidenceOfEveryCamera(portA);
        for (int port : new int[] {portA, portB}) {
          assertThat(awaitHistoryOfEveryCamera(port)).as("history from :" + port).isTrue();
          for (String path : snapshots) {
            HttpResponse<byte[]> jpeg = getBytes(port, path);
            assertThat(jpeg.statusCode()).as(path + " from :" + port).isEqualTo(200);
            assertThat(jpeg.headers().firstValue("content-type")).hasValue("image/jpeg");
          }
        }
        // The changelogs forget what the stores forget: 30 days (and a day) of hours, 24 h of
        // snapshots.
        assertThat(changelogConfig(bs, "dashboard-hourly-compliance"))
            .containsEntry("cleanup.policy", "compact,delete")
            .containsEntry("retention.ms", Long.toString(Duration.ofDays(31).toMillis()));
        assertThat(changelogConfig(bs, "dashboard-hourly-violations"))
            .containsEntry("cleanup.policy", "compact,delete");
        assertThat(changelogConfig(bs, "evidence-snapshots"))
            .containsEntry("cleanup.policy", "compact,delete")
            .containsEntry("retention.ms", Long.toString(Duration.ofHours(24).toMillis()));
        // Without a, b takes over a's tasks: their counts and snapshots come from the changelogs.
        a.close();
        assertThat(awaitHistoryOfEveryCamera(portB)).as("history after a stopped").isTrue();
        for (String path : snapshots) {
          assertThat(getBytes(portB, path).statusCode())
              .as(path + " after a stopped")
              .isEqualTo(200);
        }
      }
    }
  }
}
