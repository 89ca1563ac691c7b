package dev.vigil.agent;

import dev.vigil.agent.capture.Capture;
import dev.vigil.agent.capture.FfmpegSource;
import dev.vigil.agent.capture.FrameSource;
import dev.vigil.agent.capture.FrameSources;
import dev.vigil.agent.pipeline.AudioChunker;
import dev.vigil.agent.pipeline.FrameSampler;
import dev.vigil.agent.pipeline.JpegEncoder;
import dev.vigil.agent.pipeline.MotionGate;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.Secrets;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.inference.audio.AudioAnalyzer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the edge agent: one capture thread per camera (open, grab, sample, motion-gate, encode, cut
 * audio) and one sender thread that hands records to Kafka, so a slow broker never stalls capture:
 * when the bounded send queue is full, frames are dropped and counted.
 *
 * <p>Files and image folders are read once and then end ({@link AgentListener#onSourceEnded},
 * {@link #awaitSourcesEnded}); they are not retried when they fail. Live sources (rtsp, http, V4L2)
 * are reopened after any failure or end of stream, with exponential backoff and jitter.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} once. Ownership: the producer
 * belongs to the caller and is not closed here. Thread safety: {@link #stats()}, {@link
 * #awaitSourcesEnded} and {@link #close()} may be called from any thread.
 *
 * <p>With a {@link DiskSpool}, a record that Kafka cannot take (a retriable error: unreachable,
 * timed out, no leader) goes to the spool, and so does every record after it while the spool holds
 * anything, so each camera's records reach Kafka in capture order. A replay thread sends the spool
 * back, oldest segment first, retrying with the live-source backoff, and the agent sends directly
 * again once it is empty. Without a spool such records are logged and counted as send errors.
 * Records Kafka refuses for good (too large, not authorised) are counted as send errors either way.
 */
public final class EdgeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeAgent.class);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);
  // A trailing audio remainder shorter than this is noise for the audio models; drop it.
  private static final double MIN_TAIL_AUDIO_S = 0.5;

  private final List<SiteConfig.Camera> cameras;
  private final AgentProducer producer;
  private final AgentOptions options;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final BlockingQueue<Outgoing> queue;
  private final AtomicLong pending = new AtomicLong();
  private final CountDownLatch allEnded;
  private volatile boolean running;
  private volatile boolean senderRunning;
  private Thread sender;
  private final DiskSpool spool;
  private volatile boolean replayerRunning;
  private Thread replayer;
  private boolean started;
  private boolean closed;
  // Replay progress within the segment being replayed (replay thread only).
  private long replaying = -1;
  private int replayedPrefix;

  /**
   * @param cameras cameras to run; ids must be unique
   * @param producer the Kafka producer; not closed by the agent
   * @param topics topic names
   * @param options tuning, e.g. {@link AgentOptions#defaults()}
   */
  public EdgeAgent(
      List<SiteConfig.Camera> cameras,
      Producer<String, byte[]> producer,
      Topics topics,
      AgentOptions options) {
    this(cameras, producer, topics, options, null);
  }

  /**
   * @param spool where records wait while Kafka cannot take them, or null to count them as send
   *     errors; owned by the caller, who closes it after the agent
   */
  public EdgeAgent(
      List<SiteConfig.Camera> cameras,
      Producer<String, byte[]> producer,
      Topics topics,
      AgentOptions options,
      DiskSpool spool) {
    this.spool = spool;
    this.cameras = List.copyOf(cameras);
    this.producer = new AgentProducer(producer, topics);
    this.options = Objects.requireNonNull(options, "options");
    this.queue = new ArrayBlockingQueue<>(options.sendQueueCapacity());
    Set<String> ids = new HashSet<>();
    for (SiteConfig.Camera c : this.cameras) {
      if (c.id() == null || c.id().isBlank() || c.source() == null || c.source().isBlank()) {
        throw new AgentException("Every camera needs an id and a source, got " + c);
      }
      if (!ids.add(c.id())) {
        throw new AgentException("Duplicate camera id " + c.id());
      }
      workers.put(c.id(), new Worker(c));
    }
    this.allEnded = new CountDownLatch(this.cameras.size());
  }

  /** Starts one capture thread per camera and the sender thread. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("EdgeAgent already started");
    }
    started = true;
    running = true;
    senderRunning = true;
    sender = new Thread(this::sendLoop, "vigil-agent-sender");
    sender.setDaemon(true);
    sender.start();
    if (spool != null) {
      replayerRunning = true;
      replayer = new Thread(this::replayLoop, "vigil-agent-spool-replay");
      replayer.setDaemon(true);
      replayer.start();
    }
    for (Worker w : workers.values()) {
      w.thread = new Thread(w::run, "vigil-agent-" + w.camera.id());
      w.thread.setDaemon(true);
      w.thread.start();
    }
    log.info("Edge agent started with {} camera(s)", workers.size());
  }

  /**
   * Waits until every camera loop has finished (files and folders end; live sources only end when
   * their retries are exhausted), every record has been handed to the producer, the producer has
   * been flushed and the spool, if any, replayed, so {@link CameraStats#framesSent()} is final.
   *
   * @return true when all of that happened within {@code timeout}
   */
  public boolean awaitSourcesEnded(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!allEnded.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    while (pending.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    producer.flush();
    while (spool != null && !spool.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** Per-camera counters, in camera order. */
  public Map<String, CameraStats> stats() {
    Map<String, CameraStats> m = new LinkedHashMap<>();
    for (Worker w : workers.values()) {
      m.put(w.camera.id(), w.snapshot());
    }
    return m;
  }

  /**
   * Stops capture, sends (or spools) what is queued, gives the spool's replay up to {@link
   * #JOIN_TIMEOUT} to empty it, and waits for the threads. What is still spooled stays on disk for
   * the next start. The producer and the spool stay open.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    running = false;
    for (Worker w : workers.values()) {
      if (w.thread != null) {
        w.thread.interrupt(); // wakes retry sleeps; native grabs end by their socket timeout
      }
    }
    for (Worker w : workers.values()) {
      join(w.thread);
    }
    senderRunning = false;
    join(sender);
    if (replayer != null) {
      long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
      while (!spool.isEmpty() && System.nanoTime() < deadline) {
        sleepQuietly(20);
      }
      replayerRunning = false;
      replayer.interrupt();
      join(replayer);
      if (!spool.isEmpty()) {
        log.warn(
            "{} record(s) stay spooled in {} for the next start",
            spool.stats().records(),
            spool.dir());
      }
    }
    log.info("Edge agent stopped: {}", stats().values());
  }

  private static void join(Thread t) {
    if (t == null) {
      return;
    }
    try {
      t.join(JOIN_TIMEOUT.toMillis());
      if (t.isAlive()) {
        log.warn("Thread {} did not stop within {}", t.getName(), JOIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sendLoop() {
    while (senderRunning || !queue.isEmpty()) {
      Outgoing o;
      try {
        o = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        continue; // drain what is left; the flag ends the loop
      }
      if (o == null) {
        continue;
      }
      try {
        if (spool != null && !spool.isEmpty()) {
          toSpool(o.worker, o.record, null); // keep capture order behind what waits on disk
          continue;
        }
        producer.send(
            o.record,
            (meta, error) -> {
              if (error == null) {
                (o.audio ? o.worker.audioSent : o.worker.framesSent).incrementAndGet();
              } else if (spool != null && error instanceof RetriableException) {
                toSpool(o.worker, o.record, error);
              } else {
                o.worker.sendFailed(error);
              }
            });
      } catch (RetriableException e) {
        if (spool != null) {
          toSpool(o.worker, o.record, e);
        } else {
          o.worker.sendFailed(e);
        }
      } catch (RuntimeException e) {
        o.worker.sendFailed(e);
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private void toSpool(Worker worker, ProducerRecord<String, byte[]> record, Exception cause) {
    try {
      boolean first = spool.isEmpty();
      spool.append(record);
      worker.spooled.incrementAndGet();
      if (first) {
        log.warn(
            "Kafka is not taking records ({}): spooling to {} until it does",
            cause == null ? "spool not empty" : cause.toString(),
            spool.dir());
      }
    } catch (IOException e) {
      worker.sendFailed(e);
    }
  }

  /** Sends the spool back to Kafka, oldest segment first, until the agent closes. */
  private void replayLoop() {
    long delayMs = options.retryInitialDelay().toMillis();
    while (replayerRunning) {
      DiskSpool.Segment segment = null;
      boolean delivered = false;
      try {
        segment = spool.oldest();
        if (segment == null) {
          sleepQuietly(100);
          continue;
        }
        delivered = replay(segment);
        if (delivered) {
          spool.remove(segment);
          delayMs = options.retryInitialDelay().toMillis();
          if (spool.isEmpty()) {
            log.info("Spool {} replayed: sending directly again ({})", spool.dir(), spool.stats());
          }
          continue;
        }
      } catch (IOException e) {
        log.warn("Spool {}: {}", spool.dir(), e.toString());
      }
      sleepQuietly(delayMs);
      delayMs = Math.min(options.retryMaxDelay().toMillis(), delayMs * 2);
    }
  }

  /**
   * Sends one segment's records not yet acknowledged in an earlier attempt and waits for their
   * acknowledgements.
   *
   * @return true when every record was acknowledged (or refused for good, and counted)
   */
  private boolean replay(DiskSpool.Segment segment) {
    if (segment.number() != replaying) {
      replaying = segment.number();
      replayedPrefix = 0;
    }
    List<ProducerRecord<String, byte[]>> records = segment.records();
    // One entry per record sent, in order; null for a record Kafka refused for good on send.
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    boolean unreachable = false;
    for (int i = replayedPrefix; i < records.size() && !unreachable; i++) {
      try {
        Future<RecordMetadata> ack = producer.send(records.get(i), null);
        // Kafka reports "no metadata" as an already failed future: stop here, or the records
        // after it could reach Kafka first once it is back, and again on the next attempt.
        unreachable = failedAlready(ack);
        if (!unreachable) {
          acks.add(ack);
        }
      } catch (RetriableException e) {
        unreachable = true;
      } catch (RuntimeException e) {
        refusedForGood(records.get(i), e);
        acks.add(null);
      }
    }
    for (Future<RecordMetadata> ack : acks) {
      ProducerRecord<String, byte[]> record = records.get(replayedPrefix);
      if (ack != null) {
        try {
          ack.get();
          Worker worker = workerOf(record);
          if (worker != null) {
            boolean frame = record.topic().equals(producer.topics().frames());
            (frame ? worker.framesSent : worker.audioSent).incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RetriableException) {
            return false;
          }
          refusedForGood(record, e.getCause() instanceof Exception x ? x : e);
        }
      }
      replayedPrefix++;
    }
    return !unreachable;
  }

  private static boolean failedAlready(Future<RecordMetadata> ack) {
    if (!ack.isDone()) {
      return false;
    }
    try {
      ack.get();
      return false;
    } catch (ExecutionException e) {
      return e.getCause() instanceof RetriableException;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void refusedForGood(ProducerRecord<String, byte[]> record, Exception e) {
    log.warn("Spool {}: Kafka refused a record for good: {}", spool.dir(), e.toString());
    Worker worker = workerOf(record);
    if (worker != null) {
      worker.sendFailed(e);
    }
  }

  /** The camera loop a spooled record came from, or null (another run's camera). */
  private Worker workerOf(ProducerRecord<String, byte[]> record) {
    return record.key() == null ? null : workers.get(record.key());
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Outgoing(Worker worker, ProducerRecord<String, byte[]> record, boolean audio) {}

  /** One camera's capture loop and counters. */
  private final class Worker {
    final SiteConfig.Camera camera;
    final boolean live;
    final AtomicLong grabbed = new AtomicLong();
    final AtomicLong sampledOut = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong audioSent = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();
    final AtomicLong spooled = new AtomicLong();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicLong lastRetryDelayMs = new AtomicLong();
    volatile CameraStats.State state = CameraStats.State.NEW;
    volatile String lastError;
    long frameSeq;
    long audioSeq;
    Thread thread;

    /** Stateful (an alarm spans snippets): one per camera, used by its capture thread only. */
    private final AudioAnalyzer audioAnalyzer = new AudioAnalyzer();

    Worker(SiteConfig.Camera camera) {
      this.camera = camera;
      this.live = FrameSources.isLive(camera.source());
      if (camera.audio() == SiteConfig.AudioMode.PCM) {
        log.warn(
            "Camera {}: audio: pcm sends raw sound, which can carry speech, off this host;"
                + " recording words spoken privately at work may be unlawful (e.g. StGB §201)."
                + " Use audio: features unless a works council and DPO approved it.",
            camera.id());
      }
    }

    CameraStats snapshot() {
      return new CameraStats(
          camera.id(),
          camera.source(),
          state,
          grabbed.get(),
          sampledOut.get(),
          skipped.get(),
          dropped.get(),
          framesSent.get(),
          audioSent.get(),
          sendErrors.get(),
          spooled.get(),
          attempts.get(),
          lastRetryDelayMs.get(),
          lastError);
    }

    void sendFailed(Exception e) {
      long n = sendErrors.incrementAndGet();
      lastError = "send: " + e;
      // One line per failure would flood the log while Kafka is down.
      if (n == 1 || n % 100 == 0) {
        log.warn("Camera {}: Kafka send failed ({} so far): {}", camera.id(), n, e.toString());
      }
    }

    void run() {
      try (MotionGate gate = new MotionGate(camera.motionThreshold(), camera.keyframeIntervalS());
          JpegEncoder encoder = new JpegEncoder(options.jpegQuality())) {
        FrameSampler sampler = new FrameSampler(camera.fps());
        AudioChunker chunker =
            new AudioChunker(FfmpegSource.AUDIO_RATE, options.audioSnippetSeconds());
        loop(sampler, gate, encoder, chunker);
      } catch (RuntimeException e) {
        state = CameraStats.State.FAILED;
        lastError = e.toString();
        log.error("Camera {}: capture loop crashed", camera.id(), e);
      } finally {
        if (!state.terminal()) {
          state = CameraStats.State.STOPPED;
        }
        allEnded.countDown();
      }
    }

    private void loop(
        FrameSampler sampler, MotionGate gate, JpegEncoder encoder, AudioChunker chunker) {
      long delayMs = options.retryInitialDelay().toMillis();
      int failuresInRow = 0;
      while (running) {
        attempts.incrementAndGet();
        state = CameraStats.State.CONNECTING;
        long grabbedBefore = grabbed.get();
        Exception failure;
        try (FrameSource src =
            FrameSources.open(
                camera.source(),
                camera.fps(),
                options.realtime(),
                options.clock(),
                options.sourceTimeout())) {
          src.start();
          state = CameraStats.State.RUNNING;
          log.info("Camera {}: capturing from {}", camera.id(), src.description());
          pump(src, sampler, gate, encoder, chunker);
          if (!running) {
            return;
          }
          if (!live) {
            state = CameraStats.State.ENDED;
            CameraStats s = snapshot();
            log.info(
                "Camera {}: source {} ended after {} frames grabbed, {} queued for sending",
                camera.id(),
                Secrets.redact(camera.source()),
                s.framesGrabbed(),
                frameSeq);
            notifyListener(() -> options.listener().onSourceEnded(camera.id(), s));
            return;
          }
          failure =
              new AgentException(
                  "Live source " + Secrets.redact(camera.source()) + " ended its stream");
        } catch (RuntimeException e) {
          failure = e;
        }
        chunker.flush(Double.MAX_VALUE); // a gap follows: never glue audio across it
        if (!running) {
          return;
        }
        lastError = Secrets.redact(failure.getMessage());
        if (grabbed.get() > grabbedBefore) {
          failuresInRow = 0;
          delayMs = options.retryInitialDelay().toMillis();
        }
        failuresInRow++;
        if (!live
            || (options.maxLiveAttempts() > 0 && failuresInRow >= options.maxLiveAttempts())) {
          state = CameraStats.State.FAILED;
          log.error(
              "Camera {}: source {} failed{}: {}",
              camera.id(),
              Secrets.redact(camera.source()),
              live ? " " + failuresInRow + " times, giving up" : "",
              lastError);
          Exception f = failure;
          notifyListener(() -> options.listener().onSourceFailed(camera.id(), f, null));
          return;
        }
        long jitter =
            (long) (delayMs * options.retryJitter() * ThreadLocalRandom.current().nextDouble());
        Duration wait = Duration.ofMillis(delayMs + jitter);
        lastRetryDelayMs.set(wait.toMillis());
        state = CameraStats.State.RETRYING;
        log.warn(
            "Camera {}: source {} failed (attempt {}), retrying in {} ms: {}",
            camera.id(),
            Secrets.redact(camera.source()),
            failuresInRow,
            wait.toMillis(),
            lastError);
        Exception f = failure;
        notifyListener(() -> options.listener().onSourceFailed(camera.id(), f, wait));
        try {
          options.clock().sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        delayMs = Math.min(delayMs * 2, options.retryMaxDelay().toMillis());
      }
    }

    private void pump(
        FrameSource src,
        FrameSampler sampler,
        MotionGate gate,
        JpegEncoder encoder,
        AudioChunker chunker) {
      Capture c;
      while (running && (c = src.grab()) != null) {
        if (c.hasAudio()) {
          for (AudioChunker.Snippet s : chunker.add(c.audio(), c.captureTimeMs())) {
            enqueueAudio(s);
          }
        }
        if (!c.hasImage()) {
          continue;
        }
        grabbed.incrementAndGet();
        long ts = c.captureTimeMs();
        if (!sampler.accept(ts)) {
          sampledOut.incrementAndGet();
          continue;
        }
        Mat img = c.image();
        MotionGate.Decision d = gate.evaluate(img, ts);
        if (!d.send()) {
          skipped.incrementAndGet();
          continue;
        }
        byte[] jpeg = encoder.encode(img);
        enqueue(
            AgentProducer.frameRecord(
                producer.topics(),
                camera.id(),
                frameSeq++,
                jpeg,
                img.cols(),
                img.rows(),
                d.motion(),
                d.keyframe(),
                ts),
            false);
      }
      AudioChunker.Snippet tail = chunker.flush(MIN_TAIL_AUDIO_S);
      if (tail != null && running) {
        enqueueAudio(tail);
      }
    }

    private void enqueueAudio(AudioChunker.Snippet s) {
      if (camera.audio() == SiteConfig.AudioMode.PCM) {
        enqueue(
            AgentProducer.audioRecord(
                producer.topics(),
                camera.id(),
                audioSeq++,
                s.pcm(),
                s.sampleRate(),
                s.captureTimeMs()),
            true);
        return;
      }
      short[] samples = new short[s.samples()];
      ByteBuffer.wrap(s.pcm()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
      enqueue(
          AgentProducer.audioFeaturesRecord(
              producer.topics(),
              camera.id(),
              audioSeq++,
              audioAnalyzer.analyze(samples, s.sampleRate()),
              samples.length * 1000L / s.sampleRate(),
              s.captureTimeMs()),
          true);
    }

    private void enqueue(ProducerRecord<String, byte[]> record, boolean audio) {
      pending.incrementAndGet();
      if (!queue.offer(new Outgoing(this, record, audio))) {
        pending.decrementAndGet();
        long n = dropped.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
          log.warn("Camera {}: send queue full, dropped {} record(s) so far", camera.id(), n);
        }
      }
    }

    private void notifyListener(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        log.warn("Camera {}: listener failed", camera.id(), e);
      }
    }
  }

  /** Cameras this agent runs, in order. */
  public List<SiteConfig.Camera> cameras() {
    return cameras;
  }
}
