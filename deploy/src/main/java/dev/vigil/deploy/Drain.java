package dev.vigil.deploy;

import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until a consumer group has committed past the last committed record of some topics: how the
 * demo knows that every frame was processed and every violation alerted.
 */
final class Drain {
  private Drain() {}

  /**
   * The offset just past the last committed data record of each partition (transaction markers are
   * not records, so this can be below the end offset).
   */
  static Map<TopicPartition, Long> lastRecordEnds(
      SiteConfig.Kafka kafka, Collection<String> topics) {
    // With the site's security settings, like every other client.
    Properties p = KafkaClients.reader(kafka);
    Map<TopicPartition, Long> ends = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          topics.stream()
              .flatMap(
                  t ->
                      c.partitionsFor(t).stream()
                          .map(i -> new TopicPartition(i.topic(), i.partition())))
              .toList();
      c.assign(parts);
      c.seekToEnd(parts);
      Map<TopicPartition, Long> stable = new HashMap<>();
      for (TopicPartition tp : parts) {
        stable.put(tp, c.position(tp));
      }
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < stable.get(tp))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          ends.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
      }
    }
    return ends;
  }

  /** Blocks until {@code group} has committed at least {@code targets} on every partition. */
  static void await(Admin admin, String group, Map<TopicPartition, Long> targets, Duration timeout)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      boolean done =
          targets.entrySet().stream()
              .allMatch(
                  e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return c != null && c.offset() >= e.getValue();
                  });
      if (done) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "consumer group " + group + " did not catch up within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }

  /** End offsets (read_committed) of all partitions of {@code topics}. */
  static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> request =
        admin.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(
                d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    return admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all()
        .get()
        .entrySet()
        .stream()
        .filter(e -> e.getValue().offset() > 0)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }
}
