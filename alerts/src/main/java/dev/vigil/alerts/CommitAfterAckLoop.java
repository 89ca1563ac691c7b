package dev.vigil.alerts;

import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka-to-MQTT consumer loop of the alerts module; a {@link Handler} says what each record
 * asks the MQTT broker to acknowledge. The loop polls (skipping undecodable records, see {@link
 * LoopPoll}), sends and resends what the handler asks for, and commits a partition's offset only
 * once every earlier record of it is done: acknowledged by the broker, or needing nothing (a record
 * the handler skipped and counted). A refused PUBACK is counted with {@link AlertsMetrics#refused}
 * and never committed past; "not authorized" ends the loop, since no retry changes an ACL.
 *
 * <p>Two ways to consume: by default it subscribes with a consumer group and commits; {@link
 * #wholeTopic} reads every partition from its beginning without a group and commits nothing. With
 * {@link #batchAtATime} the loop polls no new records until all it holds are done (so a batch's
 * callbacks and commit come together); otherwise it polls on until {@link #MAX_OUTSTANDING} records
 * wait. While it waits it polls with every partition paused, so it stays in its group.
 *
 * <p>Failures: Kafka errors and MQTT failures that may pass are retried with a {@link Backoff} and
 * show in {@link #status()}; anything else ends {@link #run} and fails the status. Owns the
 * consumer (closed when {@link #run} returns). Run on one thread; {@link #close} from any thread.
 */
final class CommitAfterAckLoop<V> implements Runnable, AutoCloseable {
  /** Records a pipelined loop may hold unacknowledged before it stops taking new ones. */
  static final int MAX_OUTSTANDING = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(CommitAfterAckLoop.class);

  /** What one loop does with its records; called on the loop thread only. */
  interface Handler<V> {
    /**
     * What the broker must acknowledge before {@code record}'s offset may be committed: deliveries
     * from {@link #deliver}, or other acks. Empty when the record needs nothing (the handler logs
     * and counts a record it skips).
     */
    List<Ack> handle(ConsumerRecord<String, V> record);

    /** After every round: sends what the handler held back ({@code force}: even if not due). */
    default void tick(boolean force) {}

    /** At a clean close, before the last commit: publishes what is held back, briefly. */
    default void flush() {}
  }

  /** Something a record waits for. */
  interface Ack {
    boolean done();

    /** The record's partition went to another member: nothing more is to be done for it. */
    default void drop() {}
  }

  private final org.apache.kafka.clients.consumer.Consumer<String, V> consumer;
  private final String source;
  private final String topic;
  private final Duration pollTimeout;
  private final LoopStatus status;
  private final LoopContext context;
  private final LoopPoll<V> poller;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Outstanding outstanding = new Outstanding();
  private final Deliveries deliveries;
  private final Set<TopicPartition> revoked = new HashSet<>();
  private final Backoff kafkaBackoff = Backoff.defaults();
  private Handler<V> handler;
  private AlertsMetrics metrics = new AlertsMetrics();
  private boolean group = true;
  private boolean batchAtATime;
  private boolean waitingLogged;
  private boolean holding;
  private volatile boolean closed;
  private volatile boolean started;
  private volatile long committedRecords;

  /**
   * @param consumer a consumer configured like {@link #groupProperties} (or {@link
   *     #readerProperties} with {@link #wholeTopic}), not yet subscribed
   * @param source the metrics {@code source} label, also the status name
   */
  CommitAfterAckLoop(
      org.apache.kafka.clients.consumer.Consumer<String, V> consumer,
      String source,
      String topic,
      Duration pollTimeout) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.source = source;
    this.topic = Objects.requireNonNull(topic, "topic");
    this.pollTimeout = pollTimeout;
    this.status = new LoopStatus(source);
    this.context = new LoopContext(source, status, () -> this.metrics, LOG, closing);
    this.poller =
        new LoopPoll<>(consumer, pollTimeout, new KafkaLink(consumer), kafkaBackoff, context);
    this.deliveries = new Deliveries(context);
  }

  /**
   * Group consumer properties from {@link KafkaClients#consumer}: the site's own properties
   * (security, timeouts) apply, but never weaken manual commits and {@code read_committed}.
   * Earliest offset for a new group, String keys, values decoded by {@code values}.
   */
  static Properties groupProperties(
      SiteConfig.Kafka kafka, String groupId, int maxPollRecords, Class<?> values) {
    Properties props =
        KafkaClients.consumer(
            kafka,
            groupId,
            Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                Integer.toString(maxPollRecords)));
    return withDeserializers(props, values);
  }

  /**
   * Reader properties from {@link KafkaClients#reader} (no group, read_committed) for {@link
   * #wholeTopic}; it never creates the topic.
   */
  static Properties readerProperties(SiteConfig.Kafka kafka, Class<?> values) {
    Properties props = KafkaClients.reader(kafka);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    return withDeserializers(props, values);
  }

  private static Properties withDeserializers(Properties props, Class<?> values) {
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, values.getName());
    return props;
  }

  /** Reads every partition from its beginning without a group, and commits nothing. */
  CommitAfterAckLoop<V> wholeTopic() {
    this.group = false;
    return this;
  }

  /** Set once, before {@link #run}. */
  CommitAfterAckLoop<V> handler(Handler<V> handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /** Polls no new records until every record taken so far is done. */
  CommitAfterAckLoop<V> batchAtATime() {
    this.batchAtATime = true;
    return this;
  }

  /** How long to wait for a PUBACK before sending a delivery again. Default 10 s. */
  CommitAfterAckLoop<V> ackTimeout(Duration timeout) {
    deliveries.ackTimeout(timeout);
    return this;
  }

  CommitAfterAckLoop<V> metrics(AlertsMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    return this;
  }

  AlertsMetrics metrics() {
    return metrics;
  }

  LoopStatus status() {
    return status;
  }

  /** Records committed so far that asked the broker for something. */
  long committedRecords() {
    return committedRecords;
  }

  /**
   * A message the loop sends now (or once the previous one of {@code key} is done), sends again
   * after a failure or an ack timeout, and reports to {@code onAck} on the loop thread, before the
   * commit. Of two deliveries of one key, the older is dropped unless already acknowledged: for a
   * retained topic only the newest counts. A null key orders nothing.
   */
  <T> Deliveries.Delivery<T> deliver(
      String key, Supplier<CompletableFuture<T>> send, Consumer<T> onAck) {
    return deliveries.add(key, send, onAck);
  }

  /**
   * Counts a refused PUBACK of {@code publish}, a message the handler sends itself; a refusal for
   * good ("not authorized") ends the loop at its next round.
   */
  <T> CompletableFuture<T> watch(CompletableFuture<T> publish) {
    return deliveries.watch(publish);
  }

  /**
   * Counts a refused PUBACK of {@code publish}, an optional extra that no record waits for: the
   * handler retries it, and even "not authorized" does not end the loop.
   */
  <T> CompletableFuture<T> countRefusal(CompletableFuture<T> publish) {
    return deliveries.countRefusal(publish, false);
  }

  @Override
  public void run() {
    Objects.requireNonNull(handler, "handler");
    started = true;
    Throwable failure = null;
    try {
      if (group) {
        consumer.subscribe(List.of(topic), new Rebalance());
      }
      status.running();
      while (!closed) {
        if (!group && consumer.assignment().isEmpty() && !assignAll()) {
          continue;
        }
        ConsumerRecords<String, V> records = holds() ? pausedPoll() : poller.poll();
        for (ConsumerRecord<String, V> r : records) {
          outstanding.add(
              new TopicPartition(r.topic(), r.partition()), r.offset(), handler.handle(r));
        }
        deliveries.throwIfRefusedForGood();
        handler.tick(false);
        if (!deliveries.await()) {
          return;
        }
        if (!batchAtATime || outstanding.allDone()) {
          settle(false);
        }
      }
    } catch (Throwable e) {
      if (!closed || !(e instanceof WakeupException)) {
        failure = e;
      }
    } finally {
      finish(failure);
    }
  }

  private void finish(Throwable failure) {
    try {
      if (failure == null) {
        handler.flush();
        if (!batchAtATime || outstanding.allDone()) {
          settle(true);
        }
      } else if (!closed) {
        LOG.error("{} loop failed; no more {} are published: {}", source, source, failure, failure);
        status.failed(failure);
      } else {
        LOG.debug("{} loop stopped with {}", source, failure.toString());
      }
    } catch (RuntimeException e) {
      LOG.debug("last {} offset commit failed: {}", source, e.toString());
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the {} consumer failed: {}", source, e.toString());
      } finally {
        status.stopped(); // no-op after a failure
        stopped.countDown();
      }
    }
  }

  private boolean holds() {
    return batchAtATime ? outstanding.size() > 0 : outstanding.size() >= MAX_OUTSTANDING;
  }

  /** Assigns every partition of the topic from its beginning; false (after a wait) when none. */
  private boolean assignAll() {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic);
    } catch (KafkaException e) {
      KafkaFailures.throwUnlessRetriable(e);
      context.retryAfterBackoff(
          "kafka metadata of " + topic + " failed", e, AlertsMetrics.KAFKA_POLL, kafkaBackoff);
      return false;
    }
    if (infos == null || infos.isEmpty()) {
      // Another service creates the topic; until then there is nothing to publish, which is no
      // fault of ours: stay ready, look again later.
      if (!waitingLogged) {
        waitingLogged = true;
        LOG.info("topic {} does not exist yet; {} starts once it does", topic, source);
      }
      await(Backoff.DEFAULT_MAX);
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

  /**
   * Reports what was acknowledged, then commits each partition up to its first record not done.
   *
   * @param last at close: one commit attempt, no retries
   */
  private void settle(boolean last) {
    deliveries.report();
    Outstanding.Done done = outstanding.commitable();
    if (!group || done.offsets().isEmpty()) {
      return;
    }
    if (last) {
      try {
        consumer.commitSync(done.offsets(), Duration.ofSeconds(5));
      } catch (WakeupException e) {
        // The close's wakeup was still pending; it is used up now.
        consumer.commitSync(done.offsets(), Duration.ofSeconds(5));
      }
      committedRecords += done.records();
    } else {
      commit(done.offsets(), done.records());
    }
  }

  /**
   * Commits, retrying what may pass (a timeout, a lost coordinator) until it succeeds, the
   * partitions move to another member or the loop closes.
   */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, int records) {
    Backoff backoff = Backoff.defaults();
    while (!closed) {
      try {
        consumer.commitSync(offsets);
        committedRecords += records;
        if (backoff.attempts() > 0) {
          LOG.info("{} offset commit succeeded after {} retries", source, backoff.attempts());
        }
        status.running();
        return;
      } catch (CommitFailedException | RebalanceInProgressException e) {
        // The partitions moved to another member, which re-reads from the last commit.
        LOG.warn(
            "{} offset commit failed after a rebalance; records may be published again: {}",
            source,
            e.getMessage());
        status.running();
        return;
      } catch (KafkaException e) {
        KafkaFailures.throwUnlessRetriable(e);
        context.retryAfterBackoff(
            source + " offset commit failed", e, AlertsMetrics.KAFKA_COMMIT, backoff);
        revoked.clear();
        pausedPoll();
        offsets.keySet().removeAll(revoked);
        if (offsets.isEmpty()) {
          status.running();
          return;
        }
      }
    }
  }

  /**
   * Polls with every partition paused, so waiting for the broker does not evict the loop from its
   * group; returns nothing.
   */
  private ConsumerRecords<String, V> pausedPoll() {
    holding = true;
    try {
      consumer.pause(consumer.assignment());
      ConsumerRecords<String, V> stray = consumer.poll(batchAtATime ? Duration.ZERO : pollTimeout);
      // Records can only come from a partition assigned and not yet paused: rewind to re-read them.
      Map<TopicPartition, Long> first = new HashMap<>();
      for (ConsumerRecord<String, V> r : stray) {
        first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
      }
      first.forEach(consumer::seek);
    } catch (RecordDeserializationException e) {
      consumer.seek(e.topicPartition(), e.offset());
    } catch (KafkaException e) {
      KafkaFailures.throwUnlessRetriable(e);
      LOG.debug("{} poll while waiting failed: {}", source, e.toString()); // retried anyway
    } finally {
      consumer.resume(consumer.paused());
      holding = false;
    }
    return ConsumerRecords.empty();
  }

  private void await(Duration delay) {
    try {
      closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops {@link #run} and waits up to 10 s for it to close the consumer. */
  @Override
  public void close() {
    closed = true;
    closing.countDown();
    consumer.wakeup();
    if (started) {
      try {
        if (!stopped.await(10, TimeUnit.SECONDS)) {
          LOG.warn("{} loop did not stop within 10 s", source);
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
      outstanding.drop(partitions);
      deliveries.forgetDropped();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      revoked.removeAll(partitions);
      if (holding) {
        consumer.pause(partitions);
      }
    }
  }
}
