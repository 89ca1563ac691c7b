package dev.vigil.alerts;

import dev.vigil.config.Ids;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
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
 * <p>Failures: a record whose camera id breaks {@link Ids} can never be published, so it is logged,
 * counted ({@link AlertsMetrics#skippedCount}) and committed past. Kafka errors that may pass (a
 * commit timeout, a lost broker) and MQTT errors are retried with a {@link Backoff} and show in
 * {@link #status()} and the metrics. Anything else (bad credentials, an MQTT ACL that forbids the
 * topic, a bug) ends {@link #run} and fails {@link #status()}, so the process can exit and be
 * restarted rather than run on with a dead thread.
 *
 * <p>Ownership and lifecycle: the service owns the Kafka consumer (it closes it when {@link #run}
 * returns) but not the publisher. Configure it with {@link #onPublished}, {@link #ackTimeout} and
 * {@link #metrics} before starting; run it on one thread; {@link #close} from any thread stops it
 * and waits for {@link #run} to return. Not otherwise thread-safe.
 */
public final class AlertsService implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final org.apache.kafka.clients.consumer.Consumer<String, Violation> consumer;
  private final MqttAlertPublisher publisher;
  private final String topic;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Set<TopicPartition> revoked = new HashSet<>();
  private final LoopStatus status = new LoopStatus(AlertsMetrics.VIOLATIONS);
  private final KafkaLink link;
  private final LoopPoll<Violation> poller;
  private final Backoff pollBackoff = Backoff.defaults();
  private Consumer<PublishedAlert> listener = alert -> {};
  private AlertsMetrics metrics = new AlertsMetrics();
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
    this.link = new KafkaLink(consumer);
    this.poller =
        new LoopPoll<>(
            consumer,
            AlertsMetrics.VIOLATIONS,
            POLL_TIMEOUT,
            status,
            link,
            pollBackoff,
            () -> this.metrics,
            LOG,
            stopped);
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  /**
   * Consumer properties from {@link KafkaClients#consumer}: the site's own properties (security,
   * timeouts) apply, but never weaken manual commits and {@code read_committed}. Earliest offset
   * for a new group, String keys and {@code Violation} JSON values.
   */
  public static Properties consumerProperties(SiteConfig.Kafka kafka, String groupId) {
    Properties props =
        KafkaClients.consumer(
            kafka,
            groupId,
            Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100"));
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

  /** Counts into {@code metrics}, shared with the other loops of the process. */
  public AlertsService metrics(AlertsMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  /** The counters this service writes to. */
  public AlertsMetrics metrics() {
    return metrics;
  }

  /** Running, retrying (and why), stopped or failed. */
  public LoopStatus status() {
    return status;
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
      status.running();
      while (!closed) {
        ConsumerRecords<String, Violation> records = poll();
        if (!records.isEmpty()) {
          deliver(records);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        fail(e);
      }
    } catch (Throwable e) {
      if (!closed) {
        fail(e);
      } else {
        LOG.debug("alerts service stopped with {}", e.toString());
      }
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the violations consumer failed: {}", e.toString());
      } finally {
        status.stopped(); // no-op after a failure
        stopped.countDown();
      }
    }
  }

  private void fail(Throwable e) {
    LOG.error("alerts service failed; no more violations are published: {}", e.toString(), e);
    status.failed(e);
  }

  private ConsumerRecords<String, Violation> poll() {
    return poller.poll();
  }

  private void retryLater(Backoff backoff, String operation, String what, Throwable e) {
    status.retryAfterBackoff(what, e, operation, metrics, backoff, LOG, stopped);
  }

  private void deliver(ConsumerRecords<String, Violation> records) {
    List<Pending> pending = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, Violation> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
      if (record.value() == null) {
        LOG.warn("ignoring tombstone at {}@{}", tp, record.offset());
      } else if (!Ids.valid(record.value().camera())) {
        // It would publish to a wildcard or an extra topic level: skip it and commit past it.
        LOG.error(
            "skipping violation {} at {}@{}: camera id {} is invalid (use {})",
            record.value().id(),
            tp,
            record.offset(),
            Ids.show(record.value().camera()),
            Ids.RULE);
        metrics.skipped(AlertsMetrics.VIOLATIONS, AlertsMetrics.INVALID_CAMERA_ID);
      } else if (Violation.REJECTED.equals(record.value().state())) {
        // The model rejected it under verify: vlm, mode gate: kept on Kafka as a trace, no alert.
        LOG.info("not alerting violation {}: rejected by the model", record.value().id());
        metrics.skipped(AlertsMetrics.VIOLATIONS, AlertsMetrics.REJECTED_BY_MODEL);
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
        metrics.published(AlertsMetrics.VIOLATIONS);
        listener.accept(p.future.join());
      }
    }
    offsets.keySet().removeAll(revoked);
    if (offsets.isEmpty()) {
      return;
    }
    commit(offsets, pending.size());
  }

  /**
   * Commits after the PUBACKs, retrying what may pass (a timeout, a lost coordinator) until it
   * succeeds, the partitions move to another member or the service closes.
   */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
    Backoff backoff = Backoff.defaults();
    while (!closed) {
      try {
        consumer.commitSync(offsets);
        synchronized (this) {
          committedRecords += records;
        }
        if (backoff.attempts() > 0) {
          LOG.info("offset commit succeeded after {} retries", backoff.attempts());
        }
        status.running();
        return;
      } catch (CommitFailedException | RebalanceInProgressException e) {
        // The partitions moved to another member, which re-reads from the last commit.
        LOG.warn(
            "offset commit failed after a rebalance; records may be published again: {}",
            e.getMessage());
        status.running();
        return;
      } catch (WakeupException e) {
        throw e;
      } catch (KafkaException e) {
        if (KafkaFailures.fatal(e)) {
          throw e;
        }
        retryLater(backoff, AlertsMetrics.KAFKA_COMMIT, "kafka offset commit failed", e);
        keepGroupMembership();
        offsets.keySet().removeAll(revoked);
        if (offsets.isEmpty()) {
          status.running();
          return;
        }
      }
    }
  }

  /**
   * Publishes until every pending record is acknowledged; false when closed first.
   *
   * @throws MqttRefusedException when the broker refuses a record for good (not authorized)
   */
  private boolean awaitAll(List<Pending> pending) {
    Backoff backoff = Backoff.defaults();
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
          p.future.whenComplete((alert, e) -> countRefusal(e));
          p.sentAt = now;
        }
        if (p.acked()) {
          acked++;
        } else {
          round.add(p.future);
        }
      }
      if (round.isEmpty()) {
        status.running();
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
        status.running();
        return true;
      }
      Throwable why =
          pending.stream().map(Pending::failure).filter(Objects::nonNull).findFirst().orElse(null);
      if (why instanceof MqttRefusedException refused && refused.unrecoverable()) {
        throw refused;
      }
      keepGroupMembership();
      if (ackedNow == acked) {
        retryLater(
            backoff,
            AlertsMetrics.MQTT_PUBLISH,
            (pending.size() - ackedNow)
                + " of "
                + pending.size()
                + " violations not acknowledged by the MQTT broker",
            why == null ? new AlertsException("waiting for PUBACK") : why);
      } else {
        backoff.reset();
      }
    }
    return false;
  }

  private void countRefusal(Throwable e) {
    if (e instanceof MqttRefusedException refused) {
      metrics.refused(AlertsMetrics.VIOLATIONS, refused.reasonCode());
    }
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
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      if (KafkaFailures.fatal(e)) {
        throw e;
      }
      LOG.debug("poll while retrying failed: {}", e.toString()); // the caller retries anyway
    } finally {
      consumer.resume(consumer.paused());
      retrying = false;
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
