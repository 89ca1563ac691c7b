package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Observation;
import dev.vigil.config.SiteConfig;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.scene.AudioWindow;
import dev.vigil.processor.scene.CameraState;
import dev.vigil.processor.scene.SceneTracker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns a detected frame into an {@link Observation}: tracks people, decides zones and joins the
 * camera's audio around the frame, and hands the observation to the rules.
 */
final class SceneProcessor implements Processor<String, DetectedFrame, String, Object> {
  static final String NAME = "scene";
  // A snippet is produced only once its second of audio is complete, so a frame may be processed
  // before the snippet it falls in; it then sees the previous one (alarms last for seconds).
  static final long AUDIO_TOLERANCE_MS = 1000;

  private final Map<String, SiteConfig.Camera> cameras;
  private final VigilMetrics metrics;
  private final SceneTracker tracker = SceneTracker.defaults();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, CameraState> cameraStates;
  private KeyValueStore<String, AudioWindow> audio;

  SceneProcessor(Map<String, SiteConfig.Camera> cameras, VigilMetrics metrics) {
    this.cameras = cameras;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.cameraStates = context.getStateStore(VigilTopology.CAMERA_STATE_STORE);
    this.audio = context.getStateStore(VigilTopology.AUDIO_STORE);
  }

  @Override
  public void process(Record<String, DetectedFrame> record) {
    long t0 = System.nanoTime();
    String camera = record.key();
    DetectedFrame frame = record.value();
    CameraState state = cameraStates.get(camera);
    if (state == null) {
      state = CameraState.initial();
    }
    SiteConfig.Camera config = cameras.get(camera);
    List<SiteConfig.Zone> zones = config == null ? List.of() : config.zones();
    SceneTracker.Result result = tracker.step(state, record.timestamp(), frame.people(), zones);
    cameraStates.put(camera, result.state());

    AudioWindow window = audio.get(camera);
    AudioFeatures around =
        window == null ? null : window.around(record.timestamp(), AUDIO_TOLERANCE_MS);
    Observation observation =
        new Observation(
            Observation.SCHEMA,
            camera,
            frame.seq(),
            record.timestamp(),
            frame.width(),
            frame.height(),
            result.people(),
            around,
            frame.timingsMs(),
            null);
    metrics.stage("tracking", (System.nanoTime() - t0) / 1e9);
    // The rules add each prompt's answer and emit the observation.
    context.forward(record.withValue((Object) observation), RuleProcessor.NAME);
  }
}
