package dev.vigil.processor;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.SiteConfig;
import dev.vigil.processor.dashboard.VigilMetrics;
import dev.vigil.processor.scene.AudioWindow;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the two audio inputs share: a record failing the {@link InputCheck} or unreadable goes to
 * the dead-letter topic, and a readable one's features join the camera's audio window, where {@link
 * SceneProcessor} meets them with frames. Subclasses read one form of audio.
 */
abstract class AudioInputProcessor implements Processor<String, byte[], String, Object> {
  private final VigilMetrics metrics;
  private final InputCheck check;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, AudioWindow> store;

  AudioInputProcessor(VigilMetrics metrics, Map<String, SiteConfig.Camera> cameras) {
    this.metrics = metrics;
    this.check = new InputCheck(cameras);
  }

  @Override
  public final void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(VigilTopology.AUDIO_STORE);
  }

  @Override
  public final void process(Record<String, byte[]> record) {
    DeadLetters.Reason problem = check.problem(record, context.currentSystemTimeMs());
    if (problem != null) {
      DeadLetters.send(context, metrics, record, problem);
      return;
    }
    read(record);
  }

  /**
   * Reads a record that passed the input check: {@link #remember} its features, or {@link #reject}
   * it.
   */
  abstract void read(Record<String, byte[]> record);

  /** Sends {@code record} to the dead-letter topic as {@code bad_audio}, saying what was wrong. */
  final void reject(Record<String, byte[]> record, String detail) {
    DeadLetters.send(context, metrics, record, new DeadLetters.Reason("bad_audio", detail));
  }

  /** Adds one snippet's features to the camera's audio window. */
  final void remember(String camera, long start, long durationMs, AudioFeatures features) {
    AudioWindow window = store.get(camera);
    AudioWindow.Snippet snippet = new AudioWindow.Snippet(start, start + durationMs, features);
    store.put(camera, (window == null ? new AudioWindow(null) : window).with(snippet));
  }
}
