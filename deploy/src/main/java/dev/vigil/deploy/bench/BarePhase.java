package dev.vigil.deploy.bench;

import dev.vigil.inference.FrameAnalyzer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare model's phase: decode + inference in a tight loop on the JPEGs the pipeline carries,
 * once before the pipeline and once after it with the processor idle. Writes {@code bare_model} in
 * the details. Not thread-safe.
 */
final class BarePhase {
  private static final Logger LOG = LoggerFactory.getLogger(BarePhase.class);

  private final BenchContext ctx;
  private final FrameAnalyzer model;
  private final List<byte[]> jpegs;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private double before = Double.NaN;

  BarePhase(BenchContext ctx, FrameAnalyzer model, List<byte[]> jpegs) {
    this.ctx = ctx;
    this.model = model;
    this.jpegs = jpegs;
  }

  /** Measures the bare model before the pipeline runs; returns its fps. */
  double before() throws InterruptedException {
    BareModel.Result bare = measure();
    LOG.info(
        "bench: bare model {} fps on {} thread(s) (decode {} ms, preprocess {} ms, model {} ms)",
        BenchContext.fmt(bare.fps()),
        ctx.options.streamThreads(),
        BenchContext.fmt(bare.decodeMs()),
        BenchContext.fmt(bare.preprocessMs()),
        BenchContext.fmt(bare.modelMs()));
    details.put("threads", ctx.options.streamThreads());
    details.put("frames", bare.frames());
    details.put("decode_ms", BenchReport.round(bare.decodeMs(), 2));
    details.put("preprocess_ms", BenchReport.round(bare.preprocessMs(), 2));
    details.put("model_ms", BenchReport.round(bare.modelMs(), 2));
    details.put("fps_before_pipeline", BenchReport.round(bare.fps(), 2));
    ctx.details.put("bare_model", details);
    before = bare.fps();
    return before;
  }

  /**
   * Measures the bare model again, with the processor idle: this machine's speed drifts by tens of
   * percent over minutes, so the ratio's denominator is the mean of before and after.
   *
   * @return that mean
   */
  double meanWithAfter() throws InterruptedException {
    double after = measure().fps();
    LOG.info("bench: bare model again, after the pipeline: {} fps", BenchContext.fmt(after));
    details.put("fps_after_pipeline", BenchReport.round(after, 2));
    return (before + after) / 2;
  }

  private BareModel.Result measure() throws InterruptedException {
    boolean quick = ctx.options.quick();
    return BareModel.measure(
        model,
        jpegs,
        ctx.options.streamThreads(),
        Duration.ofSeconds(quick ? 2 : 4),
        Duration.ofSeconds(quick ? 5 : 15));
  }
}
