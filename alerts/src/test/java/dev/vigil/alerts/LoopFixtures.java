package dev.vigil.alerts;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.TestCerts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** What the tests of the alerts loops share: publishers, consumers with records, waiting. */
final class LoopFixtures {
  private LoopFixtures() {}

  /** A publisher of site {@code plant1} on a broker without authentication. */
  static MqttAlertPublisher connect(MosquittoBroker broker) {
    return connect(broker, "pub");
  }

  /** As {@link #connect(MosquittoBroker)}, as client {@code clientId}. */
  static MqttAlertPublisher connect(MosquittoBroker broker, String clientId) {
    return MqttAlertPublisher.connect(options(broker.url(), clientId));
  }

  /** The options of a publisher of site {@code plant1} at {@code url}, without authentication. */
  static PublisherOptions options(String url, String clientId) {
    return PublisherOptions.of(
        "plant1", new SiteConfig.Mqtt(url, null, clientId, null, null, null));
  }

  /**
   * A publisher as user {@code alerts} of {@link MosquittoBroker#lockedDown}: it may write cam1's
   * topics, not cam2's (the broker refuses those with reason code 135, not authorized).
   */
  static MqttAlertPublisher connectLockedDown(MosquittoBroker broker) {
    return MqttAlertPublisher.connect(
        PublisherOptions.of(
            "plant1",
            broker.mqttConfig(
                "alerts", "s3cret", broker.clientCertificate("alerts", TestCerts.KeyType.RSA))));
  }

  /**
   * A state publisher driven by hand ({@code observe}, {@code tick}) on {@code clock}, its consumer
   * never polled.
   */
  static StatePublisher handDrivenState(
      MqttAlertPublisher publisher,
      StatePublisher.Options options,
      java.util.function.LongSupplier clock) {
    return new StatePublisher(
        new MockConsumer<>("latest"), publisher, "vigil.observations", options, clock);
  }

  /** A hand-driven state publisher that sends every change at once; its clock stands still. */
  static StatePublisher handDrivenState(MqttAlertPublisher publisher) {
    return handDrivenState(
        publisher, StatePublisher.Options.defaults().withMinInterval(Duration.ZERO), () -> 0L);
  }

  /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
  static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** A site's Kafka section whose own properties try to weaken what a loop's consumer needs. */
  static SiteConfig.Kafka kafkaTryingToWeaken(Map<String, String> more) {
    Map<String, String> props = new HashMap<>(more);
    props.put("enable.auto.commit", "true");
    props.put("isolation.level", "read_uncommitted");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    return new SiteConfig.Kafka("localhost:9092", null, props);
  }

  /**
   * A group consumer assigned partition 0 of {@code topic}, then given one batch a poll. Keys are
   * taken from {@code key}.
   */
  static <V> PacedConsumer<V> inGroup(
      String topic, java.util.function.Function<V, String> key, List<List<V>> batches) {
    TopicPartition tp = new TopicPartition(topic, 0);
    PacedConsumer<V> consumer = new PacedConsumer<>();
    consumer.schedulePollTask(
        () -> {
          consumer.updateBeginningOffsets(Map.of(tp, 0L));
          consumer.rebalance(List.of(tp));
        });
    long[] offset = {0};
    for (List<V> batch : batches) {
      consumer.schedulePollTask(
          () -> {
            for (V v : batch) {
              consumer.addRecord(new ConsumerRecord<>(topic, 0, offset[0]++, key.apply(v), v));
            }
          });
    }
    return consumer;
  }

  /**
   * A group-less consumer that finds one partition of {@code topic} and then these keyed records on
   * it, in order (a null value is a tombstone).
   */
  static <V> MockConsumer<String, V> wholeTopic(
      String topic, List<? extends Map.Entry<String, V>> records) {
    MockConsumer<String, V> consumer = new MockConsumer<>("earliest");
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions(
        topic, List.of(new PartitionInfo(topic, 0, node, new Node[] {node}, new Node[] {node})));
    consumer.updateBeginningOffsets(Map.of(new TopicPartition(topic, 0), 0L));
    consumer.schedulePollTask(
        () -> {
          long offset = 0;
          for (Map.Entry<String, V> r : records) {
            consumer.addRecord(new ConsumerRecord<>(topic, 0, offset++, r.getKey(), r.getValue()));
          }
        });
    return consumer;
  }

  /**
   * A MockConsumer that does not spin (an empty poll waits a little, as a real one would), and
   * records its commits and polls.
   */
  static class PacedConsumer<V> extends MockConsumer<String, V> {
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
    final AtomicInteger polls = new AtomicInteger();

    PacedConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      commits.add(Map.copyOf(offsets));
      super.commitSync(offsets);
    }

    @Override
    public synchronized ConsumerRecords<String, V> poll(Duration timeout) {
      polls.incrementAndGet();
      ConsumerRecords<String, V> records = super.poll(timeout);
      if (records.isEmpty() && !timeout.isZero()) {
        try {
          wait(Math.min(timeout.toMillis(), 20));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return records;
    }

    /** The offset committed for partition 0 of {@code topic}, or null. */
    Long committed(String topic) {
      TopicPartition tp = new TopicPartition(topic, 0);
      OffsetAndMetadata om = committed(java.util.Set.of(tp)).get(tp);
      return om == null ? null : om.offset();
    }
  }
}
