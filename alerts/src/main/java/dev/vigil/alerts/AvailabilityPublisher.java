package dev.vigil.alerts;

import dev.vigil.config.CameraStatus;
import dev.vigil.config.Ids;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * {@code offline}, is skipped and counted. Each batch is published a batch at a time by a {@link
 * CommitAfterAckLoop} (the newest status of each camera wins) and retried with a {@link Backoff}
 * until the broker acknowledges it; errors that cannot pass end {@link #run} and fail {@link
 * #status()}.
 *
 * <p>Ownership and lifecycle: owns the consumer (closed when {@link #run} returns), not the
 * publisher. Run it on one thread; {@link #close} from any thread stops it.
 */
public final class AvailabilityPublisher extends LoopService<CameraStatus, AvailabilityPublisher> {
  private static final Logger LOG = LoggerFactory.getLogger(AvailabilityPublisher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final MqttAlertPublisher publisher;
  private final Consumer<CameraStatus> listener;

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
    super(new CommitAfterAckLoop<>(consumer, AlertsMetrics.CAMERA_STATUS, topic, POLL_TIMEOUT));
    loop.handler(this::handle).wholeTopic().batchAtATime();
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Reader properties from {@link KafkaClients#reader} (no group, read_committed), String keys and
   * {@code CameraStatus} JSON values; it never creates the topic.
   */
  public static Properties consumerProperties(SiteConfig.Kafka kafka) {
    return CommitAfterAckLoop.readerProperties(kafka, CameraStatusDeserializer.class);
  }

  /** Publishes a valid status (a tombstone clears the retained topic); skips and counts others. */
  private List<CommitAfterAckLoop.Ack> handle(ConsumerRecord<String, CameraStatus> r) {
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
      loop.metrics().skipped(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_CAMERA_ID);
      return List.of();
    }
    if (s != null && !s.online() && !CameraStatus.OFFLINE.equals(s.availability())) {
      LOG.error(
          "skipping camera status of {} at offset {}: availability {} is neither {} nor {}",
          camera,
          r.offset(),
          Ids.show(s.availability()),
          CameraStatus.ONLINE,
          CameraStatus.OFFLINE);
      loop.metrics().skipped(AlertsMetrics.CAMERA_STATUS, AlertsMetrics.INVALID_VALUE);
      return List.of();
    }
    String payload = s == null ? "" : s.availability();
    // Keyed by camera: a newer status replaces an older one not yet sent (the newest wins).
    return List.of(
        loop.deliver(
            camera,
            () -> publisher.publishRetained(publisher.availabilityTopic(camera), payload),
            ok -> {
              loop.metrics().published(AlertsMetrics.CAMERA_STATUS);
              if (s != null) {
                listener.accept(s);
              }
            }));
  }
}
