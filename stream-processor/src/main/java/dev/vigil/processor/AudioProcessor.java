package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Analyses each raw audio snippet (PCM s16le mono, sent only by cameras that opted into {@code
 * audio: pcm}) and keeps the camera's recent audio features in a store, where {@link
 * SceneProcessor} joins them to frames in event time. A snippet without a camera, with an odd byte
 * count or a bad rate goes to the dead-letter topic.
 */
final class AudioProcessor extends AudioInputProcessor {
  static final String NAME = "audio";
  static final int DEFAULT_RATE = 16_000;

  private final Supplier<AudioSnippetAnalyzer> analyzers;
  private final Map<String, AudioSnippetAnalyzer> perCamera = new HashMap<>();

  AudioProcessor(
      Supplier<AudioSnippetAnalyzer> analyzers,
      VigilMetrics metrics,
      Map<String, SiteConfig.Camera> cameras) {
    super(metrics, cameras);
    this.analyzers = analyzers;
  }

  @Override
  void read(Record<String, byte[]> record) {
    String camera = record.key();
    byte[] pcm = record.value();
    if (pcm == null || pcm.length < 2 || pcm.length % 2 != 0) {
      reject(
          record,
          "audio snippet is not PCM s16le: expected an even, non-zero byte count, got "
              + (pcm == null ? 0 : pcm.length));
      return;
    }
    long rate = VigilHeaders.getLong(record.headers(), VigilHeaders.RATE, DEFAULT_RATE);
    if (!AudioAnalyzer.supportsRate(rate)) {
      reject(
          record,
          "audio snippet has an unusable vigil.rate header: "
              + rate
              + " Hz; the analysis takes "
              + AudioAnalyzer.MIN_SAMPLE_RATE
              + ".."
              + AudioAnalyzer.MAX_SAMPLE_RATE);
      return;
    }
    short[] samples = new short[pcm.length / 2];
    ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    AudioFeatures features =
        perCamera.computeIfAbsent(camera, c -> analyzers.get()).analyze(samples, (int) rate);
    remember(camera, record.timestamp(), samples.length * 1000L / rate, features);
  }
}
