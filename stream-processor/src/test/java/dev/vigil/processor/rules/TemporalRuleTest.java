package dev.vigil.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Violation;
import dev.vigil.processor.rules.RuleState.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalRuleTest {
  private static final long T0 = 1_700_000_000_000L;

  /** Feeds (second offset, holds) pairs at 1 answer per entry and collects the events. */
  private static List<TemporalRule.Event> run(TemporalRule rule, double[][] answers) {
    RuleState s = RuleState.initial();
    List<TemporalRule.Event> events = new ArrayList<>();
    for (double[] a : answers) {
      TemporalRule.Step step = rule.step(s, T0 + Math.round(a[0] * 1000), a[1] > 0, a[1]);
      s = step.state();
      if (step.event() != null) {
        events.add(step.event());
      }
    }
    return events;
  }

  private static double[][] holding(double from, double to, double step, double answer) {
    int n = (int) Math.round((to - from) / step) + 1;
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = new double[] {from + i * step, answer};
    }
    return out;
  }

  private static double[][] concat(double[][]... parts) {
    List<double[]> all = new ArrayList<>();
    for (double[][] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray(new double[0][]);
  }

  private static List<Violation.State> states(List<TemporalRule.Event> events) {
    return events.stream().map(TemporalRule.Event::state).toList();
  }

  /** One event: an episode opened that started at {@code started}. */
  private static void assertOpenedOnce(List<TemporalRule.Event> events, long started) {
    assertThat(states(events)).containsExactly(Violation.State.OPEN);
    assertThat(events.get(0).started()).isEqualTo(started);
  }

  @Test
  void shouldOpenAtOnceWhenForIsZero() {
    TemporalRule rule = new TemporalRule("cam", "p", RuleSettings.of(0, 0));
    List<TemporalRule.Event> events = run(rule, new double[][] {{0, 0}, {1, 2}});
    assertThat(events).hasSize(1);
    assertThat(events.get(0).state()).isEqualTo(Violation.State.OPEN);
    assertThat(events.get(0).started()).isEqualTo(T0 + 1000);
    assertThat(events.get(0).episodeId()).isEqualTo(Violation.episodeId("cam", "p", T0 + 1000));
  }

  @Test
  void shouldNotOpenBeforeForHasElapsed() {
    TemporalRule rule = new TemporalRule("cam", "p", RuleSettings.of(10, 0));
    assertThat(run(rule, holding(0, 9.5, 0.5, 1))).isEmpty();
    List<TemporalRule.Event> events = run(rule, holding(0, 10, 0.5, 1));
    assertOpenedOnce(events, T0);
  }

  @Test
  void shouldKeepTimerThroughShortGapWhenWithinTolerance() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(10, 2, 5, 0));
    // Holds 0..5 s, one missed detection at 5.5 s, holds again 6..10 s: the timer keeps running.
    double[][] answers =
        concat(holding(0, 5, 0.5, 1), new double[][] {{5.5, 0}}, holding(6, 10, 0.5, 1));
    List<TemporalRule.Event> events = run(rule, answers);
    assertOpenedOnce(events, T0);
  }

  @Test
  void shouldResetTimerWhenGapExceedsTolerance() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(10, 2, 5, 0));
    double[][] answers =
        concat(holding(0, 5, 0.5, 1), holding(5.5, 8, 0.5, 0), holding(8.5, 14, 0.5, 1));
    assertThat(run(rule, answers)).isEmpty();
  }

  @Test
  void shouldResolveAfterResolveDelayWhenConditionStaysFalse() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(0, 2, 5, 0));
    double[][] answers = concat(holding(0, 3, 1, 1), holding(4, 7, 1, 0), holding(8, 9, 1, 0));
    List<TemporalRule.Event> events = run(rule, answers);
    assertThat(states(events)).containsExactly(Violation.State.OPEN, Violation.State.RESOLVED);
    // Last true at 3 s; false for >= 5 s first at 8 s.
    assertThat(events.get(1).ended()).isEqualTo(T0 + 8000);
    assertThat(events.get(1).episodeId()).isEqualTo(events.get(0).episodeId());
  }

  @Test
  void shouldNotResolveWhenFalseOnlyBriefly() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(0, 2, 5, 0));
    double[][] answers = concat(holding(0, 3, 1, 1), holding(4, 6, 1, 0), holding(7, 20, 1, 1));
    assertThat(states(run(rule, answers))).containsExactly(Violation.State.OPEN);
  }

  @Test
  void shouldEmitUpdateWhenAnswerChangesWhileOpen() {
    TemporalRule rule = new TemporalRule("cam", "p", RuleSettings.of(0, 0));
    List<TemporalRule.Event> events = run(rule, new double[][] {{0, 1}, {1, 1}, {6, 3}, {7, 3}});
    assertThat(states(events)).containsExactly(Violation.State.OPEN, Violation.State.UPDATE);
    assertThat(events.get(1).answer()).isEqualTo(3.0);
  }

  @Test
  void shouldNotFloodUpdatesWhenCountFlickers() {
    TemporalRule rule = new TemporalRule("cam", "p", RuleSettings.of(0, 0));
    // 2, 1, 2, 1 ... every half second for 4 s, then steady at 1: one update, with the newest.
    double[][] flicker = new double[12][];
    for (int i = 0; i < 10; i++) {
      flicker[i] = new double[] {i * 0.5, i % 2 == 0 ? 2 : 1};
    }
    flicker[10] = new double[] {5.5, 1};
    flicker[11] = new double[] {6.0, 1};
    List<TemporalRule.Event> events = run(rule, flicker);
    assertThat(states(events)).containsExactly(Violation.State.OPEN, Violation.State.UPDATE);
    assertThat(events.get(1).answer()).isEqualTo(1.0);
  }

  @Test
  void shouldSuppressNewEpisodeDuringCooldown() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(0, 1, 2, 30));
    // Open at 0, resolve at 3 (false from 1 s), true again at 10 s: inside the 30 s cooldown.
    double[][] answers =
        concat(new double[][] {{0, 1}}, holding(1, 3, 1, 0), holding(10, 20, 1, 1));
    assertThat(states(run(rule, answers)))
        .containsExactly(Violation.State.OPEN, Violation.State.RESOLVED);
    // After the cooldown it opens again, with a new id.
    double[][] later = concat(answers, holding(34, 35, 1, 1));
    List<TemporalRule.Event> events = run(rule, later);
    assertThat(states(events))
        .containsExactly(Violation.State.OPEN, Violation.State.RESOLVED, Violation.State.OPEN);
    assertThat(events.get(2).episodeId()).isNotEqualTo(events.get(0).episodeId());
  }

  @Test
  void shouldProduceSameIdsWhenReplayed() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(2, 1, 2, 0));
    double[][] answers =
        concat(holding(0, 4, 0.5, 1), holding(4.5, 8, 0.5, 0), holding(9, 12, 0.5, 2));
    List<TemporalRule.Event> first = run(rule, answers);
    List<TemporalRule.Event> replay =
        run(new TemporalRule("cam", "p", new RuleSettings(2, 1, 2, 0)), answers);
    assertThat(first).hasSizeGreaterThanOrEqualTo(3);
    assertThat(replay).isEqualTo(first);
  }

  @Test
  void shouldIgnoreOutOfOrderAnswers() {
    TemporalRule rule = new TemporalRule("cam", "p", RuleSettings.of(0, 0));
    RuleState s = rule.step(RuleState.initial(), T0 + 5000, false, 0).state();
    TemporalRule.Step late = rule.step(s, T0 + 1000, true, 1);
    assertThat(late.event()).isNull();
    assertThat(late.state()).isEqualTo(s);
  }

  @Test
  void shouldResolveOnStreamTimeWhenConditionWasLastSeenFalse() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(0, 1, 5, 0));
    RuleState s = rule.step(RuleState.initial(), T0, true, 1).state();
    s = rule.step(s, T0 + 1000, false, 0).state();
    assertThat(rule.advance(s, T0 + 3000).event()).isNull();
    TemporalRule.Step resolved = rule.advance(s, T0 + 6000);
    assertThat(resolved.event().state()).isEqualTo(Violation.State.RESOLVED);
    assertThat(resolved.state().phase()).isEqualTo(Phase.IDLE);
  }

  @Test
  void shouldNotResolveOnStreamTimeWhenCameraWentSilentWhileViolating() {
    TemporalRule rule = new TemporalRule("cam", "p", new RuleSettings(0, 1, 5, 0));
    RuleState s = rule.step(RuleState.initial(), T0, true, 1).state();
    assertThat(rule.advance(s, T0 + 60_000).event()).isNull();
  }
}
