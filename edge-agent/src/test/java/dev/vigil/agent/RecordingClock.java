package dev.vigil.agent;

import dev.vigil.agent.capture.AgentClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock whose sleeps return at once and are recorded, advancing its time by the sleep. */
final class RecordingClock implements AgentClock {
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private volatile long offsetNanos;

  @Override
  public long wallMillis() {
    return System.currentTimeMillis() + offsetNanos / 1_000_000;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime() + offsetNanos;
  }

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    offsetNanos += d.toNanos();
  }
}
