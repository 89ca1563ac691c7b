/**
 * The shared contract of Vigil: the site configuration model and its loader, Kafka topic and header
 * names, and the JSON records that travel between stages ({@link dev.vigil.config.Observation},
 * {@link dev.vigil.config.Violation}, {@link dev.vigil.config.PromptSpec}) with their serdes.
 *
 * <p>This package depends on nothing else in the project.
 */
package dev.vigil.config;
