package dev.vigil.agent;

import dev.vigil.agent.capture.AgentException;
import dev.vigil.agent.capture.Capture;
import dev.vigil.agent.capture.FfmpegSource;
import dev.vigil.agent.capture.FrameSource;
import dev.vigil.agent.capture.FrameSources;
import dev.vigil.agent.pipeline.AudioChunker;
import dev.vigil.agent.pipeline.FrameSampler;
import dev.vigil.agent.pipeline.JpegEncoder;
import dev.vigil.agent.pipeline.MotionGate;
import dev.vigil.config.Secrets;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.inference.audio.AudioAnalyzer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's capture loop, on its own thread: open, grab, sample, motion-gate, encode, cut audio
 * (and, by default, reduce it to features here on the host), and queue the records for the {@link
 * Sender}. Files and folders are read once, or replayed from the start each time they end when the
 * options loop; live sources are reopened after any failure or end of stream, with exponential
 * backoff and jitter.
 */
final class CameraLoop {
  private static final Logger log = LoggerFactory.getLogger(CameraLoop.class);
  // A trailing audio remainder shorter than this is noise for the audio models; drop it.
  private static final double MIN_TAIL_AUDIO_S = 0.5;

  final CameraCounters counters;
  private final SiteConfig.Camera camera;
  private final boolean live;
  private final AgentOptions options;
  private final Topics topics;
  private final Sender sender;
  private final BooleanSupplier running;
  private final Runnable ended;
  private long frameSeq;
  private long audioSeq;
  private long replays;
  Thread thread;

  /** Stateful (an alarm spans snippets): one per camera, used by its capture thread only. */
  private final AudioAnalyzer audioAnalyzer = new AudioAnalyzer();

  /**
   * @param running false once the agent closes
   * @param ended called once when the loop ends, however it ends
   */
  CameraLoop(
      SiteConfig.Camera camera,
      AgentOptions options,
      Topics topics,
      Sender sender,
      BooleanSupplier running,
      Runnable ended) {
    this.camera = camera;
    this.counters = new CameraCounters(camera);
    this.live = FrameSources.isLive(camera.source());
    this.options = options;
    this.topics = topics;
    this.sender = sender;
    this.running = running;
    this.ended = ended;
    if (camera.audio() == SiteConfig.AudioMode.PCM) {
      log.warn(
          "Camera {}: audio: pcm sends raw sound, which can carry speech, off this host;"
              + " recording words spoken privately at work may be unlawful (e.g. StGB §201)."
              + " Use audio: features unless a works council and DPO approved it.",
          camera.id());
    }
  }

  void start() {
    thread = new Thread(this::run, "vigil-agent-" + camera.id());
    thread.setDaemon(true);
    thread.start();
  }

  void run() {
    try (MotionGate gate = new MotionGate(camera.motionThreshold(), camera.keyframeIntervalS());
        JpegEncoder encoder = new JpegEncoder(options.jpegQuality())) {
      FrameSampler sampler = new FrameSampler(camera.fps());
      AudioChunker chunker =
          new AudioChunker(FfmpegSource.AUDIO_RATE, options.audioSnippetSeconds());
      loop(sampler, gate, encoder, chunker);
    } catch (RuntimeException e) {
      counters.state = CameraStats.State.FAILED;
      counters.lastError = e.toString();
      log.error("Camera {}: capture loop crashed", camera.id(), e);
    } finally {
      if (!counters.state.terminal()) {
        counters.state = CameraStats.State.STOPPED;
      }
      ended.run();
    }
  }

  private void loop(
      FrameSampler sampler, MotionGate gate, JpegEncoder encoder, AudioChunker chunker) {
    long delayMs = options.retryInitialDelay().toMillis();
    int failuresInRow = 0;
    while (running.getAsBoolean()) {
      counters.attempts.incrementAndGet();
      counters.state = CameraStats.State.CONNECTING;
      long grabbedBefore = counters.grabbed.get();
      Exception failure;
      try (FrameSource src =
          FrameSources.open(
              camera.source(),
              camera.fps(),
              options.realtime(),
              options.clock(),
              options.sourceTimeout())) {
        src.start();
        counters.state = CameraStats.State.RUNNING;
        log.info("Camera {}: capturing from {}", camera.id(), src.description());
        pump(src, sampler, gate, encoder, chunker);
        if (!running.getAsBoolean()) {
          return;
        }
        if (!live && replay(grabbedBefore)) {
          continue;
        }
        if (!live) {
          counters.state = CameraStats.State.ENDED;
          CameraStats s = counters.snapshot();
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
      if (!running.getAsBoolean()) {
        return;
      }
      counters.lastError = Secrets.redact(failure.getMessage());
      if (counters.grabbed.get() > grabbedBefore) {
        failuresInRow = 0;
        delayMs = options.retryInitialDelay().toMillis();
      }
      failuresInRow++;
      if (!live || (options.maxLiveAttempts() > 0 && failuresInRow >= options.maxLiveAttempts())) {
        counters.state = CameraStats.State.FAILED;
        log.error(
            "Camera {}: source {} failed{}: {}",
            camera.id(),
            Secrets.redact(camera.source()),
            live ? " " + failuresInRow + " times, giving up" : "",
            counters.lastError);
        Exception f = failure;
        notifyListener(() -> options.listener().onSourceFailed(camera.id(), f, null));
        return;
      }
      long jitter =
          (long) (delayMs * options.retryJitter() * ThreadLocalRandom.current().nextDouble());
      Duration wait = Duration.ofMillis(delayMs + jitter);
      counters.lastRetryDelayMs.set(wait.toMillis());
      counters.state = CameraStats.State.RETRYING;
      log.warn(
          "Camera {}: source {} failed (attempt {}), retrying in {} ms: {}",
          camera.id(),
          Secrets.redact(camera.source()),
          failuresInRow,
          wait.toMillis(),
          counters.lastError);
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

  /**
   * Whether a file that has ended is played again: when the options loop, unless this pass gave no
   * frame (such a file would be replayed in a busy loop).
   */
  private boolean replay(long grabbedBefore) {
    if (!options.loop()) {
      return false;
    }
    if (counters.grabbed.get() == grabbedBefore) {
      log.warn(
          "Camera {}: source {} gave no frame, so it is not replayed",
          camera.id(),
          Secrets.redact(camera.source()));
      return false;
    }
    // A short clip ends every few seconds: say so once, not each time.
    if (replays++ == 0) {
      log.info(
          "Camera {}: source {} ended; replaying it from the start each time it ends",
          camera.id(),
          Secrets.redact(camera.source()));
    }
    return true;
  }

  private void pump(
      FrameSource src,
      FrameSampler sampler,
      MotionGate gate,
      JpegEncoder encoder,
      AudioChunker chunker) {
    Capture c;
    while (running.getAsBoolean() && (c = src.grab()) != null) {
      if (c.hasAudio()) {
        for (AudioChunker.Snippet s : chunker.add(c.audio(), c.captureTimeMs())) {
          enqueueAudio(s);
        }
      }
      if (!c.hasImage()) {
        continue;
      }
      counters.grabbed.incrementAndGet();
      long ts = c.captureTimeMs();
      if (!sampler.accept(ts)) {
        counters.sampledOut.incrementAndGet();
        continue;
      }
      Mat img = c.image();
      MotionGate.Decision d = gate.evaluate(img, ts);
      if (!d.send()) {
        counters.skipped.incrementAndGet();
        continue;
      }
      byte[] jpeg = encoder.encode(img);
      enqueue(
          AgentProducer.frameRecord(
              topics,
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
    if (tail != null && running.getAsBoolean()) {
      enqueueAudio(tail);
    }
  }

  private void enqueueAudio(AudioChunker.Snippet s) {
    if (camera.audio() == SiteConfig.AudioMode.PCM) {
      enqueue(
          AgentProducer.audioRecord(
              topics, camera.id(), audioSeq++, s.pcm(), s.sampleRate(), s.captureTimeMs()),
          true);
      return;
    }
    short[] samples = new short[s.samples()];
    ByteBuffer.wrap(s.pcm()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
    enqueue(
        AgentProducer.audioFeaturesRecord(
            topics,
            camera.id(),
            audioSeq++,
            audioAnalyzer.analyze(samples, s.sampleRate()),
            samples.length * 1000L / s.sampleRate(),
            s.captureTimeMs()),
        true);
  }

  private void enqueue(ProducerRecord<String, byte[]> record, boolean audio) {
    if (!sender.offer(counters, record, audio)) {
      long n = counters.dropped.incrementAndGet();
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
