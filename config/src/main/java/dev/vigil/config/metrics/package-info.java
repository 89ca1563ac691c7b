/**
 * The metrics registry every Vigil service serves at {@code /metrics}: Micrometer's Prometheus
 * registry with the JVM's meters bound ({@link dev.vigil.config.metrics.ServiceMetrics}). Each
 * service names its own meters; Kafka client meters are bound where the clients are made.
 */
package dev.vigil.config.metrics;
