package dev.vigil.deploy.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The drill's view of Kafka, read committed: observations (each camera's first frame time and the
 * processing gaps), violation records (their event time, for the alert delay), dead letters and
 * prompt and camera status. No group: it assigns every partition and starts at the end.
 */
final class KafkaTap implements AutoCloseable {
  /** An observation: its camera, event time and when the drill read it. */
  record Obs(String camera, long timestamp, long readMs) {}

  /** A dead letter: original key, topic, code. */
  record DeadLetter(String key, String topic, String code, String poison) {}

  /** A camera status record: camera, availability and when the drill read it. */
  record Status(String camera, String availability, long readMs) {}

  /** Header the poison drill puts on each bad record; dead letters keep the original headers. */
  static final String POISON_HEADER = "vigil.drill.poison";

  private final KafkaConsumer<String, byte[]> consumer;
  private final Topics topics;
  private final List<Obs> observations = new CopyOnWriteArrayList<>();
  private final Map<String, Long> violationTimes = new ConcurrentHashMap<>();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final Map<String, String> promptStatus = new ConcurrentHashMap<>();
  private final List<Status> cameraStatus = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean assigned;
  private volatile Throwable failure;

  KafkaTap(String bootstrap, Topics topics) {
    this.topics = topics;
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-drill-tap");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(this::run, "drill-kafka-tap");
    thread.setDaemon(true);
  }

  void start(Duration timeout) {
    thread.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!assigned && System.nanoTime() < deadline) {
      if (failure != null) {
        throw new DrillException("the drill's Kafka reader failed: " + failure, failure);
      }
      KafkaCluster.pause(100);
    }
    if (!assigned) {
      throw new DrillException("the drill's Kafka reader found no topics in time");
    }
  }

  private void run() {
    try {
      List<TopicPartition> parts = new ArrayList<>();
      for (String t :
          List.of(
              topics.observations(),
              topics.violations(),
              topics.dlq(),
              topics.promptStatus(),
              topics.cameraStatus())) {
        consumer
            .partitionsFor(t, Duration.ofSeconds(60))
            .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position);
      assigned = true;
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          long now = System.currentTimeMillis();
          String t = r.topic();
          if (t.equals(topics.observations())) {
            observations.add(new Obs(r.key(), r.timestamp(), now));
          } else if (t.equals(topics.violations()) && r.value() != null) {
            JsonNode v = Json.mapper().readTree(r.value());
            violationTimes.putIfAbsent(
                v.path("id").asText() + "/" + v.path("state").asText(), r.timestamp());
          } else if (t.equals(topics.dlq())) {
            deadLetters.add(
                new DeadLetter(
                    r.key(),
                    header(r, VigilHeaders.DLQ_TOPIC),
                    header(r, VigilHeaders.DLQ_CODE),
                    header(r, POISON_HEADER)));
          } else if (t.equals(topics.promptStatus()) && r.key() != null) {
            promptStatus.put(
                r.key(), r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
          } else if (t.equals(topics.cameraStatus()) && r.value() != null) {
            cameraStatus.add(
                new Status(
                    r.key(), Json.mapper().readTree(r.value()).path("availability").asText(), now));
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (Exception e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  List<Obs> observations() {
    return new ArrayList<>(observations);
  }

  /** The event time of a violation record, by {@code id/state}. */
  Long violationTime(String id, String state) {
    return violationTimes.get(id + "/" + state);
  }

  List<DeadLetter> deadLetters() {
    return new ArrayList<>(deadLetters);
  }

  String promptStatus(String id) {
    return promptStatus.get(id);
  }

  /** Every camera status record read so far, in order. */
  List<Status> cameraStatus() {
    return new ArrayList<>(cameraStatus);
  }

  void requireHealthy() {
    if (failure != null) {
      throw new DrillException("the drill's Kafka reader failed: " + failure, failure);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
