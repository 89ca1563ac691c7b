package dev.vigil.processor.dashboard;

import static dev.vigil.processor.dashboard.DashboardFixtures.MINUTE;
import static dev.vigil.processor.dashboard.DashboardFixtures.T0;
import static dev.vigil.processor.dashboard.DashboardFixtures.observation;
import static dev.vigil.processor.dashboard.DashboardFixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Violation;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class DashboardServerTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(DashboardServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(DashboardServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(DashboardServer server, String path, String token)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(server, path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An open dashboard on a free loopback port over the stores of {@code d}. */
  private static DashboardServer serve(TopologyTestDriver d) {
    return new DashboardServer(
        "127.0.0.1", 0, new DashboardApi(d::getKeyValueStore), new VigilMetrics());
  }

  @Test
  void shouldAskForATokenOfTheRightScopeButLeaveTheProbesOpen() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean ready =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (TopologyTestDriver d = DashboardFixtures.driver(null);
        DashboardServer server =
            new DashboardServer(
                "127.0.0.1",
                0,
                new DashboardApi(d::getKeyValueStore),
                new VigilMetrics(),
                new dev.vigil.config.HttpAccess("admin-secret", "reader", "scraper"),
                () ->
                    ready.get()
                        ? dev.vigil.config.http.ServiceHttp.Health.ready("streams RUNNING")
                        : dev.vigil.config.http.ServiceHttp.Health.notReady(
                            "streams REBALANCING"))) {
      assertThat(get(server, "/api/cameras").statusCode()).isEqualTo(401);
      assertThat(get(server, "/").statusCode()).isEqualTo(401);
      assertThat(get(server, "/metrics").statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/cameras", "wrong").statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/cameras", "scraper").statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/cameras", "reader").statusCode()).isEqualTo(200);
      assertThat(get(server, "/api/cameras", "admin-secret").statusCode()).isEqualTo(200);
      // History, its CSV and evidence snapshots are read-scoped like the rest of the API.
      assertThat(get(server, "/api/history.csv").statusCode()).isEqualTo(401);
      assertThat(get(server, "/api/history.csv", "scraper").statusCode()).isEqualTo(401);
      HttpResponse<String> csv = get(server, "/api/history.csv", "reader");
      assertThat(csv.statusCode()).isEqualTo(200);
      assertThat(csv.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
      assertThat(csv.headers().firstValue("content-disposition"))
          .hasValue("attachment; filename=\"vigil-history.csv\"");
      assertThat(get(server, "/api/history/hours?span=7d", "reader").statusCode()).isEqualTo(200);
      String evidence = "/evidence/cam-1/00000000-0000-0000-0000-000000000000.jpg";
      assertThat(get(server, evidence).statusCode()).isEqualTo(401);
      assertThat(get(server, evidence, "scraper").statusCode()).isEqualTo(401);
      assertThat(get(server, "/metrics", "scraper").body())
          .contains("# TYPE vigil_model_latency_seconds histogram");
      assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> notReady = get(server, "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("REBALANCING");
      ready.set(true);
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldRefuseToServeOpenlyOnAnAddressButLoopback() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new DashboardServer(
                    "0.0.0.0",
                    0,
                    new DashboardApi(name -> null),
                    new VigilMetrics(),
                    dev.vigil.config.HttpAccess.open(),
                    () -> dev.vigil.config.http.ServiceHttp.Health.ready("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VIGIL_HTTP_TOKEN");
  }

  @Test
  void shouldServePageApiAndErrorsWhenStarted() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null);
        DashboardServer server = serve(d)) {
      DashboardFixtures.observations(d)
          .pipeInput("cam-1", observation("cam-1", 7, T0, true, false), T0);
      DashboardFixtures.violations(d)
          .pipeInput(
              "cam-1/p1", violation("cam-1", "p1", Violation.State.OPEN, 1.0, T0), T0 + MINUTE);

      HttpResponse<String> page = get(server, "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(page.body())
          .contains("id=\"cameras\"", "id=\"open-violations\"", "id=\"timeline\"")
          .contains("count-people", "count-helmet", "count-no-helmet", "compliance")
          .contains("snapshot not stored", "new EventSource(\"events\")");

      HttpResponse<String> cameras = get(server, "/api/cameras");
      assertThat(cameras.statusCode()).isEqualTo(200);
      JsonNode cam = Json.mapper().readTree(cameras.body()).get("cameras").get(0);
      assertThat(cam.get("id").asText()).isEqualTo("cam-1");
      assertThat(cam.get("counts").get("no_helmet").asInt()).isEqualTo(1);
      assertThat(cam.get("compliance").get("text").asText()).isEqualTo("50.0%");
      assertThat(cam.get("answers").get(0).get("answer").asDouble()).isEqualTo(1.0);

      HttpResponse<String> missing = get(server, "/api/cameras/cam-9");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(Json.mapper().readTree(missing.body()).get("status").asInt()).isEqualTo(404);
      assertThat(get(server, "/nothing-here").statusCode()).isEqualTo(404);

      HttpResponse<String> post =
          http.send(
              HttpRequest.newBuilder(uri(server, "/api/cameras"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void shouldRenderExactPrometheusLinesWhenMetricsAreRecorded() throws Exception {
    VigilMetrics metrics = new VigilMetrics();
    metrics.framesIn("cam-1");
    metrics.framesIn("cam-1");
    metrics.framesIn("cam-2");
    metrics.frameDropped("cam-1", "undecodable");
    metrics.modelLatency(0.03);
    metrics.modelLatency(0.2);
    metrics.modelLatency(12);
    metrics.endToEnd(0.7);
    metrics.violation("open");
    metrics.violation("open");
    metrics.violation("resolved");
    metrics.lag("vigil.frames", 0, 42);
    metrics.lag("vigil.frames", 1, 0);
    metrics.lag("vigil.frames", 0, 40);
    try (DashboardServer server =
        new DashboardServer(
            "127.0.0.1",
            0,
            new DashboardApi(
                n -> {
                  throw new DashboardUnavailableException("not running");
                }),
            metrics)) {
      HttpResponse<String> r = get(server, "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(VigilMetrics.CONTENT_TYPE);
      assertThat(r.body().lines())
          .contains(
              "# TYPE vigil_frames_in_total counter",
              "vigil_frames_in_total{camera=\"cam-1\"} 2.0",
              "vigil_frames_in_total{camera=\"cam-2\"} 1.0",
              "vigil_frames_dropped_total{camera=\"cam-1\",reason=\"undecodable\"} 1.0",
              "# TYPE vigil_model_latency_seconds histogram",
              "vigil_model_latency_seconds_bucket{le=\"0.025\"} 0",
              "vigil_model_latency_seconds_bucket{le=\"0.05\"} 1",
              "vigil_model_latency_seconds_bucket{le=\"0.25\"} 2",
              "vigil_model_latency_seconds_bucket{le=\"10.0\"} 2",
              "vigil_model_latency_seconds_bucket{le=\"+Inf\"} 3",
              "vigil_model_latency_seconds_sum 12.23",
              "vigil_model_latency_seconds_count 3",
              "vigil_end_to_end_latency_seconds_bucket{le=\"0.5\"} 0",
              "vigil_end_to_end_latency_seconds_bucket{le=\"1.0\"} 1",
              "vigil_end_to_end_latency_seconds_count 1",
              "vigil_violations_total{state=\"open\"} 2.0",
              "vigil_violations_total{state=\"resolved\"} 1.0",
              "# TYPE vigil_consumer_lag gauge",
              "vigil_consumer_lag{partition=\"0\",topic=\"vigil.frames\"} 40.0",
              "vigil_consumer_lag{partition=\"1\",topic=\"vigil.frames\"} 0.0");
      // Every sample line parses as name{labels} value.
      assertThat(r.body().lines().filter(l -> !l.startsWith("#")))
          .allMatch(l -> l.matches("[a-z_]+(\\{[^}]*\\})? [-+0-9.eEInfNa]+"));

      HttpResponse<String> api = get(server, "/api/cameras");
      assertThat(api.statusCode()).isEqualTo(503);
      assertThat(api.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(Json.mapper().readTree(api.body()).get("error").asText()).contains("not running");
    }
  }

  @Test
  void shouldPushASnapshotOnConnectAndAgainWhenStateChanges() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null);
        DashboardServer server = serve(d)) {
      DashboardFixtures.observations(d).pipeInput("cam-1", observation("cam-1", 1, T0, true), T0);

      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(uri(server, "/events")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      try (BufferedReader events =
          new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        JsonNode first = nextEvent(events);
        assertThat(first.get("cameras")).hasSize(1);
        assertThat(first.get("cameras").get(0).get("id").asText()).isEqualTo("cam-1");
        assertThat(first.get("open_violations")).isEmpty();

        DashboardFixtures.violations(d)
            .pipeInput(
                "cam-1/p1", violation("cam-1", "p1", Violation.State.OPEN, 2.0, T0), T0 + MINUTE);
        JsonNode changed = null;
        for (int i = 0; i < 20 && changed == null; i++) {
          JsonNode e = nextEvent(events);
          if (e.get("open_violations").size() == 1) {
            changed = e;
          }
        }
        assertThat(changed).as("an event with the new open violation").isNotNull();
        assertThat(changed.get("history").get("events")).hasSize(1);
      }
    }
  }

  /** Reads the next {@code data:} line, failing after a few seconds rather than hanging. */
  private static JsonNode nextEvent(BufferedReader events) throws Exception {
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    String l;
                    while ((l = events.readLine()) != null) {
                      if (l.startsWith("data: ")) {
                        return l.substring("data: ".length());
                      }
                    }
                    return null;
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .get(5, TimeUnit.SECONDS);
    assertThat(line).as("an event before the stream ended").isNotNull();
    return Json.mapper().readTree(line);
  }
}
