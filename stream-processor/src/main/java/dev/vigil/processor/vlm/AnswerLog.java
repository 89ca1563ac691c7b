package dev.vigil.processor.vlm;

import dev.vigil.config.Json;
import dev.vigil.config.JsonSerde;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model's answers on {@code vigil.vlm-answers}: writes each answer keyed by camera and stamped
 * with its frame's time, and reads back every answer there, whichever instance wrote it. Writing is
 * idempotent with acks=all, outside the processor's transactions: the answer is the record of a
 * call that happened, and the rules read it inside theirs. Thread-safe; closes its producer and its
 * reader.
 */
public final class AnswerLog implements Consumer<VlmAnswer>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnswerLog.class);

  private final SiteConfig.Kafka kafka;
  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Deserializer<VlmAnswer> answers = new JsonSerde<>(VlmAnswer.class).deserializer();
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  private final AtomicLong failures = new AtomicLong();
  private volatile KafkaConsumer<String, byte[]> reading;
  private volatile Thread follower;

  public AnswerLog(SiteConfig.Kafka kafka, String topic) {
    this.kafka = kafka;
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
   * Reads every answer on the topic into {@code reader}, from the start: returns once caught up
   * with the topic's current end (or after {@code timeout}), so that a replay knows what was asked
   * before it starts; then keeps reading on the daemon thread {@code vigil-vlm-answers-reader}
   * until {@link #close}, so that the answers other instances write reach this one too. Call once.
   */
  public void follow(Consumer<VlmAnswer> reader, Duration timeout) {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(KafkaClients.reader(kafka), new StringDeserializer(), (t, v) -> v);
    reading = c;
    List<TopicPartition> parts =
        c.partitionsFor(topic, timeout).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (parts.isEmpty()) {
      LOG.warn("{} has no partitions: no answer written there will be known here", topic);
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!caughtUp(c, end) && System.nanoTime() < deadline) {
      poll(c, reader);
    }
    Thread t = new Thread(() -> keepReading(c, reader), "vigil-vlm-answers-reader");
    t.setDaemon(true);
    follower = t;
    t.start();
  }

  private void keepReading(KafkaConsumer<String, byte[]> c, Consumer<VlmAnswer> reader) {
    try (c) {
      while (true) {
        try {
          poll(c, reader);
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          // A failed poll or a failing reader must not end the reading for good: the statuses
          // and the replay guard of this instance depend on it. Go on from the position reached.
          failures.incrementAndGet();
          LOG.error("reading {} failed; trying again in {}", topic, RETRY_PAUSE, e);
          Thread.sleep(RETRY_PAUSE.toMillis());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // close() ends the reading.
    }
  }

  /** Times reading the answers back failed and was tried again. */
  public long readFailures() {
    return failures.get();
  }

  private void poll(KafkaConsumer<String, byte[]> c, Consumer<VlmAnswer> reader) {
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
      VlmAnswer a;
      try {
        a = answers.deserialize(topic, r.value());
      } catch (RuntimeException bad) {
        // Not an answer: the rules dead-letter it; here it answers nothing.
        continue;
      }
      try {
        reader.accept(a);
      } catch (RuntimeException e) {
        // One answer the reader cannot take must not cost it the answers after it.
        failures.incrementAndGet();
        LOG.error("could not take the model's answer {} read from {}", a.requestId(), topic, e);
      }
    }
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Stops the reader (it closes its consumer) and closes the producer. */
  @Override
  public void close() {
    Thread t = follower;
    KafkaConsumer<String, byte[]> c = reading;
    if (t != null) {
      c.wakeup();
      try {
        t.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (c != null) {
      // follow() failed before handing the consumer to its thread.
      c.close();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
