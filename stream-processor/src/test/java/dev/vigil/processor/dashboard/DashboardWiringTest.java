package dev.vigil.processor.dashboard;

import static dev.vigil.processor.dashboard.DashboardFixtures.T0;
import static dev.vigil.processor.dashboard.DashboardFixtures.observation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.JsonSerde;
import dev.vigil.processor.VigilTopology;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The dashboard added to the real Vigil topology: no name clashes, and its stores fill. */
class DashboardWiringTest {

  @Test
  void shouldFillDashboardStoresWhenAddedToTheVigilTopology() throws Exception {
    // The model is never called: only vigil.observations is fed.
    Topology t =
        DashboardTopology.addTo(
            VigilTopology.build(DashboardFixtures.TOPICS, null, Map.of(), () -> null),
            DashboardFixtures.TOPICS,
            new VigilMetrics());
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "dashboard-wiring-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, DashboardFixtures.stateDir());
    try (TopologyTestDriver d = new TopologyTestDriver(t, p)) {
      d.createInputTopic(
              DashboardFixtures.TOPICS.observations(),
              new StringSerializer(),
              JsonSerde.observation().serializer())
          .pipeInput("cam-1", observation("cam-1", 1, T0, true, false, false, false), T0);

      DashboardApi api = new DashboardApi(d::getKeyValueStore);
      assertThat(api.compliance())
          .singleElement()
          .satisfies(c -> assertThat(c.text()).isEqualTo("25.0%"));
    }
  }
}
