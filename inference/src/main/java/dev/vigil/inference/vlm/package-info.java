/**
 * The client of a multimodal model behind an OpenAI-compatible chat-completions endpoint (Ollama,
 * llama.cpp's server, vLLM, LocalAI, OpenAI, Gemini's compatible endpoint). Owns the wire format,
 * the fixed instruction that demands a JSON answer, the strict reading of that answer (anything
 * else is {@code unknown}, never yes), and the image sent. Knows nothing of Kafka or of when to
 * ask: that is the processor's.
 */
package dev.vigil.inference.vlm;
