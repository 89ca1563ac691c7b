package dev.vigil.deploy.bench;

import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The bare model: decode and inference only, in a tight loop over the same JPEG frames the pipeline
 * carries, on as many threads as the processor has stream threads.
 */
final class BareModel {
  private BareModel() {}

  /**
   * Frames per second, the mean per-frame stage timings in ms, and the cores each thread group of
   * the process used over the window ({@link ThreadCpu#cores}).
   */
  record Result(
      double fps,
      long frames,
      double decodeMs,
      double preprocessMs,
      double modelMs,
      Map<String, Object> cpu) {}

  static Result measure(
      FrameAnalyzer model, List<byte[]> jpegs, int threads, Duration warmup, Duration window)
      throws InterruptedException {
    if (jpegs.isEmpty()) {
      throw new IllegalStateException("no frames to measure the bare model on");
    }
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong frames = new AtomicLong();
    DoubleAdder decode = new DoubleAdder();
    DoubleAdder preprocess = new DoubleAdder();
    DoubleAdder inference = new DoubleAdder();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread w =
          new Thread(
              () -> {
                for (int i = offset; running.get(); i += threads) {
                  FrameAnalysis a = model.analyze(jpegs.get(i % jpegs.size()));
                  if (counting.get()) {
                    frames.incrementAndGet();
                    decode.add(a.timingsMs().getOrDefault("decode", 0.0));
                    preprocess.add(a.timingsMs().getOrDefault("preprocess", 0.0));
                    inference.add(a.timingsMs().getOrDefault("model", 0.0));
                  }
                }
              },
              "vigil-bench-bare-" + t);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
    Thread.sleep(warmup.toMillis());
    ThreadCpu.Snapshot cpu0 = ThreadCpu.snapshot();
    counting.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(window.toMillis());
    counting.set(false);
    ThreadCpu.Snapshot cpu1 = ThreadCpu.snapshot();
    long n = frames.get();
    double seconds = (System.nanoTime() - t0) / 1e9;
    running.set(false);
    for (Thread w : workers) {
      w.join(30_000);
    }
    double d = Math.max(1, n);
    return new Result(
        n / seconds,
        n,
        decode.sum() / d,
        preprocess.sum() / d,
        inference.sum() / d,
        ThreadCpu.cores(cpu0, cpu1));
  }
}
