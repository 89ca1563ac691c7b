package dev.vigil.alerts;

import dev.vigil.config.Ids;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves violations from Kafka to MQTT without losing any: for each poll it publishes every record,
 * waits for every PUBACK, and only then commits the offsets ({@link CommitAfterAckLoop}, a batch at
 * a time). While the broker is down it keeps retrying the same records, with the partitions paused
 * so the consumer stays in its group. Delivery is at-least-once; a retried record carries the same
 * deterministic violation id.
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
public final class AlertsService extends LoopService<Violation, AlertsService> {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsService.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final MqttAlertPublisher publisher;
  private Consumer<PublishedAlert> listener = alert -> {};

  /**
   * @param consumer a consumer configured like {@link #consumerProperties}; not yet subscribed
   * @param publisher a connected publisher, closed by the caller after this service
   * @param topic the violations topic, usually {@code Topics.violations()}
   */
  public AlertsService(
      org.apache.kafka.clients.consumer.Consumer<String, Violation> consumer,
      MqttAlertPublisher publisher,
      String topic) {
    super(new CommitAfterAckLoop<>(consumer, AlertsMetrics.VIOLATIONS, topic, POLL_TIMEOUT));
    loop.handler(this::handle).batchAtATime();
    this.publisher = Objects.requireNonNull(publisher, "publisher");
  }

  /**
   * Consumer properties from {@link KafkaClients#consumer}: the site's own properties (security,
   * timeouts) apply, but never weaken manual commits and {@code read_committed}. Earliest offset
   * for a new group, String keys and {@code Violation} JSON values.
   */
  public static Properties consumerProperties(SiteConfig.Kafka kafka, String groupId) {
    return CommitAfterAckLoop.groupProperties(kafka, groupId, 100, ViolationDeserializer.class);
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
    loop.ackTimeout(timeout);
    return this;
  }

  /** How many records this service has committed so far (for tests and metrics). */
  public long committedRecords() {
    return loop.committedRecords();
  }

  /** Publishes a valid violation; skips (and counts) one that can never or should not alert. */
  private List<CommitAfterAckLoop.Ack> handle(ConsumerRecord<String, Violation> record) {
    Violation v = record.value();
    AlertsMetrics metrics = loop.metrics();
    if (v == null) {
      LOG.warn(
          "ignoring tombstone at {}-{}@{}", record.topic(), record.partition(), record.offset());
      return List.of();
    }
    if (!Ids.valid(v.camera())) {
      // It would publish to a wildcard or an extra topic level: skip it and commit past it.
      LOG.error(
          "skipping violation {} at {}-{}@{}: camera id {} is invalid (use {})",
          v.id(),
          record.topic(),
          record.partition(),
          record.offset(),
          Ids.show(v.camera()),
          Ids.RULE);
      metrics.skipped(AlertsMetrics.VIOLATIONS, AlertsMetrics.INVALID_CAMERA_ID);
      return List.of();
    }
    if (Violation.State.REJECTED.equals(v.state())) {
      // The model rejected it under verify: vlm, mode gate: kept on Kafka as a trace, no alert.
      LOG.info("not alerting violation {}: rejected by the model", v.id());
      metrics.skipped(AlertsMetrics.VIOLATIONS, AlertsMetrics.REJECTED_BY_MODEL);
      return List.of();
    }
    return List.of(
        loop.deliver(
            null,
            () -> publisher.publish(v),
            alert -> {
              metrics.published(AlertsMetrics.VIOLATIONS);
              listener.accept(alert);
            }));
  }
}
