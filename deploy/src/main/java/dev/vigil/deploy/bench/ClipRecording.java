package dev.vigil.deploy.bench;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What one camera's edge agent sends for a clip: the real agent decodes it, samples it, applies the
 * motion gate and encodes the JPEGs once, into memory. Replaying this for many cameras puts the
 * agents' work where a plant has it, on the camera hosts, and not in the processor's CPU.
 */
final class ClipRecording {
  /** One frame record, {@code offsetMs} after the recording's first. */
  record Frame(long offsetMs, byte[] jpeg, Headers headers) {}

  private final List<Frame> frames;
  private final long lengthMs;
  private final double skipFraction;

  private ClipRecording(List<Frame> frames, long lengthMs, double skipFraction) {
    this.frames = frames;
    this.lengthMs = lengthMs;
    this.skipFraction = skipFraction;
  }

  /** Runs the agent over the whole clip, as fast as it decodes, and keeps its frame records. */
  static ClipRecording record(Path clip, Topics topics, double fps, double motionThreshold)
      throws InterruptedException {
    MockProducer<String, byte[]> sink =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    SiteConfig.Camera cam =
        new SiteConfig.Camera("recording", clip.toString(), fps, 10, motionThreshold, 0, List.of());
    EdgeAgent agent = new EdgeAgent(List.of(cam), sink, topics, AgentOptions.defaults());
    agent.start();
    try {
      while (!Fleet.ended(agent.stats())) {
        Thread.sleep(20);
      }
    } finally {
      agent.close();
    }
    List<Frame> frames = new ArrayList<>();
    long first = -1;
    long last = 0;
    for (ProducerRecord<String, byte[]> r : sink.history()) {
      if (!r.topic().equals(topics.frames())) {
        continue;
      }
      first = first < 0 ? r.timestamp() : first;
      last = r.timestamp() - first;
      frames.add(new Frame(last, r.value(), r.headers()));
    }
    if (frames.isEmpty()) {
      throw new IllegalStateException("the agent sent no frame for " + clip);
    }
    // The clip plays again one sampling interval after its last frame.
    return new ClipRecording(
        List.copyOf(frames), last + Math.round(1000 / fps), Fleet.skipFraction(agent.stats()));
  }

  List<Frame> frames() {
    return frames;
  }

  /** Time from the first frame until the clip starts again. */
  long lengthMs() {
    return lengthMs;
  }

  /** Frames the motion gate skipped, over the frames that passed fps sampling. */
  double skipFraction() {
    return skipFraction;
  }
}
