package dev.vigil.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The MQTT side of a {@link CommitAfterAckLoop}: sends its messages, sends again after a failure or
 * an ack timeout, waits for the PUBACKs (showing as retrying and backing off while none come), and
 * counts every refused PUBACK under the loop's source. Used by the loop thread only, except {@link
 * #watch}'s callback.
 */
final class Deliveries {
  private final LoopContext loop;
  private final List<Delivery<?>> sending = new ArrayList<>();
  private final Map<String, Delivery<?>> newestByKey = new HashMap<>();
  private final Backoff backoff = Backoff.defaults();
  private Duration ackTimeout = Duration.ofSeconds(10);
  private int doneBefore;
  private volatile MqttRefusedException refusedForGood;

  Deliveries(LoopContext loop) {
    this.loop = loop;
  }

  void ackTimeout(Duration timeout) {
    this.ackTimeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** See {@link CommitAfterAckLoop#deliver}. */
  <T> Delivery<T> add(String key, Supplier<CompletableFuture<T>> send, Consumer<T> onAck) {
    Delivery<T> d = new Delivery<>(key, send, onAck);
    if (key != null) {
      Delivery<?> older = newestByKey.put(key, d);
      if (older != null && older.future == null) {
        older.superseded = true;
      }
    }
    sending.add(d);
    return d;
  }

  /** Counts a refused PUBACK of {@code publish}; a refusal for good is thrown at the next check. */
  <T> CompletableFuture<T> watch(CompletableFuture<T> publish) {
    return countRefusal(publish, true);
  }

  /**
   * Counts a refused PUBACK of {@code publish}; with {@code endLoop} a refusal for good is thrown
   * at the next check. Returns the stage that completes after the counting, so that whoever sees
   * the outcome (the loop, a test, health) also sees it counted.
   */
  <T> CompletableFuture<T> countRefusal(CompletableFuture<T> publish, boolean endLoop) {
    return publish.whenComplete(
        (ok, e) -> {
          Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
          if (cause instanceof MqttRefusedException refused) {
            loop.metrics().get().refused(loop.source(), refused.reasonCode());
            if (endLoop && refused.unrecoverable() && refusedForGood == null) {
              refusedForGood = refused;
            }
          }
        });
  }

  /**
   * Throws a refusal no retry can cure ("not authorized"), seen by {@link #watch} or on a delivery.
   */
  void throwIfRefusedForGood() {
    if (refusedForGood != null) {
      throw refusedForGood;
    }
    for (Delivery<?> d : sending) {
      if (d.failure() instanceof MqttRefusedException refused && refused.unrecoverable()) {
        throw refused;
      }
    }
  }

  /**
   * Sends what is due and, while anything is in flight, waits up to a second for it. Without
   * progress since the last round it shows as retrying and backs off.
   *
   * @return false when interrupted
   */
  boolean await() {
    throwIfRefusedForGood();
    long now = System.nanoTime();
    Set<String> busyKeys = new HashSet<>();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (Delivery<?> d : sending) {
      if (d.key != null && newestByKey.get(d.key) != d && d.failed()) {
        d.superseded = true; // a newer message replaces it
      }
      if (d.done() || (d.key != null && !busyKeys.add(d.key))) {
        continue; // one at a time per key, in order
      }
      if (d.needsSend(now, ackTimeout)) {
        send(d, now);
      }
      inFlight.add(d.future);
    }
    if (inFlight.isEmpty()) {
      return true;
    }
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
          .get(Math.min(ackTimeout.toMillis(), 1_000), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // Some failed or are still waiting: handled below and in the next round.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    throwIfRefusedForGood();
    int waiting = 0;
    Throwable why = null;
    for (Delivery<?> d : sending) {
      if (!d.done()) {
        waiting++;
        why = why == null ? d.failure() : why;
      }
    }
    int done = sending.size() - waiting;
    if (waiting == 0) {
      backoff.reset();
      loop.status().running();
    } else if (done == doneBefore) {
      loop.retryAfterBackoff(
          waiting
              + " of "
              + sending.size()
              + " "
              + loop.source()
              + " not acknowledged by the MQTT broker",
          why == null ? new AlertsException("waiting for PUBACK") : why,
          AlertsMetrics.MQTT_PUBLISH,
          backoff);
    } else {
      backoff.reset();
    }
    doneBefore = done;
    return true;
  }

  /** Reports each acknowledged delivery to its callback, in order, and forgets what is done. */
  void report() {
    for (Iterator<Delivery<?>> it = sending.iterator(); it.hasNext(); ) {
      Delivery<?> d = it.next();
      if (d.done()) {
        it.remove();
        newestByKey.remove(d.key, d);
        d.report();
      }
    }
    doneBefore = 0;
  }

  /** Forgets deliveries whose records went to another member of the group. */
  void forgetDropped() {
    sending.removeIf(d -> d.dropped);
    newestByKey.values().removeIf(d -> d.dropped);
  }

  private <T> void send(Delivery<T> d, long now) {
    d.future = watch(d.send.get());
    d.sentAt = now;
  }

  /** One message sent until the broker acknowledges it. */
  static final class Delivery<T> implements CommitAfterAckLoop.Ack {
    private final String key;
    private final Supplier<CompletableFuture<T>> send;
    private final Consumer<T> onAck;
    private CompletableFuture<T> future;
    private long sentAt;
    private boolean superseded;
    private boolean dropped;

    private Delivery(String key, Supplier<CompletableFuture<T>> send, Consumer<T> onAck) {
      this.key = key;
      this.send = Objects.requireNonNull(send, "send");
      this.onAck = Objects.requireNonNull(onAck, "onAck");
    }

    @Override
    public boolean done() {
      return superseded || dropped || acked();
    }

    @Override
    public void drop() {
      dropped = true;
    }

    private boolean acked() {
      return future != null && future.isDone() && !future.isCompletedExceptionally();
    }

    private boolean failed() {
      return future != null && future.isCompletedExceptionally();
    }

    private boolean needsSend(long now, Duration timeout) {
      return future == null || failed() || now - sentAt > timeout.toNanos();
    }

    private void report() {
      if (acked() && !dropped && !superseded) {
        onAck.accept(future.join());
      }
    }

    private Throwable failure() {
      return future == null ? null : LoopStatus.failureOf(future);
    }
  }
}
