package dev.vigil.processor.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one hourly store within {@link #RETENTION} of its newest hour (event time, per task). Keys
 * start with the hour, zero-padded ({@link #key}), so they sort by time and the hours that leave
 * are one range at the front. Not thread-safe: one per processor instance.
 *
 * <p>Why a key-value store and not a Kafka Streams window store: the dashboard's plant-wide view
 * ({@link PlantStores}, {@code /api/local/stores}) reads key-value stores, and an hour is a fixed
 * bucket that several dimensions (zone, prompt) share, not a sliding window. The retention a window
 * store would give comes from two places here: this class deletes the expired hours locally (their
 * tombstones reach the changelog), and the changelog itself is {@code compact,delete} with a
 * retention a day longer ({@link #changelogConfig}), as Kafka Streams sets for window stores, so a
 * restore never brings back more than 30 days either.
 */
final class HourlyRetention {
  /** How long hourly counts are kept. */
  static final Duration RETENTION = Duration.ofDays(30);

  static final long HOUR_MS = 3_600_000L;

  private long newestHour = Long.MIN_VALUE;

  /** Start of the UTC hour holding {@code timestamp}. */
  static long hourOf(long timestamp) {
    return Math.floorDiv(timestamp, HOUR_MS) * HOUR_MS;
  }

  /** The store key of {@code hour}, then {@code parts}, separated by {@code /}. */
  static String key(long hour, String... parts) {
    return prefix(hour) + "/" + String.join("/", parts);
  }

  /** The zero-padded hour every key of that hour starts with. */
  static String prefix(long hour) {
    return String.format(Locale.ROOT, "%015d", Math.max(0, hour));
  }

  /** The hour a key starts with. */
  static long hourOfKey(String key) {
    return Long.parseLong(key.substring(0, 15));
  }

  /** The first hour kept when {@code newestHour} is the newest. */
  static long oldestKept(long newestHour) {
    return newestHour - RETENTION.toMillis() + HOUR_MS;
  }

  /** Changelog settings: compacted, and deleted a day after the retention, as window stores do. */
  static Map<String, String> changelogConfig() {
    return Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG,
        Long.toString(RETENTION.plusDays(1).toMillis()));
  }

  /**
   * Moves the newest hour of {@code store} to {@code hour} if it is newer, deleting the hours that
   * fall out of retention.
   *
   * @return whether {@code hour} is still kept (false for a record older than the retention)
   */
  boolean admit(KeyValueStore<String, ?> store, long hour) {
    if (newestHour == Long.MIN_VALUE) {
      newestHour = newestInStore(store); // after a restore the store may already hold hours
    }
    if (hour > newestHour) {
      newestHour = hour;
      deleteBefore(store, prefix(oldestKept(hour)));
    }
    return hour >= oldestKept(newestHour);
  }

  private static long newestInStore(KeyValueStore<String, ?> store) {
    try (KeyValueIterator<String, ?> it = store.reverseAll()) {
      return it.hasNext() ? hourOfKey(it.next().key) : Long.MIN_VALUE;
    }
  }

  /** Deletes every key that sorts before {@code prefix}; returns how many. */
  static int deleteBefore(KeyValueStore<String, ?> store, String prefix) {
    List<String> doomed = new ArrayList<>();
    try (KeyValueIterator<String, ?> it = store.all()) {
      while (it.hasNext()) {
        String key = it.next().key;
        if (key.compareTo(prefix) >= 0) {
          break;
        }
        doomed.add(key);
      }
    }
    doomed.forEach(store::delete);
    return doomed.size();
  }
}
