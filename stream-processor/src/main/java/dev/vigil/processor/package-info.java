/**
 * The Kafka Streams application: decodes frames, runs the model, joins audio to frames per camera,
 * answers standing prompts and applies temporal rules. The topology is built by {@link
 * dev.vigil.processor.VigilTopology#build}, so it can be tested without a broker.
 */
package dev.vigil.processor;
