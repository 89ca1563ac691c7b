package dev.vigil.alerts;

import dev.vigil.config.Violation;

/**
 * One violation the MQTT broker has acknowledged (PUBACK received).
 *
 * @param topic the MQTT topic it was published to
 * @param violation the violation as read from Kafka
 * @param json the exact JSON payload sent: the violation's fields plus {@code site}
 */
public record PublishedAlert(String topic, Violation violation, String json) {}
