package dev.vigil.agent.capture;

import java.time.Duration;

/**
 * Wall clock, monotonic clock and sleep, injectable so tests can drive pacing and retry backoff
 * without real sleeps. Implementations must be thread-safe: every camera loop shares one.
 */
public interface AgentClock {
  /** The system clock; {@link #sleep} is {@link Thread#sleep}. */
  AgentClock SYSTEM =
      new AgentClock() {
        @Override
        public long wallMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
          long ms = duration.toMillis();
          if (ms > 0) {
            Thread.sleep(ms);
          }
        }
      };

  /** Epoch milliseconds. */
  long wallMillis();

  /** Monotonic nanoseconds, for pacing. */
  long nanoTime();

  /** Sleeps; must react to interruption. */
  void sleep(Duration duration) throws InterruptedException;
}
