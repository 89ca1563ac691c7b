/**
 * The multimodal model. Loads and converts pretrained vision models, perceives people, heads and
 * helmets, analyses audio, and answers prompts over a {@link dev.vigil.inference.Scene}. Only this
 * module imports {@code org.tensorflow}; it knows nothing of Kafka.
 */
package dev.vigil.inference;
