package dev.vigil.alerts;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the parts of one consumer loop share: its metrics {@code source} label (also named in logs),
 * its status, its current counters, its logger, and the latch a close opens to end a backoff early.
 */
record LoopContext(
    String source,
    LoopStatus status,
    Supplier<AlertsMetrics> metrics,
    Logger log,
    CountDownLatch closing) {

  /** One failed attempt: counted, shown as retrying, logged, and waited out (see LoopStatus). */
  void retryAfterBackoff(String what, Throwable cause, String operation, Backoff backoff) {
    status.retryAfterBackoff(what, cause, operation, metrics.get(), backoff, log, closing);
  }
}
