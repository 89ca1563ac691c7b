package dev.vigil.deploy.bench;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads how far a consumer group has got on one topic: the sum over partitions of its committed
 * offsets and of the end offsets. Their difference is the consumer lag in records.
 *
 * <p>Does not own the {@link Admin}. Thread-safe as far as {@link Admin} is.
 */
final class LagProbe {
  private final Admin admin;
  private final String group;
  private final String topic;

  /** One reading: committed and end offsets summed over the topic's partitions. */
  record Sample(long nanos, long committed, long end) {
    long lag() {
      return Math.max(0, end - committed);
    }
  }

  LagProbe(Admin admin, String group, String topic) {
    this.admin = admin;
    this.group = group;
    this.topic = topic;
  }

  Sample sample() throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long c =
        committed.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset())
            .sum();
    long end =
        offsets(OffsetSpec.latest()).values().stream()
            .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
            .sum();
    return new Sample(System.nanoTime(), c, end);
  }

  /** The largest record timestamp in the topic, or -1 when it is empty. */
  long maxTimestamp() throws InterruptedException, ExecutionException {
    return offsets(OffsetSpec.maxTimestamp()).values().stream()
        .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::timestamp)
        .max()
        .orElse(-1);
  }

  private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(OffsetSpec spec)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> request =
        admin
            .describeTopics(java.util.List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .stream()
            .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> spec));
    return admin.listOffsets(request).all().get();
  }
}
