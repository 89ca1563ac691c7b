package dev.vigil.deploy.drill;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one drill.
 *
 * @param expected violation events (distinct id and state, open and resolved) of the fault-free
 *     reference run on the same footage
 * @param delivered distinct (id, state) violation events the MQTT subscriber received
 * @param lost expected events with no delivered event of the same camera, prompt, state and episode
 *     start (relative to the camera's first frame)
 * @param duplicateIds MQTT messages beyond the first for the same (id, state)
 * @param unexpected delivered events beyond the expected count of their camera, prompt and state
 * @param shifted delivered events matched to an expected one whose episode start (relative to the
 *     camera's first frame) differs by more than 300 ms: the alert came, but its episode was timed
 *     differently, so its id differs from the reference's
 * @param maxDelayMs worst time from the event's due time (its record's event time, on the camera's
 *     own clock corrected for any injected skew) to its first MQTT receipt
 * @param gapMs longest wall-clock pause between two observations of the run's cameras, as a
 *     read-committed consumer saw them
 * @param ok nothing lost and every extra check of the drill passed
 * @param note what the drill did, or why it failed
 */
record DrillResult(
    String name,
    int expected,
    int delivered,
    int lost,
    int duplicateIds,
    int unexpected,
    int shifted,
    long maxDelayMs,
    long gapMs,
    boolean ok,
    String note) {

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("expected", expected);
    m.put("delivered", delivered);
    m.put("lost", lost);
    m.put("duplicate_ids", duplicateIds);
    m.put("max_delay_ms", maxDelayMs);
    m.put("gap_ms", gapMs);
    m.put("unexpected", unexpected);
    m.put("shifted", shifted);
    m.put("ok", ok);
    m.put("note", note);
    return m;
  }
}
