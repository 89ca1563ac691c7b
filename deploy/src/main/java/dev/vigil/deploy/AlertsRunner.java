package dev.vigil.deploy;

import dev.vigil.alerts.AlertsService;
import dev.vigil.alerts.MqttAlertPublisher;
import dev.vigil.alerts.PublishedAlert;
import dev.vigil.alerts.PublisherOptions;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Runs the alerts service on its own thread: {@code vigil.violations} to MQTT. */
final class AlertsRunner implements AutoCloseable {
  static final String GROUP_ID = "vigil-alerts";
  private final MqttAlertPublisher publisher;
  private final AlertsService service;
  private final Thread thread;

  AlertsRunner(SiteConfig site, Path persistenceDir, Consumer<PublishedAlert> listener) {
    PublisherOptions options = PublisherOptions.of(site.site(), site.mqtt());
    if (persistenceDir != null) {
      options = options.withPersistenceDir(persistenceDir);
    }
    this.publisher = MqttAlertPublisher.connect(options);
    Properties props = AlertsService.consumerProperties(site.kafka().bootstrapServers(), GROUP_ID);
    props.putAll(site.kafka().properties());
    KafkaConsumer<String, Violation> consumer = new KafkaConsumer<>(props);
    this.service =
        new AlertsService(consumer, publisher, site.topics().violations()).onPublished(listener);
    this.thread = new Thread(service, "vigil-alerts");
  }

  AlertsRunner start() {
    thread.start();
    return this;
  }

  void join() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() {
    service.close();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publisher.close();
  }
}
