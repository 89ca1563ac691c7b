package dev.vigil.processor;

import dev.vigil.config.VigilHeaders;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.processor.dashboard.SnapshotStore;
import dev.vigil.processor.dashboard.VigilMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes each frame and runs the model. A frame that cannot be decoded, or lacks a camera id, goes
 * to the dead-letter topic with a reason, and processing goes on with the next frame.
 */
final class PerceiveProcessor implements Processor<String, byte[], String, Object> {
  static final String NAME = "perceive";
  private final FrameAnalyzer analyzer;
  private final VigilMetrics metrics;
  private final SnapshotStore snapshots;
  private ProcessorContext<String, Object> context;

  PerceiveProcessor(FrameAnalyzer analyzer, VigilMetrics metrics, SnapshotStore snapshots) {
    this.analyzer = analyzer;
    this.metrics = metrics;
    this.snapshots = snapshots;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String camera = record.key();
    metrics.framesIn(camera == null ? "" : camera);
    if (camera == null || camera.isBlank()) {
      metrics.frameDropped("", "no-camera");
      DeadLetters.send(context, record, "frame has no camera id: the record key is empty");
      return;
    }
    if (record.value() == null || record.value().length == 0) {
      metrics.frameDropped(camera, "empty");
      DeadLetters.send(context, record, "frame is empty: the value holds no JPEG bytes");
      return;
    }
    FrameAnalysis analysis;
    try {
      analysis = analyzer.analyze(record.value());
    } catch (UndecodableFrameException e) {
      metrics.frameDropped(camera, "undecodable");
      DeadLetters.send(context, record, "frame cannot be decoded: " + e.getMessage());
      return;
    }
    snapshots.offer(camera, record.value(), analysis.people(), record.timestamp());
    long seq = VigilHeaders.getLong(record.headers(), VigilHeaders.SEQ, -1);
    DetectedFrame frame =
        new DetectedFrame(
            seq, analysis.width(), analysis.height(), analysis.people(), analysis.timingsMs());
    context.forward(record.withValue((Object) frame).withKey(camera), SceneProcessor.NAME);
  }
}
