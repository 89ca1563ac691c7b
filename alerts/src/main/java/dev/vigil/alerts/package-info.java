/**
 * Alerts: consumes {@code vigil.violations} from Kafka and publishes them over MQTT v5 (Eclipse
 * Paho) at QoS 1 with a persistent session and a retained {@code status} topic whose last will is
 * {@code offline}. Kafka offsets are committed only after the broker's PUBACK, so nothing is lost;
 * duplicates are possible (at-least-once) and carry the same deterministic violation id.
 *
 * <p>This is the only package that imports {@code org.eclipse.paho}.
 */
package dev.vigil.alerts;
