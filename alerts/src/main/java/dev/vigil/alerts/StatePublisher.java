package dev.vigil.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Ids;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code <prefix><camera>/state} current: it consumes {@code vigil.observations} and
 * publishes each camera's counts and prompt answers as a retained QoS 1 message, only when they
 * change and at most once per {@link Options#minInterval} per camera, always ending on the latest
 * state. With {@link Options#homeAssistant} it also publishes retained Home Assistant discovery
 * configs the first time it sees a camera or a prompt on it.
 *
 * <p>Delivery: state is idempotent (the latest message replaces the retained one), so this service
 * may skip observations, but it commits an observation's offset only once the broker acknowledged
 * that camera's state as of that observation or newer ({@link CommitAfterAckLoop}, pipelined: it
 * polls on while states are in flight or held back). A restart forgets what it published, so the
 * first observation of each camera is published again, and so are discovery configs. A publish that
 * fails is retried with the latest state; a refused one is counted, and "not authorized" ends
 * {@link #run}. Observations older than the last one seen for a camera (a replay after a rebalance)
 * are ignored.
 *
 * <p>Each state also carries the camera's {@code availability} once {@link #availability} has told
 * it (from {@code vigil.camera-status}). An observation whose camera id breaks {@link Ids} is
 * skipped and counted. Kafka errors that may pass are retried with a {@link Backoff}; anything else
 * ends {@link #run} and fails {@link #status()}.
 *
 * <p>Ownership and lifecycle: the service owns the Kafka consumer (it closes it when {@link #run}
 * returns) but not the publisher, which it may share with an {@link AlertsService}. Run it on one
 * thread; {@link #close} from any thread publishes what is pending (waiting up to 5 s for the
 * PUBACKs), stops it and waits for {@link #run} to return. Not otherwise thread-safe.
 */
public final class StatePublisher extends LoopService<Observation, StatePublisher> {
  private static final Logger LOG = LoggerFactory.getLogger(StatePublisher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final long IN_FLIGHT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long FLUSH_TIMEOUT_MS = 5_000;
  private static final List<CommitAfterAckLoop.Ack> NOTHING = List.of();
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * What the state publisher does besides the state topic. Immutable.
   *
   * @param minInterval the shortest time between two state messages of one camera; a change within
   *     it is held back and published when it ends (the latest one wins)
   * @param homeAssistant whether to publish Home Assistant MQTT discovery configs
   * @param discoveryPrefix Home Assistant's discovery prefix, without a trailing {@code /}
   */
  public record Options(Duration minInterval, boolean homeAssistant, String discoveryPrefix) {
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_DISCOVERY_PREFIX = "homeassistant";

    public Options {
      minInterval = minInterval == null ? DEFAULT_MIN_INTERVAL : minInterval;
      if (minInterval.isNegative()) {
        throw new AlertsException(
            "the state topic's minimum interval must be >= 0: " + minInterval);
      }
      discoveryPrefix =
          discoveryPrefix == null || discoveryPrefix.isBlank()
              ? DEFAULT_DISCOVERY_PREFIX
              : discoveryPrefix.replaceAll("/+$", "");
    }

    /** At most one state message per camera per second; no Home Assistant discovery. */
    public static Options defaults() {
      return new Options(DEFAULT_MIN_INTERVAL, false, DEFAULT_DISCOVERY_PREFIX);
    }

    /** A copy that publishes (or not) Home Assistant discovery configs. */
    public Options withHomeAssistant(boolean enabled) {
      return new Options(minInterval, enabled, discoveryPrefix);
    }

    /** A copy with another Home Assistant discovery prefix (default {@code homeassistant}). */
    public Options withDiscoveryPrefix(String prefix) {
      return new Options(minInterval, homeAssistant, prefix);
    }

    /** A copy with another minimum interval between two state messages of one camera. */
    public Options withMinInterval(Duration interval) {
      return new Options(interval, homeAssistant, discoveryPrefix);
    }
  }

  private final MqttAlertPublisher publisher;
  private final Options options;
  private final LongSupplier nanoClock;
  private final HomeAssistantDiscovery discovery;
  private final Map<String, Camera> cameras = new HashMap<>();

  /** Each camera's availability, written by the availability thread, read on ticks. */
  private final Map<String, String> availability = new ConcurrentHashMap<>();

  /** Invalid camera ids already logged, so a chatty bad camera logs once (bounded). */
  private final Set<String> loggedInvalid = new HashSet<>();

  /** Set by Home Assistant's {@code online} (on Paho's thread): announce every device again. */
  private final java.util.concurrent.atomic.AtomicBoolean rediscover =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Retained device configs of cameras no longer configured (from Paho's thread). */
  private final java.util.Queue<String> staleDevices =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Discovery configs not yet acknowledged, by topic; a later config for a topic replaces it. */
  private final Map<String, Retained> discoveryOutbox = new LinkedHashMap<>();

  private volatile long publishedStates;
  private volatile long publishedDiscoveries;

  /**
   * @param consumer a consumer configured like {@link #consumerProperties}; not yet subscribed
   * @param publisher a connected publisher, closed by the caller after this service
   * @param topic the observations topic, usually {@code Topics.observations()}
   * @param options interval and Home Assistant discovery
   */
  public StatePublisher(
      Consumer<String, Observation> consumer,
      MqttAlertPublisher publisher,
      String topic,
      Options options) {
    this(consumer, publisher, topic, options, System::nanoTime);
  }

  StatePublisher(
      Consumer<String, Observation> consumer,
      MqttAlertPublisher publisher,
      String topic,
      Options options,
      LongSupplier nanoClock) {
    super(new CommitAfterAckLoop<>(consumer, AlertsMetrics.OBSERVATIONS, topic, POLL_TIMEOUT));
    loop.handler(
        new CommitAfterAckLoop.Handler<>() {
          @Override
          public List<CommitAfterAckLoop.Ack> handle(ConsumerRecord<String, Observation> record) {
            return record.value() == null ? NOTHING : observe(record.value());
          }

          @Override
          public void tick(boolean force) {
            StatePublisher.this.tick(force);
          }

          @Override
          public void flush() {
            StatePublisher.this.flush();
          }
        });
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.options = Objects.requireNonNull(options, "options");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.discovery =
        options.homeAssistant()
            ? new HomeAssistantDiscovery(options.discoveryPrefix(), publisher.site(), publisher)
            : null;
  }

  /**
   * Consumer properties from {@link KafkaClients#consumer}: read_committed and manual commits
   * whatever the site's properties say, String keys and {@code Observation} JSON values. A new
   * group starts from the earliest retained observation, so the retained state ends on the newest
   * answer rather than on whatever arrives after the first assignment. Use a group of its own, not
   * the violations' group.
   */
  public static Properties consumerProperties(SiteConfig.Kafka kafka, String groupId) {
    return CommitAfterAckLoop.groupProperties(kafka, groupId, 500, ObservationDeserializer.class);
  }

  /**
   * Records a camera's availability; the next tick republishes its state with it. Thread-safe: the
   * availability loop calls it.
   */
  public void availability(CameraStatus camera) {
    if (camera != null && Ids.valid(camera.camera()) && camera.availability() != null) {
      availability.put(camera.camera(), camera.availability());
    }
  }

  /** How many state messages the broker has acknowledged so far (for tests and metrics). */
  public long publishedStates() {
    return publishedStates;
  }

  /** How many discovery configs the broker has acknowledged so far (for tests and metrics). */
  public long publishedDiscoveries() {
    return publishedDiscoveries;
  }

  /**
   * Takes one observation in: remembers its state and queues discovery for what is new. Returns
   * what the observation waits for: its camera's state, as of it or newer, acknowledged.
   */
  List<CommitAfterAckLoop.Ack> observe(Observation o) {
    if (!Ids.valid(o.camera())) {
      loop.metrics().skipped(AlertsMetrics.OBSERVATIONS, AlertsMetrics.INVALID_CAMERA_ID);
      if (loggedInvalid.size() < 100 && loggedInvalid.add(String.valueOf(o.camera()))) {
        LOG.error(
            "skipping observations of camera {}: the id is invalid (use {}); logged once",
            Ids.show(o.camera()),
            Ids.RULE);
      }
      return NOTHING;
    }
    Camera camera = cameras.computeIfAbsent(o.camera(), Camera::new);
    if (camera.latest != null && o.timestamp() < camera.timestamp) {
      return NOTHING; // replayed or out of order: the retained state is already newer
    }
    ObjectNode content = StatePayload.content(o);
    if (!content.equals(camera.latest)) {
      camera.generation++;
    }
    camera.latest = content;
    camera.timestamp = o.timestamp();
    long generation = camera.generation;
    if (discovery != null) {
      boolean changed = !camera.announced;
      for (Map.Entry<String, Observation.PromptAnswer> e : o.answers().entrySet()) {
        String text = e.getValue().text();
        // Announced again when a prompt appears or its text changes, so names follow prompts.
        if (!camera.announcedPrompts.containsKey(e.getKey())
            || !Objects.equals(camera.announcedPrompts.get(e.getKey()), text)) {
          camera.announcedPrompts.put(e.getKey(), text);
          changed = true;
        }
      }
      if (changed) {
        if (!camera.announced) {
          // Earlier versions announced one entity per topic: clear them, once per camera.
          for (String legacy :
              discovery.legacyTopics(o.camera(), camera.announcedPrompts.keySet())) {
            announce(legacy, "");
          }
        }
        camera.announced = true;
        announceDevice(camera);
      }
    }
    return List.of(() -> camera.ackedGeneration >= generation);
  }

  private void announceDevice(Camera camera) {
    announce(
        discovery.deviceTopic(camera.id),
        discovery.deviceConfig(camera.id, camera.announcedPrompts));
  }

  /**
   * Starts listening for Home Assistant's restarts (it asks for discovery again by publishing
   * {@code online} to {@code <prefix>/status}) and for this site's retained device configs, so a
   * device whose camera left {@code configured} is removed. Call once, before the loop starts.
   *
   * @param configured the site's cameras; when empty, no device is removed
   */
  public void listenToHomeAssistant(Set<String> configured) {
    if (discovery == null) {
      return;
    }
    publisher.subscribe(
        discovery.homeAssistantStatusTopic(),
        (t, m) -> {
          if ("online"
              .equals(new String(m.getPayload(), java.nio.charset.StandardCharsets.UTF_8))) {
            rediscover.set(true);
          }
        });
    if (configured.isEmpty()) {
      return;
    }
    Set<String> keep = new HashSet<>();
    configured.forEach(c -> keep.add(discovery.deviceTopic(c)));
    publisher.subscribe(
        discovery.deviceFilter(),
        (t, m) -> {
          boolean ours = t.startsWith(discovery.devicePrefix());
          if (ours && m.isRetained() && m.getPayload().length > 0 && !keep.contains(t)) {
            staleDevices.add(t);
          }
        });
  }

  private void announce(String topic, String payload) {
    discoveryOutbox.put(topic, new Retained(payload));
  }

  /**
   * Sends what is due: discovery configs not yet acknowledged, and each camera's latest state when
   * it differs from the one last sent and its interval has passed ({@code force} ignores the
   * interval).
   */
  void tick(boolean force) {
    long now = nanoClock.getAsLong();
    if (discovery != null) {
      if (rediscover.getAndSet(false)) {
        cameras.values().stream().filter(c -> c.announced).forEach(this::announceDevice);
      }
      for (String stale; (stale = staleDevices.poll()) != null; ) {
        LOG.info("removing Home Assistant device {}: its camera left the site's config", stale);
        announce(stale, "");
      }
    }
    for (Map.Entry<String, Retained> e : new ArrayList<>(discoveryOutbox.entrySet())) {
      Retained r = e.getValue();
      if (r.future != null && r.future.isDone()) {
        if (r.future.isCompletedExceptionally()) {
          if (now - r.sentAt < RETRY_NANOS && !force) {
            continue;
          }
          loop.metrics().retried(AlertsMetrics.MQTT_PUBLISH);
          r.future = null; // resent below
        } else {
          discoveryOutbox.remove(e.getKey());
          publishedDiscoveries++;
          continue;
        }
      }
      if (r.future == null || now - r.sentAt > IN_FLIGHT_TIMEOUT_NANOS) {
        // Discovery is optional: an ACL without the discovery prefix must not stop the state.
        r.future = loop.countRefusal(publisher.publishRetained(e.getKey(), r.payload));
        r.sentAt = now;
      }
    }
    for (Camera camera : cameras.values()) {
      camera.tick(now, force);
    }
  }

  /** Publishes every pending state and discovery config and waits up to 5 s for the PUBACKs. */
  private void flush() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_TIMEOUT_MS);
    tick(true);
    while (System.nanoTime() < deadline && pending()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      tick(true);
    }
    if (pending()) {
      LOG.warn("closing with state or discovery messages not acknowledged by the MQTT broker");
    }
  }

  private boolean pending() {
    if (!discoveryOutbox.isEmpty()) {
      return true;
    }
    for (Camera c : cameras.values()) {
      if (c.inFlight != null || !Objects.equals(c.current(), c.sent)) {
        return true;
      }
    }
    return false;
  }

  /** One discovery config and its publish. */
  private static final class Retained {
    final String payload;
    CompletableFuture<Void> future;
    long sentAt;

    Retained(String payload) {
      this.payload = payload;
    }
  }

  /** What is known and sent of one camera. */
  private final class Camera {
    final String id;
    final Map<String, String> announcedPrompts = new HashMap<>();
    boolean announced;
    ObjectNode latest;
    long timestamp;

    /** The content last sent; null when nothing was sent or the last send failed. */
    ObjectNode sent;

    CompletableFuture<Void> inFlight;
    long sentAt;
    boolean everSent;

    /** Counts changes of {@link #latest}; what was sent, and what the broker acknowledged. */
    long generation;

    long sentGeneration;
    long ackedGeneration;

    Camera(String id) {
      this.id = id;
    }

    /** What the retained state should say now: the latest content and the availability. */
    ObjectNode current() {
      return latest == null ? null : StatePayload.withAvailability(latest, availability.get(id));
    }

    void tick(long now, boolean force) {
      if (inFlight != null) {
        if (inFlight.isDone()) {
          if (LoopStatus.failureOf(inFlight) instanceof MqttRefusedException r
              && r.unrecoverable()) {
            return; // sending again cannot help: the loop ends at its next check
          }
          if (inFlight.isCompletedExceptionally()) {
            sent = null; // send the latest again
            loop.metrics().retried(AlertsMetrics.MQTT_PUBLISH);
          } else {
            publishedStates++;
            ackedGeneration = Math.max(ackedGeneration, sentGeneration);
            loop.metrics().published(AlertsMetrics.OBSERVATIONS);
          }
          inFlight = null;
        } else if (now - sentAt > IN_FLIGHT_TIMEOUT_NANOS) {
          sent = null;
          inFlight = null;
        } else {
          return;
        }
      }
      ObjectNode current = current();
      if (current != null && current.equals(sent)) {
        // Nothing in flight and the last send acknowledged: the retained state already says this.
        ackedGeneration = generation;
        return;
      }
      if (current == null) {
        return;
      }
      if (!force && everSent && now - sentAt < options.minInterval().toNanos()) {
        return;
      }
      String json = StatePayload.json(publisher.site(), id, timestamp, current);
      inFlight = loop.watch(publisher.publishRetained(publisher.stateTopic(id), json));
      sentGeneration = generation;
      sent = current;
      sentAt = now;
      everSent = true;
    }
  }
}
