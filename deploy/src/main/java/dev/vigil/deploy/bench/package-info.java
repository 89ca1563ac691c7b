/**
 * {@code vigil bench}: throughput and latency of the whole pipeline on embedded brokers, side by
 * side with the bare model measured in the same process and run. Owns the measuring pieces only
 * (bare model loop, consumer-lag probe, MQTT latency subscriber, statistics); the pipeline itself
 * is composed from the public parts of the other modules.
 */
package dev.vigil.deploy.bench;
