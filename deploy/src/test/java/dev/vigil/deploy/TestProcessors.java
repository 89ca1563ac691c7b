package dev.vigil.deploy;

import dev.vigil.config.SiteConfig;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.processor.ProcessorApp;
import java.util.Map;

/** Processors for tests that give perception a stand-in and need no camera settings. */
final class TestProcessors {
  private TestProcessors() {}

  /**
   * A processor, not started, on {@code site}'s Kafka and topics with {@code analyzer} as
   * perception, the built-in audio analyzer, no per-camera settings and no VLM.
   */
  static ProcessorApp of(SiteConfig site, FrameAnalyzer analyzer, ProcessorApp.Options options) {
    return new ProcessorApp(
        site.kafka(),
        site.topics(),
        Map.of(),
        analyzer,
        () -> new AudioAnalyzer()::analyze,
        options,
        null);
  }
}
