package dev.vigil.processor.dashboard;

import dev.vigil.config.Violation;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the open violations, the violation events of the current UTC day and the episodes per hour.
 */
final class ViolationTracker implements Processor<String, Violation, Void, Void> {
  private final VigilMetrics metrics;
  private final int historyLimit;
  private KeyValueStore<String, Violation> open;
  private KeyValueStore<String, HistoryEvent> history;
  private KeyValueStore<String, HourlyViolations> hourly;
  private final HourlyRetention hourlyRetention = new HourlyRetention();
  private int historySize = -1;

  ViolationTracker(VigilMetrics metrics, int historyLimit) {
    this.metrics = metrics;
    this.historyLimit = historyLimit;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    open = context.getStateStore(DashboardTopology.OPEN_VIOLATIONS_STORE);
    history = context.getStateStore(DashboardTopology.HISTORY_STORE);
    hourly = context.getStateStore(DashboardTopology.HOURLY_VIOLATIONS_STORE);
    historySize = -1; // counted from the store on first use, as it may have been restored
  }

  @Override
  public void process(Record<String, Violation> record) {
    Violation v = record.value();
    if (v == null || v.id() == null || v.state() == null) {
      return;
    }
    if (metrics != null) {
      metrics.violation(v.state().toString());
    }
    // A rejected event is an alert the model held back (verify_mode gate): never open.
    if (Violation.State.RESOLVED.equals(v.state()) || Violation.State.REJECTED.equals(v.state())) {
      open.delete(v.id());
    } else {
      open.put(v.id(), v);
    }
    record(record.timestamp(), v);
    countEpisode(v);
  }

  /** Counts the episode in the hour its condition began, once per id. */
  private void countEpisode(Violation v) {
    if (Violation.State.RESOLVED.equals(v.state())
        || Violation.State.REJECTED.equals(v.state())
        || v.camera() == null
        || v.prompt() == null) {
      return; // an episode is counted by its open (or update) event; a rejected one never opened
    }
    long hour = HourlyRetention.hourOf(v.started());
    if (!hourlyRetention.admit(hourly, hour)) {
      return;
    }
    String key = HourlyRetention.key(hour, v.camera(), v.prompt().id());
    HourlyViolations h = hourly.get(key);
    if (h == null) {
      h = new HourlyViolations(hour, v.camera(), v.prompt().id(), null);
    }
    HourlyViolations next = h.add(v.id());
    if (next != h) {
      hourly.put(key, next);
    }
  }

  private void record(long ts, Violation v) {
    if (historySize < 0) {
      historySize = count();
    }
    long day = startOfUtcDay(ts);
    long newest = newestTimestamp();
    if (newest != Long.MIN_VALUE) {
      long newestDay = startOfUtcDay(newest);
      if (day < newestDay) {
        return; // a late event of a day that is no longer today
      }
      if (day > newestDay) {
        // A new UTC day began (by stream time): yesterday's events leave the history.
        historySize -=
            HourlyRetention.deleteBefore(history, String.format(Locale.ROOT, "%015d", day));
      }
    }
    String key = DashboardTopology.historyKey(ts, v);
    if (history.get(key) == null) {
      historySize++;
    }
    history.put(key, new HistoryEvent(ts, v));
    while (historySize > historyLimit) {
      String oldest = firstKey();
      if (oldest == null) {
        break;
      }
      history.delete(oldest);
      historySize--;
    }
  }

  private long newestTimestamp() {
    try (KeyValueIterator<String, HistoryEvent> it = history.reverseAll()) {
      return it.hasNext() ? it.next().value.timestamp() : Long.MIN_VALUE;
    }
  }

  private String firstKey() {
    try (KeyValueIterator<String, HistoryEvent> it = history.all()) {
      return it.hasNext() ? it.next().key : null;
    }
  }

  private int count() {
    int n = 0;
    try (KeyValueIterator<String, HistoryEvent> it = history.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  static long startOfUtcDay(long ts) {
    if (ts == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    LocalDate day = Instant.ofEpochMilli(ts).atZone(ZoneOffset.UTC).toLocalDate();
    return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }
}
