package dev.vigil.deploy.bench;

import dev.vigil.inference.FrameAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bare model's phase: decode + inference in a tight loop on the JPEGs the pipeline carries,
 * once before the pipeline (to size its backlog) and then between the pipeline's windows with the
 * processor paused. Writes {@code bare_model} in the details. Not thread-safe.
 */
final class BarePhase {
  private static final Logger LOG = LoggerFactory.getLogger(BarePhase.class);

  private final BenchContext ctx;
  private final FrameAnalyzer model;
  private final List<byte[]> jpegs;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final List<Object> between = new ArrayList<>();
  private final List<Map<String, Object>> cpuBetween = new ArrayList<>();

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
    details.put("fps_between_pipeline_windows", between);
    ctx.details.put("bare_model", details);
    return bare.fps();
  }

  /** Runs the bare model for one window and records nothing: the JIT's warm-up for it. */
  void warmUp() throws InterruptedException {
    measure();
  }

  /**
   * Measures the bare model again, with the processor paused, between the pipeline's windows.
   * Appends to {@code fps_between_pipeline_windows}; {@code cpu_by_thread_group_cores_between} is
   * the mean of those windows' CPU tables, to set beside the pipeline's.
   */
  BareModel.Result between() throws InterruptedException {
    BareModel.Result bare = measure();
    LOG.info("bench: bare model between pipeline windows: {} fps", BenchContext.fmt(bare.fps()));
    between.add(BenchReport.round(bare.fps(), 2));
    cpuBetween.add(bare.cpu());
    details.put("cpu_by_thread_group_cores_between", BenchStats.meanByKey(cpuBetween));
    return bare;
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
