package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BandTuningTest {

  private static void add(
      List<BandTuning.TuneHead> to, String group, double px, int n, double p, boolean helmet) {
    for (int i = 0; i < n; i++) {
      to.add(new BandTuning.TuneHead(new AbstentionBand.Scored(p, helmet), group, px));
    }
  }

  @Test
  void shouldGiveLargeHeadsTheirOwnBandWhileDegradedCopiesCountAsSmall() {
    List<BandTuning.TuneHead> heads = new ArrayList<>();
    add(heads, "labelled", 100, 20, 0.9, true);
    add(heads, "labelled", 100, 20, 0.1, false);
    add(heads, "labelled", 12, 20, 0.9, true);
    add(heads, "labelled", 12, 20, 0.1, false);
    // Shrunk and blurred, bare heads score 0.7: the small band must not call them helmets.
    add(heads, "camera-degraded", 0, 10, 0.7, false);
    add(heads, "camera-degraded", 0, 10, 0.95, true);

    SizedBands bands = BandTuning.choose(heads);

    assertThat(bands.cut()).isEqualTo(BandTuning.CUTS.get(0));
    assertThat(bands.small().decide(0.7)).isNull();
    assertThat(bands.large().decide(0.7)).isTrue();
    assertThat(bands.large().decide(0.1)).isFalse();
  }

  @Test
  void shouldGiveLargeHeadsTheSmallBandWhenTuneHasNoLargeHeads() {
    List<BandTuning.TuneHead> heads = new ArrayList<>();
    add(heads, "labelled", 12, 20, 0.9, true);
    add(heads, "labelled", 12, 20, 0.1, false);
    add(heads, "camera-degraded", 0, 10, 0.7, false);

    SizedBands bands = BandTuning.choose(heads);

    assertThat(bands.large()).isEqualTo(bands.small());
  }

  @Test
  void shouldPutEachHeadOnOneSideOfTheCut() {
    List<BandTuning.TuneHead> heads = new ArrayList<>();
    add(heads, "labelled", 23.9, 1, 0.9, true);
    add(heads, "labelled", 24, 2, 0.9, true);
    add(heads, "camera-degraded", 0, 3, 0.9, true);

    assertThat(BandTuning.groups(heads, 24, false).get("labelled")).hasSize(1);
    assertThat(BandTuning.groups(heads, 24, false).get("camera-degraded")).hasSize(3);
    assertThat(BandTuning.groups(heads, 24, true).get("labelled")).hasSize(2);
    assertThat(BandTuning.groups(heads, 24, true)).doesNotContainKey("camera-degraded");
  }
}
