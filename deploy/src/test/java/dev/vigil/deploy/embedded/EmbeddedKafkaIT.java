package dev.vigil.deploy.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void shouldDeliverOnlyCommittedRecordsWhenConsumerReadsCommitted() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null)) {
      report("start (fresh temp dir)", t0);
      kafka.createTopics(Map.of("orders", 2), Set.of());

      try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-orders")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", "k1", "committed-1"));
        producer.send(new ProducerRecord<>("orders", "k2", "committed-2"));
        producer.commitTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", "k1", "aborted-1"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("orders", "k2", "committed-3"));
        producer.commitTransaction();
      }

      assertThat(readAll(kafka, "orders", "read_committed", 3))
          .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
      // The aborted record did reach the log: only the isolation level hides it.
      assertThat(readAll(kafka, "orders", "read_uncommitted", 4)).contains("aborted-1");
    }
  }

  @Test
  void shouldCreateTopicsOnceWhenCalledTwice() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null)) {
      Map<String, Integer> topics = Map.of("vigil.frames", 3, "vigil.prompts", 1);
      kafka.createTopics(topics, Set.of("vigil.prompts"));
      kafka.createTopics(Map.of("vigil.frames", 5, "vigil.prompts", 1), Set.of("vigil.prompts"));

      try (Admin admin = admin(kafka)) {
        Map<String, TopicDescription> described =
            admin.describeTopics(topics.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
        // The second call must not have grown or recreated the existing topic.
        assertThat(described.get("vigil.frames").partitions()).hasSize(3);
        assertThat(described.get("vigil.prompts").partitions()).hasSize(1);
        ConfigResource prompts = new ConfigResource(ConfigResource.Type.TOPIC, "vigil.prompts");
        ConfigResource frames = new ConfigResource(ConfigResource.Type.TOPIC, "vigil.frames");
        var configs =
            admin.describeConfigs(List.of(prompts, frames)).all().get(30, TimeUnit.SECONDS);
        assertThat(configs.get(prompts).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
            .isEqualTo("compact");
        assertThat(configs.get(frames).get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
            .isEqualTo("delete");
      }
    }
  }

  @Test
  void shouldKeepRecordsWhenRestartedOnSameDataDir(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("kafka");
    long closing;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dataDir)) {
      kafka.createTopics(Map.of("durable", 1), Set.of());
      try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-durable")) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("durable", "k", "survives-restart"));
        producer.commitTransaction();
      }
      closing = System.nanoTime();
    }
    report("close", closing);
    assertThat(dataDir.resolve("logs").resolve("meta.properties")).exists();

    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dataDir)) {
      report("restart (existing data dir)", t0);
      // Idempotent on an existing topic after restart, too.
      kafka.createTopics(Map.of("durable", 1), Set.of());
      assertThat(readAll(kafka, "durable", "read_committed", 1))
          .containsExactly("survives-restart");
    }
    assertThat(Files.isDirectory(dataDir)).as("a given data dir is kept on close").isTrue();
  }

  @Test
  void shouldDeleteTempDataDirWhenClosed() {
    Path dataDir;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null)) {
      dataDir = kafka.dataDir();
      assertThat(dataDir).isDirectory();
    }
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void shouldNameTheFlagWhenPortIsInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedKafka.start(port, null))
          .isInstanceOf(EmbeddedBrokerException.class)
          .hasMessageStartingWith("port " + port + " is in use; pass --kafka-port N");
    }
  }

  private static KafkaProducer<String, String> transactionalProducer(
      EmbeddedKafka kafka, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(p);
  }

  /** Reads from the start in a consumer group until {@code expected} records or 30 s. */
  private static List<String> readAll(
      EmbeddedKafka kafka, String topic, String isolation, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + isolation + "-" + System.nanoTime());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      // One more short poll so that an unexpected extra record would show up too.
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  private static Admin admin(EmbeddedKafka kafka) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static void report(String what, long startNanos) {
    System.out.printf(
        "EmbeddedKafka %s: %d ms%n",
        what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
  }
}
