package dev.vigil.processor.rules;

/**
 * One camera's own clock, kept by the rule processor: rules advance on each camera's timestamps,
 * never on the partition's stream time, so a camera that trails another (a spool replayed after an
 * outage) keeps its answers and opens its violations as it would live.
 *
 * @param lastEvent the largest event time seen from the camera, epoch millis
 * @param lastArrival the processor's wall-clock time of the camera's last record, epoch millis
 * @param online false once the camera sent nothing for its {@code offline_after_s}
 */
public record CameraClock(long lastEvent, long lastArrival, boolean online) {
  /**
   * The camera's time at wall-clock {@code now}: its last event time, moved on by the wall-clock
   * time since that record arrived (never before {@code notBefore}, the processor's start, so a
   * restart does not count as silence). Lets rules resolve while a camera sends nothing.
   */
  public long eventTimeAt(long now, long notBefore) {
    return lastEvent + Math.max(0, now - Math.max(lastArrival, notBefore));
  }

  /**
   * Wall-clock millis the camera has been silent at {@code now}, counted from {@code notBefore}.
   */
  public long silentFor(long now, long notBefore) {
    return now - Math.max(lastArrival, notBefore);
  }
}
