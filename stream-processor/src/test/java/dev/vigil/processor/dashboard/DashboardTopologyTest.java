package dev.vigil.processor.dashboard;

import static dev.vigil.processor.dashboard.DashboardFixtures.MINUTE;
import static dev.vigil.processor.dashboard.DashboardFixtures.T0;
import static dev.vigil.processor.dashboard.DashboardFixtures.observation;
import static dev.vigil.processor.dashboard.DashboardFixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.Violation;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class DashboardTopologyTest {

  private static JsonNode json(DashboardApi.Response r) throws Exception {
    return Json.mapper().readTree(r.body());
  }

  @Test
  void shouldComputeComplianceOverTheLastHourWhenHelmetsAreMixed() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      TestInputTopic<String, Observation> in = DashboardFixtures.observations(d);
      // Two hours back and one minute before the hour: both outside the window.
      in.pipeInput(
          "cam-1",
          observation("cam-1", 1, T0 - 120 * MINUTE, false, false, false),
          T0 - 120 * MINUTE);
      in.pipeInput("cam-1", observation("cam-1", 2, T0 - MINUTE, false), T0 - MINUTE);
      in.pipeInput("cam-1", observation("cam-1", 3, T0, true, true, false, null), T0);
      in.pipeInput(
          "cam-1", observation("cam-1", 4, T0 + 30 * MINUTE, true, false), T0 + 30 * MINUTE);
      long latest = T0 + 59 * MINUTE + 30_000;
      in.pipeInput("cam-1", observation("cam-1", 5, latest, true, true, true, null, null), latest);
      // Late: counts in its minute, but does not replace the newest snapshot.
      in.pipeInput(
          "cam-1", observation("cam-1", 6, T0 + 10 * MINUTE, false, false), T0 + 10 * MINUTE);
      in.pipeInput("cam-2", observation("cam-2", 1, T0, null, null), T0);

      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      JsonNode compliance = json(api.get("/api/compliance")).get("cameras");

      assertThat(compliance).hasSize(2);
      JsonNode cam1 = compliance.get(0);
      assertThat(cam1.get("camera").asText()).isEqualTo("cam-1");
      // helmet 2+1+3 = 6; no helmet 1+1+2 = 4 -> 60 %
      assertThat(cam1.get("helmet").asLong()).isEqualTo(6);
      assertThat(cam1.get("no_helmet").asLong()).isEqualTo(4);
      assertThat(cam1.get("unknown").asLong()).isEqualTo(3);
      assertThat(cam1.get("percent").asDouble()).isEqualTo(60.0);
      assertThat(cam1.get("text").asText()).isEqualTo("60.0%");
      assertThat(cam1.get("window_start").asLong()).isEqualTo(T0);
      assertThat(cam1.get("window_end").asLong()).isEqualTo(latest);
      JsonNode cam2 = compliance.get(1);
      assertThat(cam2.get("percent").isNull()).isTrue();
      assertThat(cam2.get("text").asText()).isEqualTo("n/a");

      JsonNode camera = json(api.get("/api/cameras/cam-1"));
      assertThat(camera.get("seq").asLong()).isEqualTo(5);
      assertThat(camera.get("latest_timestamp").asLong()).isEqualTo(latest);
      assertThat(camera.get("counts").toString())
          .isEqualTo("{\"people\":5,\"helmet\":3,\"no_helmet\":0,\"unknown\":2}");
      assertThat(camera.get("boxes")).hasSize(10);
      assertThat(camera.get("compliance").get("text").asText()).isEqualTo("60.0%");
    }
  }

  @Test
  void shouldShowACameraOfflineWhenItsStatusSaysSo() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      DashboardFixtures.observations(d).pipeInput("cam-1", observation("cam-1", 1, T0, true), T0);
      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      assertThat(json(api.get("/api/cameras/cam-1")).get("availability").asText())
          .isEqualTo("online");
      d.createInputTopic(
              DashboardFixtures.TOPICS.cameraStatus(),
              new org.apache.kafka.common.serialization.StringSerializer(),
              new dev.vigil.config.JsonSerde<>(dev.vigil.config.CameraStatus.class).serializer())
          .pipeInput(
              "cam-1",
              new dev.vigil.config.CameraStatus("cam-1", "offline", T0 + 31_000, T0),
              T0 + 31_000);
      assertThat(json(api.get("/api/cameras")).get("cameras").get(0).get("availability").asText())
          .isEqualTo("offline");
    }
  }

  @Test
  void shouldPruneMinutesOlderThanAnHourWhenTimeMovesOn() {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      TestInputTopic<String, Observation> in = DashboardFixtures.observations(d);
      in.pipeInput("cam-1", observation("cam-1", 1, T0, false), T0);
      in.pipeInput("cam-1", observation("cam-1", 2, T0 + 90 * MINUTE, true), T0 + 90 * MINUTE);

      KeyValueStore<String, ComplianceWindow> store =
          d.getKeyValueStore(DashboardTopology.COMPLIANCE_STORE);
      assertThat(store.get("cam-1").buckets())
          .containsExactly(new ComplianceWindow.Bucket(T0 + 90 * MINUTE, 1, 0, 0));
    }
  }

  @Test
  void shouldListOnlyUnresolvedViolationsWhenSomeResolve() throws Exception {
    VigilMetrics metrics = new VigilMetrics();
    try (TopologyTestDriver d = DashboardFixtures.driver(metrics)) {
      TestInputTopic<String, Violation> in = DashboardFixtures.violations(d);
      DashboardFixtures.observations(d).pipeInput("cam-2", observation("cam-2", 1, T0), T0);
      in.pipeInput("cam-1/p1", violation("cam-1", "p1", Violation.State.OPEN, 2.0, T0), T0);
      in.pipeInput(
          "cam-1/p1", violation("cam-1", "p1", Violation.State.UPDATE, 3.0, T0), T0 + MINUTE);
      in.pipeInput(
          "cam-2/p2",
          violation("cam-2", "p2", Violation.State.OPEN, null, T0 + MINUTE),
          T0 + 2 * MINUTE);
      in.pipeInput(
          "cam-1/p1", violation("cam-1", "p1", Violation.State.RESOLVED, 0.0, T0), T0 + 5 * MINUTE);

      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      JsonNode open = json(api.get("/api/violations/open")).get("violations");
      assertThat(open).hasSize(1);
      assertThat(open.get(0).get("id").asText())
          .isEqualTo(Violation.episodeId("cam-2", "p2", T0 + MINUTE));
      assertThat(open.get(0).get("answer").isNull()).isTrue();

      JsonNode answers = json(api.get("/api/cameras/cam-2")).get("answers");
      assertThat(answers).hasSize(1);
      assertThat(answers.get(0).get("prompt").asText()).isEqualTo("p2");
      assertThat(json(api.get("/api/cameras/cam-2")).get("open_violations").asInt()).isEqualTo(1);

      assertThat(metrics.render())
          .contains("vigil_violations_total{state=\"open\"} 2.0\n")
          .contains("vigil_violations_total{state=\"resolved\"} 1.0\n")
          .contains("vigil_violations_total{state=\"update\"} 1.0\n")
          .contains("vigil_model_latency_seconds_bucket{le=\"0.05\"} 1\n")
          .contains("vigil_end_to_end_latency_seconds_count 1\n");
    }
  }

  @Test
  void shouldNotListAnAlertTheModelRejectedAsOpen() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(new VigilMetrics())) {
      TestInputTopic<String, Violation> in = DashboardFixtures.violations(d);
      in.pipeInput("cam-1/p1", violation("cam-1", "p1", Violation.State.REJECTED, 2.0, T0), T0);

      JsonNode open =
          json(new DashboardApi(d::getKeyValueStore).get("/api/violations/open")).get("violations");
      assertThat(open).isEmpty();
    }
  }

  @Test
  void shouldKeepOnlyTodaysEventsWhenTheUtcDayChanges() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      TestInputTopic<String, Violation> in = DashboardFixtures.violations(d);
      long yesterday = T0 - 24 * 60 * MINUTE;
      in.pipeInput(
          "cam-1/p1", violation("cam-1", "p1", Violation.State.OPEN, 1.0, yesterday), yesterday);
      in.pipeInput(
          "cam-1/p1",
          violation("cam-1", "p1", Violation.State.RESOLVED, 0.0, yesterday),
          yesterday + MINUTE);
      in.pipeInput("cam-1/p1", violation("cam-1", "p1", Violation.State.OPEN, 2.0, T0), T0);
      in.pipeInput(
          "cam-2/p1", violation("cam-2", "p1", Violation.State.OPEN, 1.0, T0), T0 + MINUTE);
      // Late from yesterday: not today's history.
      in.pipeInput(
          "cam-2/p9",
          violation("cam-2", "p9", Violation.State.OPEN, 1.0, yesterday),
          yesterday + 2 * MINUTE);

      JsonNode history = json(new DashboardApi(d::getKeyValueStore).get("/api/history"));
      assertThat(history.get("day").asText()).isEqualTo("2024-05-01");
      JsonNode events = history.get("events");
      assertThat(events).hasSize(2);
      assertThat(events.get(0).get("timestamp").asLong()).isEqualTo(T0);
      assertThat(events.get(0).get("violation").get("camera").asText()).isEqualTo("cam-1");
      assertThat(events.get(1).get("violation").get("camera").asText()).isEqualTo("cam-2");
      assertThat(count(d.getKeyValueStore(DashboardTopology.HISTORY_STORE))).isEqualTo(2);
    }
  }

  @Test
  void shouldBoundTheHistoryWhenADayHasManyEvents() throws Exception {
    int limit = 20;
    try (TopologyTestDriver d = DashboardFixtures.driver(null, limit)) {
      TestInputTopic<String, Violation> in = DashboardFixtures.violations(d);
      int n = limit + 5;
      for (int i = 0; i < n; i++) {
        in.pipeInput(
            "cam-1/p1", violation("cam-1", "p" + i, Violation.State.OPEN, 1.0, T0 + i), T0 + i);
      }
      // A replayed event overwrites itself rather than growing the history.
      in.pipeInput(
          "cam-1/p1",
          violation("cam-1", "p" + (n - 1), Violation.State.OPEN, 1.0, T0 + n - 1),
          T0 + n - 1);

      JsonNode events =
          json(new DashboardApi(d::getKeyValueStore).get("/api/history")).get("events");
      assertThat(events).hasSize(limit);
      assertThat(events.get(0).get("timestamp").asLong()).isEqualTo(T0 + 5);
      assertThat(events.get(events.size() - 1).get("timestamp").asLong()).isEqualTo(T0 + n - 1);
    }
  }

  @Test
  void shouldAnswerJsonErrorsWhenThePathOrCameraIsUnknownOrStoresAreDown() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      DashboardApi.Response camera = api.get("/api/cameras/nope");
      assertThat(camera.status()).isEqualTo(404);
      assertThat(json(camera).get("error").asText()).contains("nope");
      assertThat(api.get("/api/bogus").status()).isEqualTo(404);
      assertThat(json(api.get("/api/cameras")).get("cameras")).isEmpty();
    }
    DashboardApi down =
        new DashboardApi(
            name -> {
              throw new DashboardUnavailableException("Kafka Streams is REBALANCING, not RUNNING");
            });
    DashboardApi.Response r = down.get("/api/cameras");
    assertThat(r.status()).isEqualTo(503);
    assertThat(json(r).get("error").asText()).contains("REBALANCING");
  }

  private static int count(KeyValueStore<String, ?> store) {
    int n = 0;
    try (KeyValueIterator<String, ?> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }
}
