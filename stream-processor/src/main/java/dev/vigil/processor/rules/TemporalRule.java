package dev.vigil.processor.rules;

import dev.vigil.config.Violation;
import dev.vigil.processor.rules.RuleState.Phase;

/**
 * The rule state machine of one camera x prompt, in event time. Pure: the same answers at the same
 * timestamps always give the same events and the same episode ids, so a replay after a crash
 * deduplicates downstream.
 *
 * <p>idle -> pending when the condition holds (unless in cooldown); pending -> open once it has
 * held for {@code for}; gaps shorter than the gap tolerance neither reset the timer nor resolve;
 * open -> idle (resolved) once it has been false for the resolve delay.
 *
 * @param camera the camera the rule watches, part of each episode id
 * @param promptId the prompt the rule runs, part of each episode id
 * @param settings how long the condition must hold, the gap tolerance, resolve delay and cooldown
 */
public record TemporalRule(String camera, String promptId, RuleSettings settings) {
  /** The least event time between two events of one open episode that report a new answer. */
  public static final long MIN_UPDATE_INTERVAL_MS = 5_000;

  /** What one step produced: the next state, and the event to emit (or null). */
  public record Step(RuleState state, Event event) {}

  /**
   * One lifecycle event.
   *
   * @param state {@link Violation#OPEN}, {@link Violation#UPDATE} or {@link Violation#RESOLVED}
   * @param episodeId deterministic episode id
   * @param started episode start, event time
   * @param ended resolve time, or null
   * @param answer the answer at this event
   */
  public record Event(
      Violation.State state, String episodeId, long started, Long ended, double answer) {}

  /**
   * Advances the rule by one answer.
   *
   * @param s the state before
   * @param timestamp event time of the answer, epoch millis
   * @param holds whether the prompt's condition holds
   * @param answer the prompt's answer
   */
  public Step step(RuleState s, long timestamp, boolean holds, double answer) {
    if (s.lastSeen() >= 0 && timestamp < s.lastSeen()) {
      // Out-of-order answer: the state already reflects later event time; ignore it.
      return new Step(s, null);
    }
    return switch (s.phase()) {
      case IDLE -> fromIdle(s, timestamp, holds, answer);
      case PENDING -> fromPending(s, timestamp, holds, answer);
      case OPEN -> fromOpen(s, timestamp, holds, answer);
    };
  }

  /**
   * Advances the rule to {@code streamTime} with no new answer: a pending run whose gap has grown
   * past the tolerance goes idle, and an open episode whose condition has been false (or unseen)
   * for the resolve delay resolves. Called by a stream-time punctuator.
   */
  public Step advance(RuleState s, long streamTime) {
    if (s.phase() == Phase.PENDING && streamTime - s.lastTrue() > settings.gapToleranceMs()) {
      return new Step(idle(s, s.resolvedAt(), streamTime), null);
    }
    if (s.phase() == Phase.OPEN && s.lastSeen() > s.lastTrue()) {
      return fromOpen(s, Math.max(streamTime, s.lastSeen()), false, s.answer());
    }
    return new Step(s, null);
  }

  private Step fromIdle(RuleState s, long ts, boolean holds, double answer) {
    if (!holds) {
      return new Step(seen(s, ts), null);
    }
    if (s.resolvedAt() >= 0 && ts - s.resolvedAt() < settings.cooldownMs()) {
      return new Step(seen(s, ts), null);
    }
    RuleState pending = new RuleState(Phase.PENDING, ts, ts, ts, answer, s.resolvedAt(), null, -1);
    return maybeOpen(pending, ts, answer);
  }

  private Step fromPending(RuleState s, long ts, boolean holds, double answer) {
    if (holds) {
      RuleState next =
          new RuleState(Phase.PENDING, s.since(), ts, ts, answer, s.resolvedAt(), null, -1);
      return maybeOpen(next, ts, answer);
    }
    if (ts - s.lastTrue() > settings.gapToleranceMs()) {
      return new Step(idle(s, s.resolvedAt(), ts), null);
    }
    return new Step(seen(s, ts), null);
  }

  private Step maybeOpen(RuleState s, long ts, double answer) {
    if (ts - s.since() < settings.forMs()) {
      return new Step(s, null);
    }
    String id = Violation.episodeId(camera, promptId, s.since());
    RuleState open = new RuleState(Phase.OPEN, s.since(), ts, ts, answer, s.resolvedAt(), id, ts);
    return new Step(open, new Event(Violation.State.OPEN, id, s.since(), null, answer));
  }

  private Step fromOpen(RuleState s, long ts, boolean holds, double answer) {
    if (holds) {
      // A changed answer is reported at most every MIN_UPDATE_INTERVAL_MS, so a count that
      // flickers between frames does not flood subscribers; the newest answer wins.
      boolean report = answer != s.answer() && ts - s.reportedAt() >= MIN_UPDATE_INTERVAL_MS;
      RuleState next =
          new RuleState(
              Phase.OPEN,
              s.since(),
              ts,
              ts,
              report ? answer : s.answer(),
              s.resolvedAt(),
              s.episodeId(),
              report ? ts : s.reportedAt());
      Event update =
          report ? new Event(Violation.State.UPDATE, s.episodeId(), s.since(), null, answer) : null;
      return new Step(next, update);
    }
    if (ts - s.lastTrue() >= settings.resolveDelayMs()) {
      // The episode ends when the condition was last seen true plus the delay it had to stay false.
      Event resolved = new Event(Violation.State.RESOLVED, s.episodeId(), s.since(), ts, answer);
      return new Step(idle(s, ts, ts), resolved);
    }
    return new Step(seen(s, ts), null);
  }

  private static RuleState seen(RuleState s, long ts) {
    return new RuleState(
        s.phase(),
        s.since(),
        s.lastTrue(),
        ts,
        s.answer(),
        s.resolvedAt(),
        s.episodeId(),
        s.reportedAt());
  }

  private static RuleState idle(RuleState s, long resolvedAt, long ts) {
    return new RuleState(Phase.IDLE, -1, -1, ts, 0, resolvedAt, null, -1);
  }
}
