package dev.vigil.processor.rules;

/**
 * The state of one camera x prompt rule between frames. Stored as JSON in a state store, so it
 * survives restarts. Immutable.
 *
 * @param phase idle, pending (condition holds, not yet long enough) or open
 * @param since event time the current run of the condition began; the episode's start
 * @param lastTrue event time the condition last held
 * @param lastSeen event time of the last answer, true or false
 * @param answer while open, the answer last reported in an event; otherwise the last answer
 * @param resolvedAt event time the last episode resolved, for cooldown; -1 when none
 * @param episodeId id of the open episode, or null
 * @param reportedAt event time of the last open or update event of the episode; -1 when none
 * @param meaning the canonical form of the prompt this state was built under, or null; when the
 *     prompt's meaning changes, its episode ends
 */
public record RuleState(
    Phase phase,
    long since,
    long lastTrue,
    long lastSeen,
    double answer,
    long resolvedAt,
    String episodeId,
    long reportedAt,
    String meaning) {

  /** A state not yet tied to a prompt's meaning. */
  public RuleState(
      Phase phase,
      long since,
      long lastTrue,
      long lastSeen,
      double answer,
      long resolvedAt,
      String episodeId,
      long reportedAt) {
    this(phase, since, lastTrue, lastSeen, answer, resolvedAt, episodeId, reportedAt, null);
  }

  /** This state, built under the prompt whose canonical form is {@code meaning}. */
  public RuleState withMeaning(String meaning) {
    return new RuleState(
        phase, since, lastTrue, lastSeen, answer, resolvedAt, episodeId, reportedAt, meaning);
  }

  /** Where a rule stands. */
  public enum Phase {
    IDLE,
    PENDING,
    OPEN
  }

  public static RuleState initial() {
    return new RuleState(Phase.IDLE, -1, -1, -1, 0, -1, null, -1);
  }
}
