package dev.vigil.processor.vlm;

import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model's answers on {@code vigil.vlm-answers}: writes each answer keyed by camera and stamped
 * with its frame's time, and reads back which requests are already answered. Writing is idempotent
 * with acks=all, outside the processor's transactions: the answer is the record of a call that
 * happened, and the rules read it inside theirs. Thread-safe; closes its producer.
 */
public final class AnswerLog implements Consumer<VlmAnswer>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerLog.class);

  private final Producer<String, byte[]> producer;
  private final String topic;

  public AnswerLog(SiteConfig.Kafka kafka, String topic) {
    this.producer =
        new KafkaProducer<>(
            KafkaClients.producer(kafka, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0)),
            new StringSerializer(),
            (t, v) -> v);
    this.topic = topic;
  }

  /**
   * Writes {@code a} and waits for the broker's ack, so that once a call thread is done its answer
   * is on the topic (a call takes seconds; the ack adds milliseconds).
   */
  @Override
  public void accept(VlmAnswer a) {
    try {
      producer
          .send(new ProducerRecord<>(topic, null, a.frameTime(), a.camera(), Json.toBytes(a)))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("cannot record the model's answer {} on {}: {}", a.requestId(), topic, e.getCause());
    }
  }

  /**
   * The ids of every request answered on {@code topic}, read from the start to the current end, so
   * a replay does not ask the model again.
   */
  public static Set<String> answered(SiteConfig.Kafka kafka, String topic, Duration timeout) {
    Set<String> ids = new HashSet<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            KafkaClients.reader(kafka),
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      var deserializer = new JsonSerde<>(VlmAnswer.class).deserializer();
      while (!caughtUp(c, end) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          try {
            ids.add(deserializer.deserialize(topic, r.value()).requestId());
          } catch (RuntimeException bad) {
            // Not an answer: the rules dead-letter it; here it answers nothing.
          }
        }
      }
    }
    return ids;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
