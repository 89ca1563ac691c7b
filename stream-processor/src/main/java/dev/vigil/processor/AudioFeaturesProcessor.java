package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keeps the audio features computed on camera hosts ({@code vigil.audio-features}, the default
 * {@code audio: features}) in the camera's audio window, as {@link AudioProcessor} does for raw
 * PCM: prompts about sound answer the same in both modes. A record that is not valid features JSON
 * goes to the dead-letter topic.
 */
final class AudioFeaturesProcessor extends AudioInputProcessor {
  static final String NAME = "audio-features";

  /** The snippet length assumed when a record does not say (the agent's snippets are 1 s). */
  static final long DEFAULT_DURATION_MS = 1000;

  AudioFeaturesProcessor(VigilMetrics metrics, Map<String, SiteConfig.Camera> cameras) {
    super(metrics, cameras);
  }

  @Override
  void read(Record<String, byte[]> record) {
    AudioFeatures features;
    try {
      features = Json.fromBytes(record.value(), AudioFeatures.class);
    } catch (RuntimeException e) {
      features = null;
    }
    long durationMs =
        VigilHeaders.getLong(record.headers(), VigilHeaders.DURATION_MS, DEFAULT_DURATION_MS);
    if (features == null || !Double.isFinite(features.laeqDbfs()) || durationMs <= 0) {
      reject(
          record,
          "audio features are not {\"laeq_dbfs\":number,\"alarm\":bool,\"impulse\":bool}"
              + " JSON with a positive vigil.duration.ms");
      return;
    }
    remember(record.key(), record.timestamp(), durationMs, features);
  }
}
