package dev.vigil.deploy.bench;

import dev.vigil.config.VigilHeaders;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Realtime cameras that send a {@link ClipRecording} on the wall clock, each under its own id and
 * each starting at its own point of the clip, spread evenly over it, from one thread: the load the
 * processor sees from as many edge agents, without their decoding in this process. Not thread-safe
 * apart from the counters.
 */
final class ReplayFleet implements AutoCloseable {
  private record Due(long nanos, int camera, int frame, long seq, long loopStartNanos)
      implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      return Long.compare(nanos, o.nanos);
    }
  }

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final ClipRecording recording;
  private final List<String> cameras;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  ReplayFleet(
      Producer<String, byte[]> producer,
      String topic,
      ClipRecording recording,
      List<String> cameras) {
    this.producer = producer;
    this.topic = topic;
    this.recording = recording;
    this.cameras = List.copyOf(cameras);
  }

  void start() {
    running = true;
    thread = new Thread(this::loop, "vigil-bench-agent-replay");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    List<ClipRecording.Frame> frames = recording.frames();
    long lengthNs = TimeUnit.MILLISECONDS.toNanos(recording.lengthMs());
    long t0 = System.nanoTime();
    PriorityQueue<Due> queue = new PriorityQueue<>();
    for (int i = 0; i < cameras.size(); i++) {
      int first = firstFrame(i);
      long loopStart = t0 - TimeUnit.MILLISECONDS.toNanos(phaseMs(i));
      if (first == frames.size()) {
        first = 0;
        loopStart += lengthNs;
      }
      long at = loopStart + TimeUnit.MILLISECONDS.toNanos(frames.get(first).offsetMs());
      queue.add(
          new Due(at, i, first, 0, loopStart)); // at >= t0: frame first is at or past the phase
    }
    while (running && !queue.isEmpty()) {
      Due d = queue.poll();
      long wait = d.nanos - System.nanoTime();
      while (running && wait > 0) {
        LockSupport.parkNanos(wait);
        wait = d.nanos - System.nanoTime();
      }
      if (!running) {
        break;
      }
      send(cameras.get(d.camera), d.seq, frames.get(d.frame));
      int next = d.frame + 1;
      long loopStart = d.loopStartNanos;
      if (next == frames.size()) {
        next = 0;
        loopStart += lengthNs;
      }
      long at = loopStart + TimeUnit.MILLISECONDS.toNanos(frames.get(next).offsetMs());
      queue.add(new Due(at, d.camera, next, d.seq + 1, loopStart));
    }
  }

  /**
   * Where in the clip camera {@code i} starts: the cameras are spread evenly over it. Independent
   * cameras do not see people at the same moments; cameras all at the start of the clip would pass
   * the motion gate together and offer their whole load in the clip's busy seconds.
   */
  long phaseMs(int i) {
    return recording.lengthMs() * i / cameras.size();
  }

  /**
   * The first frame camera {@code i} sends: the first at or after its phase, or the number of
   * frames when there is none (it starts with the clip's next loop).
   */
  int firstFrame(int i) {
    List<ClipRecording.Frame> frames = recording.frames();
    for (int f = 0; f < frames.size(); f++) {
      if (frames.get(f).offsetMs() >= phaseMs(i)) {
        return f;
      }
    }
    return frames.size();
  }

  private void send(String camera, long seq, ClipRecording.Frame f) {
    RecordHeaders headers = new RecordHeaders(f.headers().toArray());
    VigilHeaders.put(headers, VigilHeaders.CAMERA, camera);
    VigilHeaders.put(headers, VigilHeaders.SEQ, seq);
    try {
      producer.send(
          new ProducerRecord<>(topic, null, System.currentTimeMillis(), camera, f.jpeg(), headers),
          (meta, error) -> (error == null ? sent : failed).incrementAndGet());
    } catch (RuntimeException e) {
      failed.incrementAndGet();
    }
  }

  long sent() {
    return sent.get();
  }

  /** Frames the producer could not send: a camera would have lost them. */
  long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.flush();
  }
}
