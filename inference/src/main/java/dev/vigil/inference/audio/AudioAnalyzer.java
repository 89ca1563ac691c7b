package dev.vigil.inference.audio;

import dev.vigil.config.AudioFeatures;
import dev.vigil.inference.InferenceException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Audio features of one stream (one camera): A-weighted level, alarm and impulse per snippet.
 *
 * <p>Stateful: alarm and impulse decisions depend on earlier snippets of the same stream, so feed
 * snippets in capture order and keep one instance per camera. Not thread-safe. If the sample rate
 * changes between snippets the state is rebuilt for the new rate. Holds no native resources.
 */
public final class AudioAnalyzer {
  /** The rate files are decoded at, which is also the wire format of {@code vigil.audio}. */
  public static final int FILE_SAMPLE_RATE = 16000;

  /** The sample rates the analysis supports: A-weighting needs at least 8 kHz. */
  public static final int MIN_SAMPLE_RATE = 8000;

  public static final int MAX_SAMPLE_RATE = 384_000;

  /** True when {@link #analyze} takes audio at {@code sampleRate} Hz. */
  public static boolean supportsRate(long sampleRate) {
    return sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE;
  }

  private int sampleRate;
  private LevelMeter level;
  private AlarmDetector alarm;
  private ImpulseDetector impulse;

  /** Analyses one snippet of PCM s16 mono samples at {@code sampleRate} Hz. */
  public AudioFeatures analyze(short[] pcm, int sampleRate) {
    if (!supportsRate(sampleRate)) {
      throw new InferenceException(
          "audio sample rate "
              + sampleRate
              + " Hz is outside "
              + MIN_SAMPLE_RATE
              + ".."
              + MAX_SAMPLE_RATE
              + "; check vigil.rate");
    }
    if (sampleRate != this.sampleRate) {
      this.sampleRate = sampleRate;
      level = new LevelMeter(sampleRate);
      alarm = new AlarmDetector(sampleRate);
      impulse = new ImpulseDetector(sampleRate);
    }
    double[] x = new double[pcm.length];
    for (int i = 0; i < pcm.length; i++) {
      x[i] = pcm[i] / 32768.0;
    }
    return new AudioFeatures(level.laeqDbfs(x), alarm.process(x), impulse.process(x));
  }

  /**
   * Decodes the audio of any file FFmpeg reads (audio or video) at 16 kHz mono and analyses it in
   * one-second pieces; the last piece may be shorter.
   *
   * @throws InferenceException if the file is missing, cannot be decoded or has no audio stream
   */
  public static List<TimedFeatures> analyzeFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InferenceException("audio file not found: " + file);
    }
    AudioAnalyzer analyzer = new AudioAnalyzer();
    List<TimedFeatures> out = new ArrayList<>();
    short[] second = new short[FILE_SAMPLE_RATE];
    int filled = 0;
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.setSampleRate(FILE_SAMPLE_RATE);
      grabber.setAudioChannels(1);
      grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      grabber.start();
      if (grabber.getAudioStream() < 0 || grabber.getAudioChannels() <= 0) {
        throw new InferenceException(
            "file has no audio stream: " + file + "; analyze-audio needs a file with sound");
      }
      Frame frame;
      while ((frame = grabber.grabSamples()) != null) {
        if (frame.samples == null || frame.samples.length == 0) {
          continue;
        }
        // grab() reuses the frame's buffers: copy out before the next call.
        ShortBuffer buf = (ShortBuffer) frame.samples[0];
        buf.rewind();
        while (buf.hasRemaining()) {
          int n = Math.min(buf.remaining(), second.length - filled);
          buf.get(second, filled, n);
          filled += n;
          if (filled == second.length) {
            out.add(new TimedFeatures(out.size(), analyzer.analyze(second, FILE_SAMPLE_RATE)));
            filled = 0;
          }
        }
      }
      grabber.stop();
    } catch (FrameGrabber.Exception e) {
      throw new InferenceException("cannot decode audio of " + file + ": " + e.getMessage(), e);
    }
    if (filled > 0) {
      short[] rest = java.util.Arrays.copyOf(second, filled);
      out.add(new TimedFeatures(out.size(), analyzer.analyze(rest, FILE_SAMPLE_RATE)));
    }
    return out;
  }
}
