package dev.vigil.processor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAccessTest {

  // Never started, so Streams leaves its metadata file: JUnit deletes the folder.
  @TempDir Path stateDir;

  @Test
  void shouldAnswer503WhenKafkaStreamsIsNotRunning() throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "dashboard-store-access-test");
    // Never started, so nothing connects to this address.
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    Topology topology =
        DashboardTopology.addTo(new Topology(), DashboardFixtures.TOPICS, new VigilMetrics());
    KafkaStreams streams = new KafkaStreams(topology, p);
    try {
      DashboardApi.Response r = new DashboardApi(StoreAccess.of(streams)).get("/api/cameras");
      assertThat(r.status()).isEqualTo(503);
      assertThat(Json.mapper().readTree(r.body()).get("error").asText())
          .contains("CREATED", "not RUNNING");
    } finally {
      streams.close(Duration.ofSeconds(5));
    }
  }
}
