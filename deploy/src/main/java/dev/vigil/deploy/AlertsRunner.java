package dev.vigil.deploy;

import dev.vigil.alerts.AlertsService;
import dev.vigil.alerts.MqttAlertPublisher;
import dev.vigil.alerts.PublishedAlert;
import dev.vigil.alerts.PublisherOptions;
import dev.vigil.alerts.StatePublisher;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Runs the alerts side on two threads over one MQTT connection: {@code vigil.violations} to {@code
 * <camera>/violations} (commit after PUBACK), and {@code vigil.observations} to the retained {@code
 * <camera>/state} (plus Home Assistant discovery when enabled).
 */
public final class AlertsRunner implements AutoCloseable {
  static final String GROUP_ID = "vigil-alerts";
  static final String STATE_GROUP_ID = "vigil-alerts-state";
  private final MqttAlertPublisher publisher;
  private final AlertsService service;
  private final StatePublisher state;
  private final Thread thread;
  private final Thread stateThread;

  /**
   * @param persistenceDir MQTT client persistence (unacknowledged QoS 1 messages), or null for
   *     memory
   * @param listener told of each published alert
   */
  public AlertsRunner(SiteConfig site, Path persistenceDir, Consumer<PublishedAlert> listener) {
    this(
        site,
        persistenceDir,
        listener,
        StatePublisher.Options.defaults().withHomeAssistant(site.mqtt().homeAssistant()));
  }

  /**
   * @param stateOptions state topic interval and Home Assistant discovery ({@code
   *     StatePublisher.Options.defaults().withHomeAssistant(true)} turns discovery on)
   */
  AlertsRunner(
      SiteConfig site,
      Path persistenceDir,
      Consumer<PublishedAlert> listener,
      StatePublisher.Options stateOptions) {
    PublisherOptions options = PublisherOptions.of(site.site(), site.mqtt());
    if (persistenceDir != null) {
      options = options.withPersistenceDir(persistenceDir);
    }
    this.publisher = MqttAlertPublisher.connect(options);
    try {
      Properties props =
          AlertsService.consumerProperties(site.kafka().bootstrapServers(), GROUP_ID);
      props.putAll(site.kafka().properties());
      KafkaConsumer<String, Violation> consumer = new KafkaConsumer<>(props);
      this.service =
          new AlertsService(consumer, publisher, site.topics().violations()).onPublished(listener);
      Properties stateProps =
          StatePublisher.consumerProperties(site.kafka().bootstrapServers(), STATE_GROUP_ID);
      stateProps.putAll(site.kafka().properties());
      // A new state group starts from the retained observations, so the retained state is the
      // newest answer rather than whatever arrives after the first assignment.
      stateProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      KafkaConsumer<String, Observation> stateConsumer = new KafkaConsumer<>(stateProps);
      this.state =
          new StatePublisher(stateConsumer, publisher, site.topics().observations(), stateOptions);
    } catch (RuntimeException e) {
      publisher.close();
      throw e;
    }
    this.thread = new Thread(service, "vigil-alerts");
    this.stateThread = new Thread(state, "vigil-alerts-state");
  }

  public AlertsRunner start() {
    stateThread.start();
    thread.start();
    return this;
  }

  void join() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() {
    service.close();
    state.close();
    try {
      thread.join(30_000);
      stateThread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
  }
}
