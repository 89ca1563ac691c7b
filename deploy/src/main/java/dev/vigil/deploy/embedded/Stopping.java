package dev.vigil.deploy.embedded;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/** Stops an embedded broker and logs how long that took, as both brokers report their stop. */
final class Stopping {
  private Stopping() {}

  /** Runs {@code stop}, then logs "{broker} at {address} stopped in N ms". */
  static void timed(Logger log, String broker, String address, Runnable stop) {
    long started = System.nanoTime();
    stop.run();
    log.info(
        "{} at {} stopped in {} ms",
        broker,
        address,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
