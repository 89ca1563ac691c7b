package dev.vigil.processor.dashboard;

import static dev.vigil.processor.dashboard.DashboardFixtures.MINUTE;
import static dev.vigil.processor.dashboard.DashboardFixtures.T0;
import static dev.vigil.processor.dashboard.DashboardFixtures.observation;
import static dev.vigil.processor.dashboard.DashboardFixtures.violation;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Violation;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class HourlyHistoryTest {
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  private static JsonNode json(DashboardApi.Response r) throws Exception {
    return Json.mapper().readTree(r.body());
  }

  /** An observation whose i-th person stands in {@code zones[i]} (null: in no zone). */
  private static Observation inZones(Observation o, String... zones) {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < o.people().size(); i++) {
      Person p = o.people().get(i);
      people.add(zones[i] == null ? p : p.withZones(List.of(zones[i])));
    }
    return new Observation(
        o.schema(),
        o.camera(),
        o.seq(),
        o.timestamp(),
        o.width(),
        o.height(),
        people,
        o.audio(),
        o.timingsMs(),
        null);
  }

  @Test
  void shouldCountHelmetsPerHourZoneAndViolationsPerPromptWhenEventsSpanHours() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      TestInputTopic<String, Observation> obs = DashboardFixtures.observations(d);
      TestInputTopic<String, Violation> vio = DashboardFixtures.violations(d);
      obs.pipeInput(
          "cam-1",
          inZones(observation("cam-1", 1, T0, true, false, null), "press", "press", null),
          T0);
      obs.pipeInput(
          "cam-1",
          inZones(observation("cam-1", 2, T0 + 10 * MINUTE, true, true), null, "press"),
          T0 + 10 * MINUTE);
      obs.pipeInput("cam-1", observation("cam-1", 3, T0 + HOUR, false), T0 + HOUR);
      obs.pipeInput("cam-2", observation("cam-2", 1, T0, true), T0);
      // One episode seen as open, update and resolved counts once, in the hour it began.
      Violation open = violation("cam-1", "no-helmet", Violation.State.OPEN, 1.0, T0 + 5 * MINUTE);
      vio.pipeInput("cam-1/no-helmet", open, T0 + 6 * MINUTE);
      vio.pipeInput(
          "cam-1/no-helmet",
          violation("cam-1", "no-helmet", Violation.State.UPDATE, 2.0, T0 + 5 * MINUTE),
          T0 + 7 * MINUTE);
      vio.pipeInput(
          "cam-1/no-helmet",
          violation("cam-1", "no-helmet", Violation.State.RESOLVED, 0.0, T0 + 5 * MINUTE),
          T0 + HOUR + MINUTE);
      vio.pipeInput(
          "cam-1/no-helmet",
          violation("cam-1", "no-helmet", Violation.State.OPEN, 1.0, T0 + 20 * MINUTE),
          T0 + 21 * MINUTE);

      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      DashboardApi.Response csv = api.get("/api/history.csv", "camera=cam-1");

      assertThat(csv.status()).isEqualTo(200);
      assertThat(csv.contentType()).isEqualTo(DashboardApi.Response.CSV);
      // The default span is the 24 h ending with the newest hour that has data.
      assertThat(csv.body())
          .isEqualTo(
              HourlyReport.CSV_HEADER
                  + "\r\n2024-05-01T10:00:00Z,cam-1,,,3,1,1,75.0,2\r\n"
                  + "2024-05-01T10:00:00Z,cam-1,press,,2,1,0,66.7,\r\n"
                  + "2024-05-01T10:00:00Z,cam-1,,no-helmet,,,,,2\r\n"
                  + "2024-05-01T11:00:00Z,cam-1,,,0,1,0,0.0,0\r\n");
      JsonNode days = json(api.get("/api/history/hours", "bucket=day&span=7d&zone=press"));
      assertThat(days.get("bucket").asText()).isEqualTo("day");
      assertThat(days.get("to_iso").asText()).isEqualTo("2024-05-02T00:00:00Z");
      assertThat(days.get("from_iso").asText()).isEqualTo("2024-04-25T00:00:00Z");
      assertThat(days.get("definition").asText()).contains("helmet / (helmet + no_helmet)");
      JsonNode rows = days.get("rows");
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).get("zone").asText()).isEqualTo("press");
      assertThat(rows.get(0).get("compliance_percent").asDouble()).isEqualTo(66.7);
      JsonNode cam2 =
          json(
              api.get(
                  "/api/history/hours",
                  "camera=cam-2&from=2024-05-01T02:00:00%2B02:00&to=2024-05-02"));
      assertThat(cam2.get("from_iso").asText()).isEqualTo("2024-05-01T00:00:00Z");
      assertThat(cam2.get("rows")).hasSize(1);
      assertThat(cam2.get("rows").get(0).get("helmet").asLong()).isEqualTo(1);
      assertThat(cam2.get("rows").get(0).get("violations").asInt()).isZero();
    }
  }

  @Test
  void shouldForgetHoursOlderThanThirtyDaysWhenEventTimeMovesOn() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      TestInputTopic<String, Observation> obs = DashboardFixtures.observations(d);
      TestInputTopic<String, Violation> vio = DashboardFixtures.violations(d);
      obs.pipeInput("cam-1", observation("cam-1", 1, T0, true), T0);
      vio.pipeInput("cam-1/p", violation("cam-1", "p", Violation.State.OPEN, 1.0, T0), T0);
      long later = T0 + 30 * DAY;
      obs.pipeInput("cam-1", observation("cam-1", 2, later, true), later);
      vio.pipeInput("cam-1/p", violation("cam-1", "p", Violation.State.OPEN, 1.0, later), later);
      // Late by more than the retention: would be deleted at once, so it is never written.
      obs.pipeInput("cam-1", observation("cam-1", 3, T0 + MINUTE, true), T0 + MINUTE);

      KeyValueStore<String, Object> hourly =
          d.getKeyValueStore(DashboardTopology.HOURLY_COMPLIANCE_STORE);
      KeyValueStore<String, Object> episodes =
          d.getKeyValueStore(DashboardTopology.HOURLY_VIOLATIONS_STORE);
      assertThat(keys(hourly)).containsExactly(HourlyRetention.key(later, "cam-1"));
      assertThat(keys(episodes)).containsExactly(HourlyRetention.key(later, "cam-1", "p"));
      // The day before the cut-off is still kept.
      long kept = later - 30 * DAY + HOUR;
      obs.pipeInput("cam-1", observation("cam-1", 4, kept, false), kept);
      assertThat(keys(hourly)).hasSize(2);
    }
  }

  @Test
  void shouldAnswer400NamingTheParameterWhenTheQueryIsBad() throws Exception {
    try (TopologyTestDriver d = DashboardFixtures.driver(null)) {
      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      String[][] cases = {
        {"cameras=x", "\"cameras\"", "use bucket, camera"},
        {"camera=a/b", "camera", "A-Z a-z 0-9"},
        {"from=yesterday", "from", "ISO-8601 time"},
        {"to=2024-13-01", "to", "UTC date"},
        {"from=2024-05-02&to=2024-05-01", "to", "must be after from"},
        {"from=2024-01-01&to=2024-05-01", "from", "kept 30 days"},
        {"span=2w", "span", "24h or 7d"},
        {"span=90d", "span", "at most 31d"},
        {"from=2024-05-01&span=7d", "span", "not both"},
        {"bucket=week", "bucket", "use hour or day"},
        {"zone=press&prompt=p", "prompt", "not both"},
        {"camera=a&camera=b", "camera", "given twice"},
      };
      for (String[] c : cases) {
        DashboardApi.Response r = api.get("/api/history.csv", c[0]);
        assertThat(r.status()).as(c[0]).isEqualTo(400);
        assertThat(r.contentType()).as(c[0]).isEqualTo(DashboardApi.Response.JSON);
        JsonNode body = json(r);
        assertThat(body.get("parameter").asText()).as(c[0]).isEqualTo(c[1]);
        assertThat(body.get("error").asText()).as(c[0]).contains(c[2]);
      }
      assertThat(api.get("/api/history.csv", "camera=&bucket=").status()).isEqualTo(200);
      // Starting after the newest data is not an error: there is nothing to show.
      DashboardApi.Response later = api.get("/api/history/hours", "from=2099-01-01");
      assertThat(later.status()).isEqualTo(200);
      assertThat(json(later).get("rows")).isEmpty();
    }
  }

  private static List<String> keys(KeyValueStore<String, ?> store) {
    List<String> out = new ArrayList<>();
    try (KeyValueIterator<String, ?> it = store.all()) {
      it.forEachRemaining(kv -> out.add(kv.key));
    }
    return out;
  }
}
