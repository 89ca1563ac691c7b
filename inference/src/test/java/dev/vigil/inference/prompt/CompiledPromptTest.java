package dev.vigil.inference.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.Scene;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompiledPromptTest {

  private static Person person(Boolean helmet, String... zones) {
    return Person.detected(new Box(0.1, 0.1, 0.3, 0.9), 0.9, new Point(0.2, 0.9))
        .withHead(new Box(0.15, 0.1, 0.25, 0.2), helmet == null ? null : helmet ? 0.9 : 0.1, helmet)
        .withZones(List.of(zones));
  }

  private static Scene scene(AudioFeatures audio, Person... people) {
    return new Scene("cam1", 1_000L, List.of(people), audio);
  }

  /** Two without helmets in assembly, one with, one unknown, one without helmet elsewhere. */
  private static final Scene FLOOR =
      scene(
          null,
          person(false, "assembly"),
          person(false, "assembly"),
          person(true, "assembly"),
          person(null, "assembly"),
          person(false, "press"));

  @Test
  void shouldCountOnlyKnownBareHeadsInZoneWhenHelmetFilterIsFalse() {
    CompiledPrompt p =
        PromptCompiler.compile("How many people are not wearing a helmet in zone assembly?");
    assertThat(p.answer(FLOOR)).isEqualTo(2.0);
    assertThat(p.holds(p.answer(FLOOR))).isTrue();
    assertThat(p.matching(FLOOR)).hasSize(2).allMatch(x -> Boolean.FALSE.equals(x.helmet()));
  }

  @Test
  void shouldNeverCountUnknownHelmetWhenFilteringEitherWay() {
    Scene unknownOnly = scene(null, person(null, "assembly"), person(null));
    assertThat(PromptCompiler.compile("How many people without helmets?").answer(unknownOnly))
        .isEqualTo(0.0);
    assertThat(PromptCompiler.compile("How many people with helmets?").answer(unknownOnly))
        .isEqualTo(0.0);
    assertThat(PromptCompiler.compile("How many people are in view?").answer(unknownOnly))
        .isEqualTo(2.0);
  }

  @Test
  void shouldMatchZonesCaseInsensitivelyWhenSceneZoneHasOtherCase() {
    Scene s = scene(null, person(true, "Loading Bay"), person(true, "dock"));
    assertThat(PromptCompiler.compile("How many workers are in zone loading-bay?").answer(s))
        .isEqualTo(1.0);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "How many people are in view? | 5 | true",
        "How many people are in zone assembly? | 4 | true",
        "How many people with helmets are in zone assembly? | 1 | true",
        "Alert if more than 4 people are in zone assembly | 4 | false",
        "Alert if at least 4 people are in zone assembly | 4 | true",
        "Alert if nobody is in zone dock | 0 | true",
        "Is anyone without a helmet in zone press? | 1 | true",
        "Is anyone with a helmet in zone press? | 0 | false",
        "Is anybody in zone dock? | 0 | false",
        "What fraction of workers in zone assembly wear helmets? | 0.3333333333333333 | true",
        "What fraction of workers wear helmets? | 0.25 | true",
        "Alert if less than 20% of workers wear helmets | 0.25 | false",
        "What share of people are in zone press? | 0.2 | true",
      })
  void shouldAnswerOverSceneWhenPromptIsCompiled(String text, double answer, boolean holds) {
    CompiledPrompt p = PromptCompiler.compile(text);
    assertThat(p.answer(FLOOR)).isCloseTo(answer, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(p.holds(p.answer(FLOOR))).isEqualTo(holds);
  }

  @Test
  void shouldAnswerNaNAndNotHoldWhenFractionHasNobodyToDivideBy() {
    CompiledPrompt p = PromptCompiler.compile("What fraction of workers wear helmets?");
    double empty = p.answer(scene(null));
    assertThat(empty).isNaN();
    assertThat(p.holds(empty)).isFalse();
    double unknown = p.answer(scene(null, person(null)));
    assertThat(unknown).isNaN();
  }

  @Test
  void shouldHoldOnlyWhenAlarmSoundsAndSomeoneIsInZone() {
    CompiledPrompt p =
        PromptCompiler.compile("Is an alarm sounding while anyone is in zone press?");
    AudioFeatures alarm = new AudioFeatures(-20, true, false);
    AudioFeatures quiet = new AudioFeatures(-60, false, false);
    assertThat(p.answer(scene(alarm, person(true, "press")))).isEqualTo(1.0);
    assertThat(p.answer(scene(quiet, person(true, "press")))).isEqualTo(0.0);
    assertThat(p.answer(scene(alarm, person(true, "dock")))).isEqualTo(0.0);
    assertThat(p.answer(scene(null, person(true, "press")))).isEqualTo(0.0);
    assertThat(p.holds(p.answer(scene(alarm, person(true, "press"))))).isTrue();
  }

  @Test
  void shouldApplyCalibrationOffsetWhenComparingNoise() {
    CompiledPrompt p = PromptCompiler.compile("Is the noise above 85 dB?");
    Scene s = scene(new AudioFeatures(-20, false, false));
    assertThat(p.answer(s)).isEqualTo(0.0);
    assertThat(p.answer(s, 110)).isEqualTo(1.0);
    assertThat(p.answer(s, 104)).isEqualTo(0.0);
    assertThat(p.holds(s, 110)).isTrue();
    assertThat(p.answer(scene(null), 200)).isEqualTo(0.0);
    assertThat(p.matching(s)).isEmpty();
  }

  @Test
  void shouldDetectImpactOnlyWhenAudioHasImpulse() {
    CompiledPrompt p = PromptCompiler.compile("Was there an impact?");
    assertThat(p.answer(scene(new AudioFeatures(-10, false, true)))).isEqualTo(1.0);
    assertThat(p.answer(scene(new AudioFeatures(-10, true, false)))).isEqualTo(0.0);
    assertThat(p.answer(scene(null))).isEqualTo(0.0);
  }

  @Test
  void shouldNotHoldWhenSoundFailsEvenIfZeroPeopleWouldMatch() {
    CompiledPrompt p =
        PromptCompiler.compile("Alert if nobody is in zone press while the alarm sounds");
    Scene silentEmpty = scene(new AudioFeatures(-60, false, false));
    Scene alarmEmpty = scene(new AudioFeatures(-20, true, false));
    assertThat(p.answer(silentEmpty)).isNaN();
    assertThat(p.holds(p.answer(silentEmpty))).isFalse();
    assertThat(p.answer(alarmEmpty)).isEqualTo(0.0);
    assertThat(p.holds(p.answer(alarmEmpty))).isTrue();
  }

  @Test
  void shouldCountPeopleWhileAlarmSoundsWhenCombinedWithAnd() {
    CompiledPrompt p =
        PromptCompiler.compile(
            "Alert if an alarm sounds and more than 0 people are in view for 30 seconds");
    Scene alarm = scene(new AudioFeatures(-20, true, false), person(null), person(true));
    assertThat(p.answer(alarm)).isEqualTo(2.0);
    assertThat(p.holds(p.answer(alarm))).isTrue();
    assertThat(p.holds(p.answer(scene(null, person(null))))).isFalse();
  }

  @Test
  void shouldNeverHoldForNaNWhateverTheComparison() {
    for (Comparison c : Comparison.values()) {
      assertThat(c.test(Double.NaN, 0)).as(c.symbol()).isFalse();
    }
  }
}
