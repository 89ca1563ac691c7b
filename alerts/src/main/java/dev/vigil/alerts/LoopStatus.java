package dev.vigil.alerts;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * What one consumer loop is doing, for health checks: running, retrying (and why), stopped after a
 * close, or failed. A failure is final: {@link #terminated()} completes exceptionally with it, so a
 * runner can end the process instead of running on with a dead thread. Thread-safe.
 */
public final class LoopStatus {
  /** The loop's state. */
  public enum State {
    STARTING,
    RUNNING,
    RETRYING,
    STOPPED,
    FAILED
  }

  private final String name;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile State state = State.STARTING;
  private volatile String detail = "";

  LoopStatus(String name) {
    this.name = name;
  }

  /** The loop's name, e.g. {@code violations}. */
  public String name() {
    return name;
  }

  public State state() {
    return state;
  }

  /** Why it retries or failed; empty otherwise. */
  public String detail() {
    return detail;
  }

  /**
   * Completes normally when the loop stopped after a close, exceptionally with the cause when it
   * failed.
   */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** The failure that ended the loop, or null. */
  public Throwable failure() {
    return failureOf(terminated);
  }

  /** Why {@code future} completed exceptionally, unwrapped; null when it did not (yet). */
  static Throwable failureOf(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  /** One line for health output, e.g. {@code RETRYING: mqtt publish: not connected}. */
  @Override
  public String toString() {
    return detail.isEmpty() ? state.name() : state.name() + ": " + detail;
  }

  void running() {
    if (!terminated.isDone()) {
      state = State.RUNNING;
      detail = "";
    }
  }

  /**
   * One failed attempt of a loop: counts it under {@code operation}, shows it as retrying, logs it
   * (the first and every tenth time) and waits out {@code backoff}, or less if {@code stop} opens.
   *
   * @param what what failed, for the status and the log, e.g. {@code kafka poll failed}
   */
  void retryAfterBackoff(
      String what,
      Throwable cause,
      String operation,
      AlertsMetrics metrics,
      Backoff backoff,
      Logger log,
      CountDownLatch stop) {
    metrics.retried(operation);
    retrying(what, cause);
    Duration delay = backoff.next();
    if (backoff.attempts() == 1 || backoff.attempts() % 10 == 0) {
      log.warn(
          "{} (attempt {}); retrying in {} ms: {}",
          what,
          backoff.attempts(),
          delay.toMillis(),
          cause == null ? "" : oneLine(cause));
    }
    try {
      stop.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void retrying(String what, Throwable cause) {
    if (!terminated.isDone()) {
      state = State.RETRYING;
      detail = what + (cause == null ? "" : ": " + oneLine(cause));
    }
  }

  void stopped() {
    if (!terminated.isDone()) {
      state = State.STOPPED;
      detail = "";
      terminated.complete(null);
    }
  }

  void failed(Throwable cause) {
    if (!terminated.isDone()) {
      state = State.FAILED;
      detail = oneLine(cause);
      terminated.completeExceptionally(cause);
    }
  }

  static String oneLine(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
  }
}
