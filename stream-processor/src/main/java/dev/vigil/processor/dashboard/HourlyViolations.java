package dev.vigil.processor.dashboard;

import java.util.List;
import java.util.TreeSet;

/**
 * The violation episodes of one prompt on one camera whose condition began in one UTC hour: the
 * value of {@link DashboardTopology#HOURLY_VIOLATIONS_STORE}. Episodes are kept by id, so an event
 * seen twice (an {@code open} and its {@code update}s, or a replay) counts once. Immutable.
 *
 * @param hour start of the hour, epoch millis
 * @param camera camera id
 * @param prompt prompt id
 * @param opened ids of the episodes, sorted
 */
public record HourlyViolations(long hour, String camera, String prompt, List<String> opened) {
  /** The most episode ids kept per hour; more would mean a rule firing every few seconds. */
  static final int MAX_IDS = 3600;

  public HourlyViolations {
    opened = opened == null ? List.of() : List.copyOf(opened);
  }

  /** This hour with episode {@code id} added (unchanged when already there or full). */
  HourlyViolations add(String id) {
    if (opened.contains(id) || opened.size() >= MAX_IDS) {
      return this;
    }
    TreeSet<String> ids = new TreeSet<>(opened);
    ids.add(id);
    return new HourlyViolations(hour, camera, prompt, List.copyOf(ids));
  }
}
