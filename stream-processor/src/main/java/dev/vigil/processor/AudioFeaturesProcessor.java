package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Json;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.scene.AudioWindow;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the audio features computed on camera hosts ({@code vigil.audio-features}, the default
 * {@code audio: features}) in the camera's audio window, as {@link AudioProcessor} does for raw
 * PCM: prompts about sound answer the same in both modes. A record that is not valid features JSON
 * goes to the dead-letter topic.
 */
final class AudioFeaturesProcessor implements Processor<String, byte[], String, Object> {
  static final String NAME = "audio-features";

  /** The snippet length assumed when a record does not say (the agent's snippets are 1 s). */
  static final long DEFAULT_DURATION_MS = 1000;

  private final VigilMetrics metrics;
  private final InputCheck check;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, AudioWindow> store;

  AudioFeaturesProcessor(VigilMetrics metrics, Map<String, SiteConfig.Camera> cameras) {
    this.metrics = metrics;
    this.check = new InputCheck(cameras);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(VigilTopology.AUDIO_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    DeadLetters.Reason problem = check.problem(record, context.currentSystemTimeMs());
    if (problem != null) {
      DeadLetters.send(context, metrics, record, problem);
      return;
    }
    AudioFeatures features;
    try {
      features = Json.fromBytes(record.value(), AudioFeatures.class);
    } catch (RuntimeException e) {
      features = null;
    }
    long durationMs =
        VigilHeaders.getLong(record.headers(), VigilHeaders.DURATION_MS, DEFAULT_DURATION_MS);
    if (features == null || !Double.isFinite(features.laeqDbfs()) || durationMs <= 0) {
      DeadLetters.send(
          context,
          metrics,
          record,
          new DeadLetters.Reason(
              "bad_audio",
              "audio features are not {\"laeq_dbfs\":number,\"alarm\":bool,\"impulse\":bool}"
                  + " JSON with a positive vigil.duration.ms"));
      return;
    }
    AudioProcessor.remember(store, record.key(), record.timestamp(), durationMs, features);
  }
}
