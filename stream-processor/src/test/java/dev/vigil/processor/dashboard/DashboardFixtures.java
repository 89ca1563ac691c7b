package dev.vigil.processor.dashboard;

import dev.vigil.config.Box;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** Builds the dashboard topology in a test driver and makes observations and violations. */
final class DashboardFixtures {
  static final Topics TOPICS = Topics.defaults();
  static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
  static final long MINUTE = 60_000L;

  private DashboardFixtures() {}

  static TopologyTestDriver driver(VigilMetrics metrics) {
    return driver(metrics, DashboardTopology.HISTORY_LIMIT);
  }

  static TopologyTestDriver driver(VigilMetrics metrics, int historyLimit) {
    Topology t = DashboardTopology.addTo(new Topology(), TOPICS, metrics, historyLimit);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "dashboard-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
    return new TopologyTestDriver(t, p);
  }

  /**
   * A fresh state directory, not the shared /tmp/kafka-streams that other builds on this machine
   * use too. Streams empties it on close; the empty folder goes when the JVM exits.
   */
  static String stateDir() {
    try {
      File dir = Files.createTempDirectory("vigil-dashboard-test").toFile();
      dir.deleteOnExit();
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TestInputTopic<String, Observation> observations(TopologyTestDriver d) {
    return d.createInputTopic(
        TOPICS.observations(), new StringSerializer(), JsonSerde.observation().serializer());
  }

  static TestInputTopic<String, Violation> violations(TopologyTestDriver d) {
    return d.createInputTopic(
        TOPICS.violations(), new StringSerializer(), JsonSerde.violation().serializer());
  }

  /** An observation whose people have the given helmet judgements. */
  static Observation observation(String camera, long seq, long ts, Boolean... helmets) {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < helmets.length; i++) {
      double x = 0.1 * i;
      people.add(
          Person.detected(new Box(x, 0.2, x + 0.08, 0.9), 0.9, new Point(x + 0.04, 0.9))
              .withHead(
                  new Box(x + 0.02, 0.2, x + 0.06, 0.3),
                  helmets[i] == null ? null : helmets[i] ? 0.9 : 0.1,
                  helmets[i])
              .withTrackId((long) i));
    }
    return new Observation(
        Observation.SCHEMA, camera, seq, ts, 640, 480, people, null, Map.of("model", 40.0), null);
  }

  static Violation violation(
      String camera, String prompt, Violation.State state, Double answer, long started) {
    return new Violation(
        Violation.SCHEMA,
        Violation.episodeId(camera, prompt, started),
        state,
        camera,
        new Violation.PromptRef(prompt, "how many people without a helmet in " + camera + "?"),
        answer,
        started,
        Violation.State.RESOLVED.equals(state) ? started + 1 : null,
        Violation.Severity.CRITICAL,
        new Violation.Evidence(List.of(), Map.of("people", 1), null, null),
        null,
        null);
  }
}
