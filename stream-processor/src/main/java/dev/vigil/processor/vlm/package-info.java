/**
 * The multimodal-model route of the processor: deciding nothing about rules, it takes the requests
 * the rules make on the stream thread, calls the model off it (a bounded queue that drops the
 * oldest, at most {@code max_concurrent} calls, a minimum interval per camera on the camera's own
 * time, a daily budget, {@code Retry-After}), and produces every answer to {@code
 * vigil.vlm-answers}, where the rules read it back inside a transaction. It reads that topic back
 * too, every instance's answers: those are never asked again, and {@link
 * dev.vigil.processor.vlm.ModelHealth} decides each prompt's model status from them.
 */
package dev.vigil.processor.vlm;
