package dev.vigil.alerts;

import dev.vigil.config.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves violations from Kafka to MQTT without losing any: for each poll it publishes every record,
 * waits for every PUBACK, and only then commits the offsets. While the broker is down it keeps
 * retrying the same records, with the partitions paused so the consumer stays in its group.
 * Delivery is at-least-once; a retried record carries the same deterministic violation id.
 *
 * <p>Ownership and lifecycle: the service owns the Kafka consumer (it closes it when {@link #run}
 * returns) but not the publisher. Configure it with {@link #onPublished} and {@link #ackTimeout}
 * before starting; run it on one thread; {@link #close} from any thread stops it and waits for
 * {@link #run} to return. Not otherwise thread-safe.
 */
public final class AlertsService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final org.apache.kafka.clients.consumer.Consumer<String, Violation> consumer;
  private final MqttAlertPublisher publisher;
  private final String topic;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<TopicPartition> revoked = new HashSet<>();
  private Consumer<PublishedAlert> listener = alert -> {};
  private Duration ackTimeout = Duration.ofSeconds(10);
  private volatile boolean closed;
  private volatile boolean started;
  private volatile boolean retrying;
  private long committedRecords;

  /**
   * @param consumer a consumer configured like {@link #consumerProperties}; not yet subscribed
   * @param publisher a connected publisher, closed by the caller after this service
   * @param topic the violations topic, usually {@code Topics.violations()}
   */
  public AlertsService(
      org.apache.kafka.clients.consumer.Consumer<String, Violation> consumer,
      MqttAlertPublisher publisher,
      String topic) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /**
   * Consumer properties: manual commits, read_committed, String keys and {@code Violation} JSON
   * values. Add security settings ({@code security.protocol}, {@code sasl.*}) on top.
   */
  public static Properties consumerProperties(String bootstrapServers, String groupId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ViolationDeserializer.class.getName());
    return props;
  }

  /**
   * Sets the listener called once per record after its PUBACK and before the offsets are committed
   * (so, rarely, twice for the same id after a retry). It runs on the service thread; keep it fast.
   */
  public AlertsService onPublished(Consumer<PublishedAlert> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** How long to wait for a PUBACK before publishing the same record again. Default 10 s. */
  public AlertsService ackTimeout(Duration timeout) {
    this.ackTimeout = Objects.requireNonNull(timeout, "timeout");
    return this;
  }

  /** How many records this service has committed so far (for tests and metrics). */
  public synchronized long committedRecords() {
    return committedRecords;
  }

  @Override
  public void run() {
    started = true;
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!closed) {
        ConsumerRecords<String, Violation> records;
        try {
          records = consumer.poll(POLL_TIMEOUT);
        } catch (RecordDeserializationException e) {
          // Not a violation, so nothing can ever be published for it: skip it, loudly.
          LOG.error(
              "skipping undecodable record {} at offset {}: {}",
              e.topicPartition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
          continue;
        }
        if (!records.isEmpty()) {
          deliver(records);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        throw e;
      }
    } finally {
      try {
        consumer.close();
      } finally {
        stopped.countDown();
      }
    }
  }

  private void deliver(ConsumerRecords<String, Violation> records) {
    List<Pending> pending = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, Violation> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
      if (record.value() == null) {
        LOG.warn("ignoring tombstone at {}@{}", tp, record.offset());
      } else {
        pending.add(new Pending(tp, record.value()));
      }
    }
    revoked.clear();
    if (!awaitAll(pending)) {
      return; // closed before every PUBACK arrived: commit nothing
    }
    for (Pending p : pending) {
      if (!revoked.contains(p.partition)) {
        listener.accept(p.future.join());
      }
    }
    offsets.keySet().removeAll(revoked);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      synchronized (this) {
        committedRecords += pending.size();
      }
    } catch (CommitFailedException e) {
      // The partitions moved to another member, which re-reads from the last commit.
      LOG.warn(
          "offset commit failed after a rebalance; records may be published again: {}",
          e.getMessage());
    }
  }

  /** Publishes until every pending record is acknowledged; false when closed first. */
  private boolean awaitAll(List<Pending> pending) {
    long backoff = 200;
    int attempt = 0;
    while (!closed) {
      long now = System.nanoTime();
      List<CompletableFuture<PublishedAlert>> round = new ArrayList<>();
      int acked = 0;
      for (Pending p : pending) {
        if (revoked.contains(p.partition)) {
          continue;
        }
        if (p.needsSend(now, ackTimeout)) {
          p.future = publisher.publish(p.violation);
          p.sentAt = now;
        }
        if (p.acked()) {
          acked++;
        } else {
          round.add(p.future);
        }
      }
      if (round.isEmpty()) {
        return true;
      }
      try {
        CompletableFuture.allOf(round.toArray(CompletableFuture[]::new))
            .get(Math.min(ackTimeout.toMillis(), 1_000), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Some failed or are still waiting: handled in the next round.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      int ackedNow = (int) pending.stream().filter(Pending::acked).count();
      if (ackedNow == pending.size()) {
        return true;
      }
      attempt++;
      if (attempt == 1 || attempt % 10 == 0) {
        Throwable why =
            pending.stream()
                .map(Pending::failure)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        LOG.warn(
            "{} of {} violations not yet acknowledged by the MQTT broker; retrying ({})",
            pending.size() - ackedNow,
            pending.size(),
            why == null ? "waiting for PUBACK" : why.getMessage());
      }
      keepGroupMembership();
      if (ackedNow == acked) {
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } else {
        backoff = 200;
      }
    }
    return false;
  }

  /**
   * Polls with every partition paused, so a long broker outage does not evict us from the group.
   */
  private void keepGroupMembership() {
    retrying = true;
    try {
      consumer.pause(consumer.assignment());
      ConsumerRecords<String, Violation> stray = consumer.poll(Duration.ZERO);
      // Records can only come from a partition assigned and not yet paused: rewind to re-read them.
      Map<TopicPartition, Long> first = new HashMap<>();
      for (ConsumerRecord<String, Violation> r : stray) {
        first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
      }
      first.forEach(consumer::seek);
    } catch (RecordDeserializationException e) {
      consumer.seek(e.topicPartition(), e.offset());
    } finally {
      consumer.resume(consumer.paused());
      retrying = false;
    }
  }

  private void sleep(long millis) {
    try {
      stopped.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
          LOG.warn("alerts service did not stop within 10 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      revoked.addAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      revoked.removeAll(partitions);
      if (retrying) {
        consumer.pause(partitions);
      }
    }
  }

  private static final class Pending {
    final TopicPartition partition;
    final Violation violation;
    CompletableFuture<PublishedAlert> future;
    long sentAt;

    Pending(TopicPartition partition, Violation violation) {
      this.partition = partition;
      this.violation = violation;
    }

    boolean acked() {
      return future != null && future.isDone() && !future.isCompletedExceptionally();
    }

    boolean needsSend(long now, Duration timeout) {
      if (future == null || future.isCompletedExceptionally()) {
        return true;
      }
      return !future.isDone() && now - sentAt > timeout.toNanos();
    }

    Throwable failure() {
      if (future == null || !future.isCompletedExceptionally()) {
        return null;
      }
      try {
        future.join();
        return null;
      } catch (RuntimeException e) {
        return e.getCause() == null ? e : e.getCause();
      }
    }
  }
}
