package dev.vigil.agent;

import dev.vigil.agent.capture.AgentException;
import dev.vigil.agent.spool.DiskSpool;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the edge agent: one {@link CameraLoop} per camera (open, grab, sample, motion-gate, encode,
 * cut audio) and one {@link Sender} that hands records to Kafka, so a slow broker never stalls
 * capture: when the bounded send queue is full, frames are dropped and counted. With a spool, a
 * {@link SpoolReplayer} sends back what Kafka could not take.
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

  private final List<SiteConfig.Camera> cameras;
  private final AgentProducer producer;
  private final Map<String, CameraLoop> loops = new LinkedHashMap<>();
  private final Sender sender;
  private final SpoolReplayer replayer;
  private final DiskSpool spool;
  private final CountDownLatch allEnded;
  private volatile boolean running;
  private boolean started;
  private boolean closed;

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
    Objects.requireNonNull(options, "options");
    this.spool = spool;
    this.cameras = List.copyOf(cameras);
    this.producer = new AgentProducer(producer, topics);
    this.sender = new Sender(this.producer, spool, options.sendQueueCapacity());
    this.allEnded = new CountDownLatch(this.cameras.size());
    Set<String> ids = new HashSet<>();
    for (SiteConfig.Camera c : this.cameras) {
      if (c.id() == null || c.id().isBlank() || c.source() == null || c.source().isBlank()) {
        throw new AgentException("Every camera needs an id and a source, got " + c);
      }
      if (!ids.add(c.id())) {
        throw new AgentException("Duplicate camera id " + c.id());
      }
      loops.put(
          c.id(), new CameraLoop(c, options, topics, sender, () -> running, allEnded::countDown));
    }
    this.replayer =
        spool == null
            ? null
            : new SpoolReplayer(
                this.producer,
                spool,
                options,
                key -> {
                  CameraLoop loop = loops.get(key);
                  return loop == null ? null : loop.counters;
                });
  }

  /** Starts one capture thread per camera, the sender thread and the spool's replay. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("EdgeAgent already started");
    }
    started = true;
    running = true;
    sender.start();
    if (replayer != null) {
      replayer.start();
    }
    loops.values().forEach(CameraLoop::start);
    log.info("Edge agent started with {} camera(s)", loops.size());
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
    while (sender.pending() > 0) {
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
    for (CameraLoop loop : loops.values()) {
      m.put(loop.counters.camera.id(), loop.counters.snapshot());
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
    for (CameraLoop loop : loops.values()) {
      if (loop.thread != null) {
        loop.thread.interrupt(); // wakes retry sleeps; native grabs end by their socket timeout
      }
    }
    for (CameraLoop loop : loops.values()) {
      join(loop.thread);
    }
    if (started) {
      sender.stop();
      if (replayer != null) {
        replayer.stop(JOIN_TIMEOUT);
      }
    }
    log.info("Edge agent stopped: {}", stats().values());
  }

  /** Cameras this agent runs, in order. */
  public List<SiteConfig.Camera> cameras() {
    return cameras;
  }

  static void join(Thread t) {
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

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
