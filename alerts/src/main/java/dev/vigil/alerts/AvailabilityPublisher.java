package dev.vigil.alerts;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.Ids;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Republishes each camera's availability from the compacted {@code vigil.camera-status} as the
 * retained MQTT topic {@code <prefix><camera>/availability} ({@code online} or {@code offline}, as
 * Home Assistant expects), and tells a listener (the state publisher) about it.
 *
 * <p>It reads the whole topic from the beginning at every start, without a consumer group: the
 * topic is compacted (one record per camera), the retained messages are idempotent, and so every
 * alerts process of a site knows every camera. A tombstone clears the camera's retained topic. A
 * record whose camera id breaks {@link Ids}, or whose availability is neither {@code online} nor
 * {@code offline}, is skipped and counted. Publishes are retried with a {@link Backoff} until the
 * broker acknowledges them; errors that cannot pass end {@link #run} and fail {@link #status()}.
 *
 * <p>Ownership and lifecycle: owns the consumer (closed when {@link #run} returns), not the
 * publisher. Run it on one thread; {@link #close} from any thread stops it.
 */
public final class AvailabilityPublisher implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AvailabilityPublisher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final org.apache.kafka.clients.consumer.Consumer<String, CameraStatus> consumer;
  private final MqttAlertPublisher publisher;
  private final String topic;
  private final Consumer<CameraStatus> listener;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final LoopStatus status = new LoopStatus(AlertsMetrics.CAMERA_STATUS);
  private final KafkaLink link;
  private final LoopPoll<CameraStatus> poller;
  private final Backoff kafkaBackoff = Backoff.defaults();
  private AlertsMetrics metrics = new AlertsMetrics();
  private volatile boolean closed;
  private volatile boolean started;
  private boolean waitingLogged;

  /**
   * @param consumer a consumer configured like {@link #consumerProperties}, not yet assigned
   * @param publisher a connected publisher, closed by the caller after this service
   * @param topic the camera status topic, usually {@code Topics.cameraStatus()}
   * @param listener told of each camera status after the broker acknowledged it
   */
  public AvailabilityPublisher(
      org.apache.kafka.clients.consumer.Consumer<String, CameraStatus> consumer,
      MqttAlertPublisher publisher,
      String topic,
      Consumer<CameraStatus> listener) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.link = new KafkaLink(consumer);
    this.poller =
        new LoopPoll<>(
            consumer,
            AlertsMetrics.CAMERA_STATUS,
            POLL_TIMEOUT,
            status,
            link,
            kafkaBackoff,
            () -> this.metrics,
            LOG,
            stopped);
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Reader properties from {@link KafkaClients#reader} (no group, read_committed), String keys and
   * {@code CameraStatus} JSON values; it never creates the topic.
   */
  public static Properties consumerProperties(SiteConfig.Kafka kafka) {
    Properties props = KafkaClients.reader(kafka);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CameraStatusDeserializer.class.getName());
    return props;
  }

  /** Counts into {@code metrics}, shared with the other loops of the process. */
  public AvailabilityPublisher metrics(AlertsMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /** The counters this publisher writes to. */
  public AlertsMetrics metrics() {
    return metrics;
  }

  /** Running, retrying (and why), stopped or failed. */
  public LoopStatus status() {
    return status;
  }

  @Override
  public void run() {
    started = true;
    try {
      status.running();
      while (!closed) {
        if (consumer.assignment().isEmpty() && !assignAll()) {
          continue;
        }
        ConsumerRecords<String, CameraStatus> records = poll();
        if (!records.isEmpty()) {
          deliver(records);
        }
      }
    } catch (Throwable e) {
      if (!closed) {
        LOG.error("availability publisher failed; camera availability is no longer published", e);
        status.failed(e);
      }
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the camera status consumer failed: {}", e.toString());
      } finally {
        status.stopped(); // no-op after a failure
        stopped.countDown();
      }
    }
  }

  /** Assigns every partition of the topic from its beginning; false (after a wait) when none. */
  private boolean assignAll() {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      if (KafkaFailures.fatal(e)) {
        throw e;
      }
      retryLater(AlertsMetrics.KAFKA_POLL, "kafka metadata of " + topic + " failed", e);
      return false;
    }
    if (infos == null || infos.isEmpty()) {
      // The processor creates the topic; until then there is no availability to publish, which
      // is no fault of ours: stay ready, look again later.
      if (!waitingLogged) {
        waitingLogged = true;
        LOG.info("topic {} does not exist yet; camera availability starts once it does", topic);
      }
      sleep(Backoff.DEFAULT_MAX);
      return false;
    }
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : infos) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    kafkaBackoff.reset();
    status.running();
    return true;
  }

  private ConsumerRecords<String, CameraStatus> poll() {
    return poller.poll();
  }

  /** Publishes the newest status of each camera in the batch and waits for every PUBACK. */
  private void deliver(ConsumerRecords<String, CameraStatus> records) {
    Map<String, Outgoing> outbox = new LinkedHashMap<>();
    for (ConsumerRecord<String, CameraStatus> r : records) {
      CameraStatus s = r.value();
      String camera = s == null || s.camera() == null ? r.key() : s.camera();
      if (!Ids.valid(camera)) {
        LOG.error(
            "skipping camera status at {}-{}@{}: camera id {} is invalid (use {})",
            r.topic(),
            r.partition(),
            r.offset(),
            Ids.show(camera),
            Ids.RULE);
        metrics.skipped(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_CAMERA_ID);
      } else if (s != null && !s.online() && !CameraStatus.OFFLINE.equals(s.availability())) {
        LOG.error(
            "skipping camera status of {} at offset {}: availability {} is neither {} nor {}",
            camera,
            r.offset(),
            Ids.show(s.availability()),
            CameraStatus.ONLINE,
            CameraStatus.OFFLINE);
        metrics.skipped(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_VALUE);
      } else {
        // Newest wins: a camera's records are in order within its partition.
        outbox.remove(camera);
        // A tombstone (camera removed) clears the retained message.
        outbox.put(camera, new Outgoing(camera, s, s == null ? "" : s.availability()));
      }
    }
    Backoff backoff = Backoff.defaults();
    while (!closed && !outbox.isEmpty()) {
      List<CompletableFuture<Void>> round = new ArrayList<>();
      for (Outgoing o : outbox.values()) {
        if (o.future == null || o.future.isCompletedExceptionally()) {
          o.future = publisher.publishRetained(publisher.availabilityTopic(o.camera), o.payload);
        }
        round.add(o.future);
      }
      try {
        CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Some failed or are still waiting: handled below.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      int before = outbox.size();
      Throwable why = null;
      for (Outgoing o : new ArrayList<>(outbox.values())) {
        if (!o.future.isDone()) {
          continue;
        }
        if (o.future.isCompletedExceptionally()) {
          why = cause(o.future);
          continue;
        }
        outbox.remove(o.camera);
        metrics.published(AlertsMetrics.CAMERA_STATUS);
        if (o.status != null) {
          listener.accept(o.status);
        }
      }
      if (why instanceof MqttRefusedException refused && refused.unrecoverable()) {
        throw refused;
      }
      if (outbox.isEmpty()) {
        status.running();
      } else if (outbox.size() == before) {
        retryLater(
            backoff,
            AlertsMetrics.MQTT_PUBLISH,
            outbox.size() + " camera availabilities not acknowledged by the MQTT broker",
            why == null ? new AlertsException("waiting for PUBACK") : why);
      } else {
        backoff.reset();
      }
    }
  }

  private void retryLater(String operation, String what, Throwable e) {
    retryLater(kafkaBackoff, operation, what, e);
  }

  private void retryLater(Backoff backoff, String operation, String what, Throwable e) {
    status.retryAfterBackoff(what, e, operation, metrics, backoff, LOG, stopped);
  }

  private void sleep(Duration delay) {
    try {
      stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  /** Stops {@link #run} and waits up to 10 s for it to close the consumer. */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    if (started) {
      try {
        if (!stopped.await(10, TimeUnit.SECONDS)) {
          LOG.warn("availability publisher did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One retained availability message and its publish. */
  private static final class Outgoing {
    final String camera;
    final CameraStatus status;
    final String payload;
    CompletableFuture<Void> future;

    Outgoing(String camera, CameraStatus status, String payload) {
      this.camera = camera;
      this.status = status;
      this.payload = payload;
    }
  }
}
