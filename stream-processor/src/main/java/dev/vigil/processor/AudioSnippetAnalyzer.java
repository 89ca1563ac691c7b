package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;

/**
 * Analyses consecutive audio snippets of one camera. Stateful (alarms span snippets), so the
 * processor keeps one per camera; not thread-safe.
 */
@FunctionalInterface
public interface AudioSnippetAnalyzer {
  AudioFeatures analyze(short[] pcm, int sampleRate);
}
