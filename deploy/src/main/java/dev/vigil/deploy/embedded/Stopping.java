package dev.vigil.deploy.embedded;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Stops an embedded broker once, however often and from whichever threads it is closed, and logs
 * how long the stop took.
 */
final class Stopping {
  private final Logger log;
  private final String broker;
  private boolean stopped;

  /**
   * @param broker what the log line calls the broker, e.g. "Embedded Kafka"
   */
  Stopping(Logger log, String broker) {
    this.log = log;
    this.broker = broker;
  }

  /** Runs {@code stop} the first time only, then logs "{broker} at {address} stopped in N ms". */
  synchronized void once(String address, Runnable stop) {
    if (stopped) {
      return;
    }
    stopped = true;
    long started = System.nanoTime();
    stop.run();
    log.info(
        "{} at {} stopped in {} ms",
        broker,
        address,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
