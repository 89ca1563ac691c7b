package dev.vigil.deploy.drill;

/**
 * The figures of one drill. Written as JSON by {@link dev.vigil.config.Json}: the components in
 * snake_case, in this order (docs/RELIABILITY.md shows it).
 *
 * @param expected violation events (distinct id and state, open and resolved) of the fault-free
 *     reference run on the same footage
 * @param delivered distinct (id, state) violation events the MQTT subscriber received
 * @param lost expected events with no delivered event of the same camera, prompt, state and episode
 *     start (relative to the camera's first frame)
 * @param duplicateIds MQTT messages beyond the first for the same (id, state)
 * @param maxDelayMs worst time from the event's due time (its record's event time, on the camera's
 *     own clock corrected for any injected skew) to its first MQTT receipt
 * @param gapMs longest wall-clock pause between two observations of the run's cameras, as a
 *     read-committed consumer saw them
 * @param unexpected delivered events beyond the expected count of their camera, prompt and state
 * @param shifted delivered events matched to an expected one whose episode start (relative to the
 *     camera's first frame) differs by more than 300 ms: the alert came, but its episode was timed
 *     differently, so its id differs from the reference's
 * @param ok nothing lost and every extra check of the drill passed
 * @param note what the drill did, or why it failed
 */
record DrillResult(
    String name,
    int expected,
    int delivered,
    int lost,
    int duplicateIds,
    long maxDelayMs,
    long gapMs,
    int unexpected,
    int shifted,
    boolean ok,
    String note) {}
