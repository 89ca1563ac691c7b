package dev.vigil.deploy.video;

import dev.vigil.agent.capture.AgentClock;
import dev.vigil.agent.capture.AgentException;
import dev.vigil.agent.capture.Capture;
import dev.vigil.agent.capture.FrameSource;
import dev.vigil.agent.capture.FrameSources;
import dev.vigil.agent.pipeline.FrameSampler;
import dev.vigil.agent.pipeline.JpegEncoder;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.InferenceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs perception over a clip as a deployment would see it: the edge agent's own source, fps
 * sampler and JPEG encoder (quality {@link JpegEncoder#DEFAULT_QUALITY}), then the analyzer the
 * processor runs on each JPEG. No motion gate: every sampled frame is judged. Not thread-safe.
 */
public final class ClipRunner {

  private final FrameAnalyzer analyzer;
  private final double fps;
  private final int minHeadPx;
  private final FrameListener listener;
  private final LongSupplier nanoClock;

  /** Sees each analysed frame of a clip, for example to write its heads out. */
  @FunctionalInterface
  public interface FrameListener {
    /**
     * @param clip file name of the clip
     * @param tS seconds since the clip's first sampled frame
     * @param jpeg the frame as perception got it
     */
    void frame(String clip, double tS, byte[] jpeg, FrameAnalysis analysis);
  }

  /**
   * @param analyzer the perception to run, kept and closed by the caller
   * @param fps frames per second to sample, as a camera's {@code fps} setting
   * @param minHeadPx smallest head judged, as a camera's {@code min_head_px} (0 = model default)
   */
  public ClipRunner(FrameAnalyzer analyzer, double fps, int minHeadPx) {
    this(analyzer, fps, minHeadPx, (clip, t, jpeg, analysis) -> {});
  }

  /** As {@link #ClipRunner(FrameAnalyzer, double, int)}, telling a listener of every frame. */
  public ClipRunner(FrameAnalyzer analyzer, double fps, int minHeadPx, FrameListener listener) {
    this(analyzer, fps, minHeadPx, listener, System::nanoTime);
  }

  /** As above, timing perception with the given nanosecond clock. */
  ClipRunner(
      FrameAnalyzer analyzer,
      double fps,
      int minHeadPx,
      FrameListener listener,
      LongSupplier nanoClock) {
    this.analyzer = analyzer;
    this.fps = fps;
    this.minHeadPx = minHeadPx;
    this.listener = listener;
    this.nanoClock = nanoClock;
  }

  /** Runs one clip; a clip that cannot be decoded comes back with its error, never a throw. */
  public ClipResult run(Path clip) {
    String name = clip.getFileName().toString();
    List<FrameCount> frames = new ArrayList<>();
    long nanos = 0;
    String error = null;
    FrameSampler sampler = new FrameSampler(fps);
    try (FrameSource source =
            FrameSources.open(
                clip.toString(), fps, false, AgentClock.SYSTEM, Duration.ofSeconds(10));
        JpegEncoder encoder = new JpegEncoder()) {
      source.start();
      long first = Long.MIN_VALUE;
      Capture c;
      while ((c = source.grab()) != null) {
        if (!c.hasImage() || !sampler.accept(c.captureTimeMs())) {
          continue;
        }
        byte[] jpeg = encoder.encode(c.image());
        if (first == Long.MIN_VALUE) {
          first = c.captureTimeMs();
          // Untimed, as Evaluator's: the first call at a frame size pays TensorFlow's one-off
          // set-up for that input shape.
          analyzer.analyze(jpeg, minHeadPx);
        }
        long t0 = nanoClock.getAsLong();
        var analysis = analyzer.analyze(jpeg, minHeadPx);
        nanos += nanoClock.getAsLong() - t0;
        double tS = (c.captureTimeMs() - first) / 1000.0;
        listener.frame(name, tS, jpeg, analysis);
        frames.add(FrameCount.of(tS, analysis));
      }
      if (frames.isEmpty()) {
        error = "no video frames in " + clip;
      }
    } catch (AgentException | InferenceException e) {
      error = e.getMessage();
    }
    return new ClipResult(name, frames, nanos / 1e9, error);
  }
}
