package dev.vigil.processor;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilHeaders;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.processor.dashboard.SnapshotStore;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.vlm.VlmDispatcher;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes each frame and runs the model. A frame that cannot be decoded, has an invalid camera id
 * or a timestamp far in the future goes to the dead-letter topic with a reason, and processing goes
 * on with the next frame.
 */
final class PerceiveProcessor implements Processor<String, byte[], String, Object> {
  static final String NAME = "perceive";
  private final FrameAnalyzer analyzer;
  private final VigilMetrics metrics;
  private final SnapshotStore snapshots;
  private final InputCheck check;
  private final Map<String, SiteConfig.Camera> cameras;
  private final VlmDispatcher vlm;
  private ProcessorContext<String, Object> context;

  PerceiveProcessor(
      FrameAnalyzer analyzer,
      VigilMetrics metrics,
      SnapshotStore snapshots,
      Map<String, SiteConfig.Camera> cameras) {
    this(analyzer, metrics, snapshots, cameras, null);
  }

  /**
   * @param vlm holds each camera's latest frame for the multimodal model to be asked about, or null
   *     when the site has no model
   */
  PerceiveProcessor(
      FrameAnalyzer analyzer,
      VigilMetrics metrics,
      SnapshotStore snapshots,
      Map<String, SiteConfig.Camera> cameras,
      VlmDispatcher vlm) {
    this.vlm = vlm;
    this.analyzer = analyzer;
    this.metrics = metrics;
    this.snapshots = snapshots;
    this.check = new InputCheck(cameras);
    this.cameras = cameras;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    DeadLetters.Reason problem = check.problem(record, context.currentSystemTimeMs());
    if (problem != null) {
      // An invalid id is not a camera: count it under no camera label, never as a new series.
      drop(record, problem.code().equals("bad_camera_id") ? "" : record.key(), problem);
      return;
    }
    String camera = record.key();
    metrics.framesIn(camera);
    if (record.value() == null || record.value().length == 0) {
      drop(
          record,
          camera,
          new DeadLetters.Reason("empty", "frame is empty: the value holds no JPEG bytes"));
      return;
    }
    FrameAnalysis analysis;
    try {
      SiteConfig.Camera config = cameras.get(camera);
      // Heads smaller than the camera's min_head_px are shown but not judged (0: model default).
      analysis = analyzer.analyze(record.value(), config == null ? 0 : config.minHeadPx());
    } catch (UndecodableFrameException e) {
      drop(
          record,
          camera,
          new DeadLetters.Reason(
              "undecodable", "frame cannot be decoded: " + e.getMessage(), e.getClass()));
      return;
    }
    analysis.timingsMs().forEach((stage, ms) -> metrics.stage(stage, ms / 1000.0));
    snapshots.offer(camera, record.value(), analysis.people(), record.timestamp());
    if (vlm != null) {
      vlm.frame(camera, record.timestamp(), record.value());
    }
    long seq = VigilHeaders.getLong(record.headers(), VigilHeaders.SEQ, -1);
    DetectedFrame frame =
        new DetectedFrame(
            seq, analysis.width(), analysis.height(), analysis.people(), analysis.timingsMs());
    context.forward(record.withValue((Object) frame).withKey(camera), SceneProcessor.NAME);
  }

  private void drop(Record<String, byte[]> record, String camera, DeadLetters.Reason reason) {
    metrics.frameDropped(camera, reason.code());
    DeadLetters.send(context, metrics, record, reason);
  }
}
