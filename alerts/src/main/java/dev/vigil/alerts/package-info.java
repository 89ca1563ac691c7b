/**
 * Alerts: Kafka to MQTT v5 (Eclipse Paho). {@link dev.vigil.alerts.AlertsService} consumes {@code
 * vigil.violations} and publishes them at QoS 1 with a persistent session and a retained {@code
 * status} topic whose last will is {@code offline}; Kafka offsets are committed only after the
 * broker's PUBACK, so nothing is lost, and duplicates (at-least-once) carry the same deterministic
 * violation id. {@link dev.vigil.alerts.StatePublisher} consumes {@code vigil.observations} and
 * keeps each camera's retained {@code state} topic current, optionally with Home Assistant MQTT
 * discovery. {@link dev.vigil.alerts.AvailabilityPublisher} republishes {@code vigil.camera-status}
 * as the retained {@code <camera>/availability}. All three are handlers of one {@link
 * dev.vigil.alerts.CommitAfterAckLoop}, which commits a record only after the broker acknowledged
 * it and every earlier record of its partition. Each loop reports a {@link
 * dev.vigil.alerts.LoopStatus} and counts into {@link dev.vigil.alerts.AlertsMetrics}; errors that
 * may pass are retried with one {@link dev.vigil.alerts.Backoff}, the rest fail the loop so that
 * the process exits. The contract is in {@code docs/MQTT.md}.
 *
 * <p>This is the only package that imports {@code org.eclipse.paho}.
 */
package dev.vigil.alerts;
