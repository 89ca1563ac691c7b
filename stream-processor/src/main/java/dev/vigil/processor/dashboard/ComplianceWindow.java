package dev.vigil.processor.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-minute helmet counts of one camera over the last hour of event time: the value of {@link
 * DashboardTopology#COMPLIANCE_STORE}. Immutable.
 *
 * @param buckets one bucket per minute that saw people, oldest first
 */
public record ComplianceWindow(List<Bucket> buckets) {
  /** The span compliance is computed over. */
  public static final long WINDOW_MS = 3_600_000L;

  static final long MINUTE_MS = 60_000L;

  public ComplianceWindow {
    buckets = buckets == null ? List.of() : List.copyOf(buckets);
  }

  /**
   * Person sightings in one minute, summed over frames.
   *
   * @param minute start of the minute, epoch millis
   * @param helmet people judged wearing a helmet
   * @param noHelmet people judged not wearing a helmet
   * @param unknown people whose head could not be judged
   */
  public record Bucket(long minute, long helmet, long noHelmet, long unknown) {}

  /** Helmet and no-helmet sums over a span. */
  public record Totals(long helmet, long noHelmet, long unknown) {
    /** Nobody seen. */
    public static final Totals NONE = new Totals(0, 0, 0);

    /** One person with helmet judgement {@code helmet} (null: not judged). */
    static Totals of(Boolean helmet) {
      if (helmet == null) {
        return new Totals(0, 0, 1);
      }
      return helmet ? new Totals(1, 0, 0) : new Totals(0, 1, 0);
    }

    /** These counts and {@code other}'s together. */
    public Totals plus(Totals other) {
      return new Totals(helmet + other.helmet, noHelmet + other.noHelmet, unknown + other.unknown);
    }

    /** Percent of judged heads wearing a helmet, or null when no head was judged. */
    public Double percent() {
      long judged = helmet + noHelmet;
      return judged == 0 ? null : 100.0 * helmet / judged;
    }
  }

  /**
   * Adds one frame's counts at event time {@code timestamp}, and drops the minutes that are more
   * than an hour older than {@code newest} (the camera's newest event time).
   */
  ComplianceWindow add(long timestamp, long newest, long helmet, long noHelmet, long unknown) {
    long minute = Math.floorDiv(timestamp, MINUTE_MS) * MINUTE_MS;
    long oldest = oldestMinute(newest);
    List<Bucket> next = new ArrayList<>(buckets.size() + 1);
    boolean merged = false;
    for (Bucket b : buckets) {
      if (b.minute() < oldest) {
        continue;
      }
      if (b.minute() == minute) {
        b = new Bucket(minute, b.helmet() + helmet, b.noHelmet() + noHelmet, b.unknown() + unknown);
        merged = true;
      }
      next.add(b);
    }
    if (!merged && minute >= oldest) {
      next.add(new Bucket(minute, helmet, noHelmet, unknown));
      next.sort(Comparator.comparingLong(Bucket::minute));
    }
    return new ComplianceWindow(next);
  }

  /** Sums the minutes of the hour that ends with the minute of {@code newest}. */
  public Totals totals(long newest) {
    long oldest = oldestMinute(newest);
    long h = 0;
    long n = 0;
    long u = 0;
    for (Bucket b : buckets) {
      if (b.minute() >= oldest && b.minute() <= newest) {
        h += b.helmet();
        n += b.noHelmet();
        u += b.unknown();
      }
    }
    return new Totals(h, n, u);
  }

  /**
   * The first minute of the hour (60 whole minutes) that ends with the minute of {@code newest}.
   */
  static long oldestMinute(long newest) {
    return Math.floorDiv(newest, MINUTE_MS) * MINUTE_MS - WINDOW_MS + MINUTE_MS;
  }
}
