/**
 * The in-process brokers of the single-machine mode: {@link
 * dev.vigil.deploy.embedded.EmbeddedKafka} (an Apache Kafka broker in KRaft mode, combined broker
 * and controller) and {@link dev.vigil.deploy.embedded.EmbeddedMqtt} (HiveMQ CE embedded). Both
 * bind to loopback only, start in a few seconds, log at WARN unless asked otherwise, and are {@link
 * AutoCloseable}.
 *
 * <p>This package owns broker lifecycle and broker settings only; it knows nothing of Vigil's
 * topics or records beyond creating the topics it is told to create.
 */
package dev.vigil.deploy.embedded;
