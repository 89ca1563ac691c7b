package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AbstentionBandTest {

  private static List<AbstentionBand.Scored> heads(boolean helmet, double... probabilities) {
    List<AbstentionBand.Scored> out = new ArrayList<>();
    for (double p : probabilities) {
      out.add(new AbstentionBand.Scored(p, helmet));
    }
    return out;
  }

  private static List<AbstentionBand.Scored> concat(
      List<AbstentionBand.Scored> a, List<AbstentionBand.Scored> b) {
    List<AbstentionBand.Scored> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void shouldLeaveTheProbabilitiesWhereBareHeadsPassForHelmetsUnjudged() {
    // Camera-like bare heads that score 0.70-0.85 (dark hair seen from above), clear helmets
    // above 0.9, clear bare heads below 0.1.
    List<AbstentionBand.Scored> cctv =
        concat(heads(false, 0.70, 0.75, 0.8, 0.85, 0.02, 0.05, 0.08), heads(true, 0.95, 0.97));
    List<AbstentionBand.Scored> photos =
        concat(heads(true, 0.92, 0.95, 0.99, 0.99), heads(false, 0.01, 0.03, 0.06));

    AbstentionBand band = AbstentionBand.choose(Map.of("cctv", cctv, "photos", photos), 0.05);

    assertThat(band.helmetFrom()).isGreaterThan(0.85).isLessThanOrEqualTo(0.92);
    assertThat(band.decide(0.8)).isNull();
    assertThat(band.decide(0.95)).isTrue();
    assertThat(band.decide(0.05)).isFalse();
    assertThat(band.figures(cctv).falseHelmet()).isZero();
    assertThat(band.figures(cctv).judged()).isEqualTo(5.0 / 9);
  }

  @Test
  void shouldJudgeEverythingWhenTheClassesDoNotOverlap() {
    List<AbstentionBand.Scored> clean =
        concat(heads(true, 0.7, 0.9, 0.99), heads(false, 0.1, 0.3, 0.45));

    AbstentionBand band = AbstentionBand.choose(Map.of("clean", clean), 0.05);

    assertThat(band.figures(clean).judged()).isEqualTo(1.0);
    assertThat(band.figures(clean).falseHelmet()).isZero();
    assertThat(band.figures(clean).falseBare()).isZero();
  }

  @Test
  void shouldTakeTheSmallestWorstErrorWhenNoBandMeetsTheLimit() {
    // A bare head at 0.999 is called helmet by every band: the limit cannot be met, so the band
    // that keeps the other errors smallest wins.
    List<AbstentionBand.Scored> hard =
        concat(heads(false, 0.999, 0.6, 0.02, 0.03), heads(true, 0.95, 0.97, 0.98));

    AbstentionBand band = AbstentionBand.choose(Map.of("hard", hard), 0.05);

    assertThat(band.decide(0.6)).isNull();
    assertThat(band.figures(hard).falseHelmet()).isEqualTo(1.0 / 3);
  }

  @Test
  void shouldRejectABandWhoseEdgesAreOutOfOrderNamingBoth() {
    assertThatThrownBy(() -> new AbstentionBand(0.7, 0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.7-0.3");
  }

  @Test
  void shouldLetTheFalseHelmetLimitBeStricterThanTheFalseBareOne() {
    // One helmet at 0.2 among clear ones: a 10% false-bare limit tolerates calling it bare, a 5%
    // one does not, so only the stricter limit widens the low edge.
    List<AbstentionBand.Scored> heads =
        concat(
            heads(true, 0.2, 0.95, 0.96, 0.97, 0.98, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99),
            heads(false, 0.01, 0.02, 0.03));

    AbstentionBand loose = AbstentionBand.choose(Map.of("h", heads), 0.05, 0.10);
    AbstentionBand strict = AbstentionBand.choose(Map.of("h", heads), 0.05, 0.05);

    assertThat(loose.decide(0.2)).isFalse();
    assertThat(strict.decide(0.2)).isNull();
  }

  @Test
  void shouldLeaveHeadsInTheTuneChosenBandUnjudgedInTheShippedClassifier() {
    // Dark hair seen from a high camera scores 0.75-0.8: called helmet under the old 0.35-0.65
    // band, unknown under the band chosen on tune for small heads (0.28-0.87).
    assertThat(HelmetClassifier.decide(0.8, 18)).isNull();
    assertThat(HelmetClassifier.decide(0.87, 18)).isTrue();
    assertThat(HelmetClassifier.decide(0.3, 18)).isNull();
    assertThat(HelmetClassifier.decide(0.27, 18)).isFalse();
  }

  @Test
  void shouldJudgeLargeHeadsWithTheirOwnNarrowerBand() {
    // Tune: on clear heads of 24 px and more the classifier is surer, so 0.50-0.85 keeps the same
    // error limits and judges more of them.
    assertThat(HelmetClassifier.decide(0.4, HelmetClassifier.BANDS.cut())).isFalse();
    assertThat(HelmetClassifier.decide(0.4, HelmetClassifier.BANDS.cut() - 1)).isNull();
    assertThat(HelmetClassifier.decide(0.86, 60)).isTrue();
    assertThat(HelmetClassifier.decide(0.86, 20)).isNull();
    assertThat(HelmetClassifier.decide(0.6, 60)).isNull();
  }
}
