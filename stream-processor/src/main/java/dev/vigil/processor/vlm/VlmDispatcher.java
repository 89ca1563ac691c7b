package dev.vigil.processor.vlm;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.VlmAnswer;
import dev.vigil.config.metrics.ServiceMetrics;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.vlm.VlmClient;
import dev.vigil.inference.vlm.VlmImage;
import dev.vigil.inference.vlm.VlmReply;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the model off the stream threads. The rules {@link #offer} requests without ever blocking:
 * a request waits in a bounded queue (when full, the oldest is dropped and counted), at most {@code
 * max_concurrent} calls run at once, a camera is asked at most once per {@code min_interval_s} of
 * its own time (its prompts take turns), and no more than {@code daily_budget} calls are made per
 * UTC day. A {@code 429} pauses every call for its {@code Retry-After}. Each answer, unknown ones
 * included, goes to the answer sink ({@code vigil.vlm-answers}).
 *
 * <p>Every answer read back from that topic, whichever instance wrote it, is {@link #read}: a
 * request answered there is never sent again, and the interval counts from the frames asked about
 * there too, so a replay (or a camera moved to this instance) asks about the same frames as before
 * and costs no calls. The prompts' {@link ModelHealth} is decided from those answers as well.
 *
 * <p>The interval is on the frames' event time, not the wall clock: a replay, a catch-up after an
 * outage or a lagging camera asks as often, per second of the camera's time, as a live camera. The
 * budget's day and {@code Retry-After} are on the wall clock: they count real calls.
 *
 * <p>Thread-safe. Owns its call threads ({@code vigil-vlm-call-N}); {@link #close} stops them.
 */
public final class VlmDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VlmDispatcher.class);

  /** How long calls pause after a 429 that gives no Retry-After. */
  static final long DEFAULT_BACKOFF_MS = 1_000;

  /** What became of an offer. */
  public enum Offer {
    /** One request was queued. */
    QUEUED,
    /** The camera was asked less than {@code min_interval_s} ago. */
    WAITING,
    /** Today's budget is spent. */
    OVER_BUDGET,
    /** Its answer is already recorded: a replay. */
    RECORDED,
    /** The frame asked about is no longer held. */
    NO_FRAME,
    /** Nothing was offered. */
    NOTHING
  }

  private record Frame(long time, byte[] jpeg) {}

  private record Job(VlmRequest request, byte[] jpeg) {}

  private final SiteConfig.Vlm config;
  private final VlmClient client;
  private final Consumer<VlmAnswer> sink;
  private final LongSupplier clock;
  private final VlmMetrics metrics;
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();
  private final Map<String, Frame> frames = new ConcurrentHashMap<>();

  /** Frame times asked about (queued here or recorded), by camera and by camera/prompt. */
  private final Map<String, NavigableSet<Long>> asked = new ConcurrentHashMap<>();

  private final ModelHealth health = new ModelHealth();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final List<Thread> callers = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private long day = -1;
  private int spentToday;
  private volatile long pausedUntil;
  private volatile boolean closed;

  /**
   * @param config the endpoint and its limits
   * @param client the model's client
   * @param sink where every answer goes; called from the call threads
   * @param clock wall clock, epoch millis, for the budget's day and Retry-After
   */
  public VlmDispatcher(
      SiteConfig.Vlm config, VlmClient client, Consumer<VlmAnswer> sink, LongSupplier clock) {
    this(config, client, sink, clock, ServiceMetrics.bare().registry());
  }

  /** As above, with the metrics of the model route on {@code registry}. */
  public VlmDispatcher(
      SiteConfig.Vlm config,
      VlmClient client,
      Consumer<VlmAnswer> sink,
      LongSupplier clock,
      MeterRegistry registry) {
    this.metrics = new VlmMetrics(registry);
    this.config = config;
    this.client = client;
    this.sink = sink;
    this.clock = clock;
    metrics.gauges(this::budgetLeft, this::queued);
    for (int i = 0; i < config.maxConcurrent(); i++) {
      Thread t = new Thread(this::callLoop, "vigil-vlm-call-" + i);
      t.setDaemon(true);
      t.start();
      callers.add(t);
    }
  }

  /** The model's name. */
  public String model() {
    return config.model();
  }

  public VlmMetrics metrics() {
    return metrics;
  }

  /** How long one call may take, {@code vlm.timeout_s}, in millis. */
  public long timeoutMs() {
    return Math.round(config.timeoutS() * 1000);
  }

  /**
   * Holds {@code camera}'s latest frame, the one its requests will send. Memory only, one per
   * camera: frames are never written anywhere by this route.
   */
  public void frame(String camera, long time, byte[] jpeg) {
    frames.put(camera, new Frame(time, jpeg));
  }

  /**
   * Offers the requests one camera's gates let through on one frame; queues at most one, the prompt
   * asked longest ago, if no other frame of the camera within {@code min_interval_s} of this one
   * was asked about. A request whose answer is recorded is the one asked about this frame before:
   * it is not sent again. Never blocks.
   */
  public Offer offer(List<VlmRequest> due) {
    if (due.isEmpty()) {
      return Offer.NOTHING;
    }
    for (VlmRequest r : due) {
      if (recorded.contains(r.id())) {
        metrics.skip("recorded");
        return Offer.RECORDED;
      }
    }
    String camera = due.get(0).camera();
    long frameTime = due.get(0).frameTime();
    if (askedWithinInterval(camera, frameTime)) {
      return Offer.WAITING;
    }
    VlmRequest pick =
        due.stream()
            .min(
                Comparator.comparingLong(
                    (VlmRequest r) -> lastAskedBefore(r.camera() + "/" + r.promptId(), frameTime)))
            .orElseThrow();
    Offer o = enqueue(pick, clock.getAsLong());
    if (o == Offer.QUEUED) {
      asked(pick.camera(), pick.promptId(), frameTime);
    }
    return o;
  }

  /**
   * Takes an answer read back from {@code vigil.vlm-answers}, written by this instance or another:
   * its request is never sent again, its frame counts for the camera's interval, and its outcome
   * for the prompt's {@link #health}. Thread-safe: called by the topic's reader.
   */
  public void read(VlmAnswer a) {
    recorded.add(a.requestId());
    if (VlmAnswer.ASK.equals(a.kind())) {
      asked(a.camera(), a.promptId(), a.frameTime());
    }
    health.note(a);
  }

  /**
   * True when the camera was asked about a frame less than {@code min_interval_s} before or after
   * {@code frameTime}: after it only on a replay, where the recorded asks are ahead of the frames.
   */
  private boolean askedWithinInterval(String camera, long frameTime) {
    NavigableSet<Long> times = asked.get(camera);
    if (times == null) {
      return false;
    }
    long interval = Math.round(config.minIntervalS() * 1000);
    Long before = times.floor(frameTime);
    Long after = times.ceiling(frameTime);
    return (before != null && frameTime - before < interval)
        || (after != null && after - frameTime < interval);
  }

  private long lastAskedBefore(String key, long frameTime) {
    NavigableSet<Long> times = asked.get(key);
    Long before = times == null ? null : times.floor(frameTime);
    return before == null ? Long.MIN_VALUE : before;
  }

  private void asked(String camera, String promptId, long frameTime) {
    asked.computeIfAbsent(camera, k -> new ConcurrentSkipListSet<>()).add(frameTime);
    asked
        .computeIfAbsent(camera + "/" + promptId, k -> new ConcurrentSkipListSet<>())
        .add(frameTime);
  }

  /**
   * Offers a verification of an open event: not bound by the camera's interval (an alert waits on
   * it), but by the budget and the queue.
   */
  public Offer verify(VlmRequest request) {
    return enqueue(request, clock.getAsLong());
  }

  private Offer enqueue(VlmRequest r, long now) {
    if (recorded.contains(r.id())) {
      metrics.skip("recorded");
      return Offer.RECORDED;
    }
    Frame f = frames.get(r.camera());
    if (f == null || f.time() != r.frameTime()) {
      metrics.skip("no_frame");
      return Offer.NO_FRAME;
    }
    synchronized (queue) {
      if (!spend(now)) {
        metrics.skip("budget");
        return Offer.OVER_BUDGET;
      }
      if (queue.size() >= config.queueSize()) {
        queue.pollFirst();
        metrics.skip("queue_full");
      }
      queue.addLast(new Job(r, f.jpeg()));
      recorded.add(r.id());
      queue.notifyAll();
    }
    return Offer.QUEUED;
  }

  /** Takes one call from today's budget; false when it is spent. Holds the queue's lock. */
  private boolean spend(long now) {
    long today = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
    if (today != day) {
      day = today;
      spentToday = 0;
    }
    if (spentToday >= config.dailyBudget()) {
      return false;
    }
    spentToday++;
    return true;
  }

  private int budgetLeft() {
    synchronized (queue) {
      long today =
          Instant.ofEpochMilli(clock.getAsLong()).atZone(ZoneOffset.UTC).toLocalDate().toEpochDay();
      return today == day ? config.dailyBudget() - spentToday : config.dailyBudget();
    }
  }

  private int queued() {
    synchronized (queue) {
      return queue.size();
    }
  }

  /** True when no request waits and no call is in flight: every answer asked for is written. */
  public boolean idle() {
    synchronized (queue) {
      return queue.isEmpty() && inFlight.get() == 0;
    }
  }

  /**
   * The model status of {@code promptId}, from the answers {@link #read} back: {@link
   * ModelHealth#OK} or "model unreachable: 401 ...".
   */
  public String health(String promptId) {
    return health.status(promptId);
  }

  private void callLoop() {
    while (!closed) {
      Job job;
      synchronized (queue) {
        while (queue.isEmpty() && !closed) {
          try {
            queue.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        job = queue.pollFirst();
        inFlight.incrementAndGet();
      }
      try {
        waitOutPause();
        VlmReply reply = call(job);
        if (closed) {
          // Cut short by close(): not an answer worth recording, so a restart asks again.
          return;
        }
        sink.accept(answer(job.request(), reply));
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // One bad call (a sink that failed) must not end the call thread.
        LOG.warn("model call for {} failed", job.request().promptId(), e);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  private void waitOutPause() throws InterruptedException {
    long wait;
    while ((wait = pausedUntil - clock.getAsLong()) > 0) {
      Thread.sleep(Math.min(wait, 1_000));
    }
  }

  private VlmReply call(Job job) {
    VlmRequest r = job.request();
    byte[] image;
    try {
      image = VlmImage.prepare(job.jpeg(), r.crop(), config.imagePx(), config.jpegQuality());
    } catch (InferenceException e) {
      return VlmReply.unknownOf(
          VlmReply.MALFORMED, "the frame cannot be decoded: " + e.getMessage());
    }
    VlmReply reply = client.ask(image, r.question());
    metrics.call(
        reply.unknown() ? reply.error() : reply.verdict(),
        reply.latencyS(),
        reply.promptTokens(),
        reply.completionTokens());
    if (VlmReply.RATE_LIMITED.equals(reply.error()) || reply.retryAfterMs() > 0) {
      long backoff = reply.retryAfterMs() > 0 ? reply.retryAfterMs() : DEFAULT_BACKOFF_MS;
      pausedUntil = Math.max(pausedUntil, clock.getAsLong() + backoff);
    }
    if (reply.unknown()) {
      LOG.info(
          "model answer for {} on {} is unknown: {}", r.promptId(), r.camera(), reply.reason());
    }
    return reply;
  }

  private VlmAnswer answer(VlmRequest r, VlmReply reply) {
    return new VlmAnswer(
        VlmAnswer.SCHEMA,
        r.id(),
        r.camera(),
        r.promptId(),
        r.meaning(),
        r.frameTime(),
        r.kind(),
        r.episodeId(),
        config.model(),
        reply.verdict(),
        reply.value(),
        reply.confidence(),
        reply.reason(),
        reply.error(),
        reply.latencyS(),
        reply.promptTokens(),
        reply.completionTokens(),
        r.evidence());
  }

  /** Stops the call threads; calls in flight end when their timeout does. */
  @Override
  public void close() {
    closed = true;
    synchronized (queue) {
      queue.clear();
      queue.notifyAll();
    }
    for (Thread t : callers) {
      t.interrupt();
    }
  }
}
