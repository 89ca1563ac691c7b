package dev.vigil.deploy;

import dev.vigil.alerts.AlertsHealth;
import dev.vigil.alerts.AlertsInstance;
import dev.vigil.alerts.AlertsMetrics;
import dev.vigil.alerts.AlertsService;
import dev.vigil.alerts.AvailabilityPublisher;
import dev.vigil.alerts.LoopStatus;
import dev.vigil.alerts.MqttAlertPublisher;
import dev.vigil.alerts.PublishedAlert;
import dev.vigil.alerts.PublisherOptions;
import dev.vigil.alerts.StatePublisher;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the alerts side on three threads over one MQTT connection: {@code vigil.violations} to
 * {@code <camera>/violations} (commit after PUBACK), {@code vigil.observations} to the retained
 * {@code <camera>/state} (plus Home Assistant discovery when enabled), and {@code
 * vigil.camera-status} to the retained {@code <camera>/availability}.
 *
 * <p>Consumer groups derive from the site ({@code vigil-<site>-alerts}, {@code
 * vigil-<site>-alerts-state}), so several sites share one Kafka cluster; the MQTT client id ends in
 * the {@link AlertsInstance}, so several alerts processes of one site share one broker.
 *
 * <p>{@link #failed()} completes exceptionally as soon as any loop fails for good (or its thread
 * dies): the command then exits non-zero so systemd or Kubernetes restarts it.
 */
public final class AlertsRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertsRunner.class);

  private final MqttAlertPublisher publisher;
  private final ServiceMetrics registry = ServiceMetrics.withJvm();
  private final AlertsMetrics metrics = new AlertsMetrics(registry);
  private final List<KafkaClientMetrics> kafkaMetrics = new ArrayList<>();
  private final AlertsService service;
  private final StatePublisher state;
  private final AvailabilityPublisher availability;
  private final List<Thread> threads = new ArrayList<>();
  private final CompletableFuture<Void> failed = new CompletableFuture<>();
  private volatile boolean closing;

  /** The violations consumer group of {@code site}. */
  static String groupId(SiteConfig site) {
    return KafkaClients.id(site.site(), "alerts");
  }

  /** The observations (state) consumer group of {@code site}. */
  static String stateGroupId(SiteConfig site) {
    return KafkaClients.id(site.site(), "alerts-state");
  }

  /**
   * @param persistenceDir MQTT client persistence (unacknowledged QoS 1 messages), or null for
   *     memory
   * @param listener told of each published alert
   */
  public AlertsRunner(SiteConfig site, Path persistenceDir, Consumer<PublishedAlert> listener) {
    this(site, persistenceDir, listener, AlertsInstance.fromEnvironment());
  }

  /**
   * @param instance the suffix of the MQTT client id that tells this process apart from other
   *     alerts processes of the site (see {@link AlertsInstance}); null for none
   */
  public AlertsRunner(
      SiteConfig site, Path persistenceDir, Consumer<PublishedAlert> listener, String instance) {
    this(
        site,
        persistenceDir,
        listener,
        StatePublisher.Options.defaults().withHomeAssistant(site.mqtt().homeAssistant()),
        instance);
  }

  /**
   * @param stateOptions state topic interval and Home Assistant discovery ({@code
   *     StatePublisher.Options.defaults().withHomeAssistant(true)} turns discovery on)
   * @param instance the suffix of the MQTT client id that tells this process apart from other
   *     alerts processes of the site; null for none
   */
  AlertsRunner(
      SiteConfig site,
      Path persistenceDir,
      Consumer<PublishedAlert> listener,
      StatePublisher.Options stateOptions,
      String instance) {
    PublisherOptions options = PublisherOptions.of(site.site(), site.mqtt()).withInstance(instance);
    if (persistenceDir != null) {
      options = options.withPersistenceDir(persistenceDir);
    }
    AlertsGroupMigration.run(site);
    this.publisher = MqttAlertPublisher.connect(options);
    try {
      KafkaConsumer<String, Violation> consumer =
          new KafkaConsumer<>(AlertsService.consumerProperties(site.kafka(), groupId(site)));
      this.service =
          new AlertsService(consumer, publisher, site.topics().violations())
              .onPublished(listener)
              .metrics(metrics);
      KafkaConsumer<String, Observation> stateConsumer =
          new KafkaConsumer<>(StatePublisher.consumerProperties(site.kafka(), stateGroupId(site)));
      this.state =
          new StatePublisher(stateConsumer, publisher, site.topics().observations(), stateOptions)
              .metrics(metrics);
      state.listenToHomeAssistant(
          site.cameras().stream()
              .map(SiteConfig.Camera::id)
              .collect(java.util.stream.Collectors.toSet()));
      KafkaConsumer<String, CameraStatus> statusConsumer =
          new KafkaConsumer<>(AvailabilityPublisher.consumerProperties(site.kafka()));
      this.availability =
          new AvailabilityPublisher(
                  statusConsumer, publisher, site.topics().cameraStatus(), state::availability)
              .metrics(metrics);
      bindKafkaMetrics(consumer, stateConsumer, statusConsumer);
    } catch (RuntimeException e) {
      publisher.close();
      registry.close();
      throw e;
    }
    Gauge.builder("vigil.alerts.live", this, r -> r.health().live() ? 1 : 0)
        .description("1 while no alerts loop has failed.")
        .register(registry.registry());
    Gauge.builder("vigil.alerts.ready", this, r -> r.health().ready() ? 1 : 0)
        .description("1 while live, connected to MQTT and nothing retrying.")
        .register(registry.registry());
    threads.add(thread(state, "vigil-alerts-state", state.status()));
    threads.add(thread(availability, "vigil-alerts-availability", availability.status()));
    threads.add(thread(service, "vigil-alerts", service.status()));
  }

  private void bindKafkaMetrics(KafkaConsumer<?, ?>... consumers) {
    for (KafkaConsumer<?, ?> c : consumers) {
      KafkaClientMetrics m = new KafkaClientMetrics(c);
      m.bindTo(registry.registry());
      kafkaMetrics.add(m);
    }
  }

  /** A thread whose end, unless asked for by {@link #close}, fails the runner. */
  private Thread thread(Runnable loop, String name, LoopStatus status) {
    Thread t =
        new Thread(
            () -> {
              try {
                loop.run();
              } finally {
                if (!closing) {
                  Throwable why = status.failure();
                  failed.completeExceptionally(
                      why != null
                          ? why
                          : new IllegalStateException("thread " + name + " ended unexpectedly"));
                }
              }
            },
            name);
    t.setUncaughtExceptionHandler(
        (th, e) -> {
          LOG.error("thread {} died", th.getName(), e);
          failed.completeExceptionally(e);
        });
    return t;
  }

  public AlertsRunner start() {
    threads.forEach(Thread::start);
    return this;
  }

  /**
   * Completes exceptionally, with the cause, when a loop failed for good or its thread ended while
   * nobody closed the runner; never completes normally.
   */
  public CompletableFuture<Void> failed() {
    return failed;
  }

  /** Live and ready, with one line per loop and for the MQTT connection. */
  public AlertsHealth health() {
    AlertsHealth h =
        AlertsHealth.of(
            publisher, List.of(service.status(), state.status(), availability.status()));
    if (failed.isCompletedExceptionally() && h.live()) {
      return new AlertsHealth(false, false, h.checks());
    }
    return h;
  }

  /**
   * The counters of every loop, on the registry that also holds the consumers' {@code kafka_*}, the
   * JVM's and the {@code vigil_alerts_live} and {@code _ready} meters.
   */
  public AlertsMetrics metrics() {
    return metrics;
  }

  /** The MQTT client id in use (site base plus instance). */
  String clientId() {
    return publisher.clientId();
  }

  @Override
  public void close() {
    closing = true;
    // Before the loops close their consumers, so no refresh reads a closed client.
    kafkaMetrics.forEach(KafkaClientMetrics::close);
    service.close();
    state.close();
    availability.close();
    try {
      for (Thread t : threads) {
        t.join(30_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
    registry.close();
  }
}
