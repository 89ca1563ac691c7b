package dev.vigil.deploy.bench;

import dev.vigil.alerts.AlertsService;
import dev.vigil.alerts.MqttAlertPublisher;
import dev.vigil.alerts.PublisherOptions;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The alerts service ({@code vigil.violations} to MQTT) on its own thread, as {@code vigil demo}
 * runs it, with in-memory MQTT persistence. Owns its publisher, consumer and thread.
 */
final class BenchAlerts implements AutoCloseable {
  static final String GROUP_ID = "vigil-bench-alerts";
  private final MqttAlertPublisher publisher;
  private final AlertsService service;
  private final Thread thread;

  BenchAlerts(SiteConfig site) {
    this.publisher = MqttAlertPublisher.connect(PublisherOptions.of(site.site(), site.mqtt()));
    Properties props = AlertsService.consumerProperties(site.kafka().bootstrapServers(), GROUP_ID);
    props.putAll(site.kafka().properties());
    KafkaConsumer<String, Violation> consumer = new KafkaConsumer<>(props);
    this.service = new AlertsService(consumer, publisher, site.topics().violations());
    this.thread = new Thread(service, "vigil-bench-alerts");
    thread.setDaemon(true);
    thread.start();
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
