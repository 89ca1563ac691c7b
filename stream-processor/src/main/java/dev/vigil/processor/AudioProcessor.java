package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.scene.AudioWindow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Analyses each raw audio snippet (PCM s16le mono, sent only by cameras that opted into {@code
 * audio: pcm}) and keeps the camera's recent audio features in a store, where {@link
 * SceneProcessor} joins them to frames in event time. A snippet without a camera, with an odd byte
 * count or a bad rate goes to the dead-letter topic.
 */
final class AudioProcessor implements Processor<String, byte[], String, Object> {
  static final String NAME = "audio";
  static final int DEFAULT_RATE = 16_000;

  private final Supplier<AudioSnippetAnalyzer> analyzers;
  private final Map<String, AudioSnippetAnalyzer> perCamera = new HashMap<>();
  private final VigilMetrics metrics;
  private final InputCheck check;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, AudioWindow> store;

  AudioProcessor(
      Supplier<AudioSnippetAnalyzer> analyzers,
      VigilMetrics metrics,
      Map<String, SiteConfig.Camera> cameras) {
    this.analyzers = analyzers;
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
    String camera = record.key();
    byte[] pcm = record.value();
    if (pcm == null || pcm.length < 2 || pcm.length % 2 != 0) {
      DeadLetters.send(
          context,
          metrics,
          record,
          new DeadLetters.Reason(
              "bad_audio",
              "audio snippet is not PCM s16le: expected an even, non-zero byte count, got "
                  + (pcm == null ? 0 : pcm.length)));
      return;
    }
    long rate = VigilHeaders.getLong(record.headers(), VigilHeaders.RATE, DEFAULT_RATE);
    if (!AudioAnalyzer.supportsRate(rate)) {
      DeadLetters.send(
          context,
          metrics,
          record,
          new DeadLetters.Reason(
              "bad_audio",
              "audio snippet has an unusable vigil.rate header: "
                  + rate
                  + " Hz; the analysis takes "
                  + AudioAnalyzer.MIN_SAMPLE_RATE
                  + ".."
                  + AudioAnalyzer.MAX_SAMPLE_RATE));
      return;
    }
    short[] samples = new short[pcm.length / 2];
    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    AudioFeatures features =
        perCamera.computeIfAbsent(camera, c -> analyzers.get()).analyze(samples, (int) rate);
    remember(store, camera, record.timestamp(), samples.length * 1000L / rate, features);
  }

  /** Adds one snippet's features to the camera's audio window, where frames meet them. */
  static void remember(
      KeyValueStore<String, AudioWindow> store,
      String camera,
      long start,
      long durationMs,
      AudioFeatures features) {
    AudioWindow window = store.get(camera);
    AudioWindow.Snippet snippet = new AudioWindow.Snippet(start, start + durationMs, features);
    store.put(camera, (window == null ? new AudioWindow(null) : window).with(snippet));
  }
}
