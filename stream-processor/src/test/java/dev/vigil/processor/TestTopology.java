package dev.vigil.processor;

import dev.vigil.config.JsonSerde;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.Violation;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A topology in TopologyTestDriver, exactly-once, with the topics every topology test feeds and
 * reads: frames and prompts in, violations and prompt statuses out. Closes its driver.
 */
final class TestTopology implements AutoCloseable {
  static final Topics TOPICS = Topics.defaults();

  final TopologyTestDriver driver;
  final TestInputTopic<String, byte[]> frames;
  final TestInputTopic<String, byte[]> prompts;
  final TestOutputTopic<String, Violation> violations;
  final TestOutputTopic<String, String> status;

  TestTopology(Topology topology, String applicationId, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver = new TopologyTestDriver(topology, props);
    var strings = Serdes.String();
    var bytes = Serdes.ByteArray();
    frames = driver.createInputTopic(TOPICS.frames(), strings.serializer(), bytes.serializer());
    prompts = driver.createInputTopic(TOPICS.prompts(), strings.serializer(), bytes.serializer());
    violations =
        driver.createOutputTopic(
            TOPICS.violations(), strings.deserializer(), JsonSerde.violation().deserializer());
    status =
        driver.createOutputTopic(
            TOPICS.promptStatus(), strings.deserializer(), strings.deserializer());
  }

  /** A camera at 2 fps with no zones, as the topology tests use. */
  static SiteConfig.Camera camera(String id) {
    return new SiteConfig.Camera(id, "x.mp4", 2, 10, 0, 0, List.of());
  }

  @Override
  public void close() {
    driver.close();
  }
}
