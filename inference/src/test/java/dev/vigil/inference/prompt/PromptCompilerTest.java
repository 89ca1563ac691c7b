package dev.vigil.inference.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.inference.InferenceException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PromptCompilerTest {

  @Test
  void shouldCountPeopleWithoutHelmetInZoneWhenAskedHowMany() {
    CompiledPrompt p =
        PromptCompiler.compile("How many people are not wearing a helmet in zone assembly?");
    assertThat(p.measure()).isEqualTo(Measure.COUNT);
    assertThat(p.helmet()).isFalse();
    assertThat(p.zone()).isEqualTo("assembly");
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(0.0);
    assertThat(p.forSeconds()).isEqualTo(0.0);
    assertThat(p.canonical())
        .isEqualTo("Count people without a helmet in zone assembly; alert when more than 0.");
  }

  @Test
  void shouldAskExistenceWithDurationWhenAskedIsAnyoneForSeconds() {
    CompiledPrompt p =
        PromptCompiler.compile(
            "Is anyone without a hard hat in zone press for more than 10 seconds?");
    assertThat(p.measure()).isEqualTo(Measure.EXISTS);
    assertThat(p.helmet()).isFalse();
    assertThat(p.zone()).isEqualTo("press");
    assertThat(p.op()).isEqualTo("==");
    assertThat(p.threshold()).isEqualTo(1.0);
    assertThat(p.forSeconds()).isEqualTo(10.0);
  }

  @Test
  void shouldCountWithThresholdWhenAlertIfMoreThanN() {
    CompiledPrompt p = PromptCompiler.compile("Alert if more than 4 people are in zone dock");
    assertThat(p.measure()).isEqualTo(Measure.COUNT);
    assertThat(p.helmet()).isNull();
    assertThat(p.zone()).isEqualTo("dock");
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(4.0);
  }

  @Test
  void shouldMeasureHelmetShareAndAlertBelowEveryoneWhenAskedWhatFraction() {
    CompiledPrompt p = PromptCompiler.compile("What fraction of workers wear helmets?");
    assertThat(p.measure()).isEqualTo(Measure.FRACTION);
    assertThat(p.helmet()).isTrue();
    assertThat(p.zone()).isNull();
    assertThat(p.op()).isEqualTo("<");
    assertThat(p.threshold()).isEqualTo(1.0);
  }

  @Test
  void shouldCountEveryoneWhenAskedHowManyInView() {
    CompiledPrompt p = PromptCompiler.compile("How many people are in view?");
    assertThat(p.measure()).isEqualTo(Measure.COUNT);
    assertThat(p.helmet()).isNull();
    assertThat(p.zone()).isNull();
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(0.0);
  }

  static Stream<Arguments> paraphrases() {
    return Stream.of(
        Arguments.of(
            "How many people are not wearing a helmet in zone assembly?",
            "Number of workers without hard hats in the assembly zone"),
        Arguments.of(
            "How many people are not wearing a helmet in zone assembly?",
            "how many persons in zone assembly don't wear a hardhat"),
        Arguments.of(
            "How many people are not wearing a helmet in zone assembly?",
            "Count employees missing safety helmets inside zone assembly."),
        Arguments.of(
            "How many people are not wearing a helmet in zone assembly?",
            "HOW MANY WORKERS WITH NO HARD-HAT ARE IN AREA ASSEMBLY"),
        Arguments.of(
            "How many people are not wearing a helmet in zone assembly?",
            "In zone assembly, how many people are bare-headed?"),
        Arguments.of(
            "Is anyone without a hard hat in zone press for more than 10 seconds?",
            "Is anybody without a helmet in zone press for 10 s?"),
        Arguments.of(
            "Is anyone without a hard hat in zone press for more than 10 seconds?",
            "Please tell me when someone lacking a hardhat is inside zone press for at least ten"
                + " secs."),
        Arguments.of(
            "Is anyone without a hard hat in zone press for more than 10 seconds?",
            "Notify if somebody in the press zone is not wearing a safety helmet longer than 10s"),
        Arguments.of(
            "Is anyone without a hard hat in zone press for more than 10 seconds?",
            "alert me if there is any worker without hard hats in zone press for 10 seconds"),
        Arguments.of(
            "Alert if more than 4 people are in zone dock",
            "Are there more than four workers in zone dock?"),
        Arguments.of(
            "Alert if more than 4 people are in zone dock",
            "notify me when over 4 persons are in the dock zone"),
        Arguments.of(
            "Alert if more than 4 people are in zone dock",
            "Is the number of employees in area dock greater than four?"),
        Arguments.of(
            "Alert if more than 4 people are in zone dock",
            "Alert if at least 5 people are in zone dock?".replace("at least 5", "more than 4")),
        Arguments.of(
            "What fraction of workers wear helmets?",
            "What percentage of people are wearing hard hats?"),
        Arguments.of(
            "What fraction of workers wear helmets?", "what share of staff have a hardhat on"),
        Arguments.of(
            "What fraction of workers wear helmets?",
            "What proportion of employees are wearing safety helmets?"),
        Arguments.of("How many people are in view?", "How many persons are in the frame?"),
        Arguments.of("How many people are in view?", "Count the workers on camera"),
        Arguments.of("How many people are in view?", "number of people"),
        Arguments.of(
            "Is an alarm sounding while anyone is in zone press?",
            "Is anybody in zone press when the siren is going off?"),
        Arguments.of("Is the noise above 85 dB?", "Is it louder than 85 dB(A)?"),
        Arguments.of("Is the noise above 85 dB?", "noise level over 85dB"),
        Arguments.of("Was there an impact?", "Was there a crash?"),
        Arguments.of("Was there an impact?", "Alert me if there is a bang!"),
        Arguments.of(
            "Alert if an alarm sounds and more than 0 people are in view for 30 seconds",
            "If there are over zero people in view while an alarm is ringing for thirty seconds,"
                + " alert"),
        Arguments.of(
            "less than 90% of workers wear helmets",
            "Alert if fewer than 90 percent of people are wearing hard hats"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("paraphrases")
  void shouldGiveSameCanonicalFormWhenPromptIsParaphrased(String reference, String paraphrase) {
    CompiledPrompt expected = PromptCompiler.compile(reference);
    CompiledPrompt actual = PromptCompiler.compile(paraphrase);
    assertThat(actual.canonical()).isEqualTo(expected.canonical());
    assertThat(actual.toMap()).isEqualTo(expected.toMap());
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Alert if more than 4 people are in zone dock | > | 4",
        "Alert if over 4 people are in zone dock | > | 4",
        "Alert if at least 4 people are in zone dock | >= | 4",
        "Alert if 4 or more people are in zone dock | >= | 4",
        "Alert if fewer than four people are in zone dock | < | 4",
        "Alert if less than 4 people are in zone dock | < | 4",
        "Alert if at most 4 people are in zone dock | <= | 4",
        "Alert if no more than 4 people are in zone dock | <= | 4",
        "Alert if exactly twelve people are in zone dock | == | 12",
        "Alert if no one is in zone dock | == | 0",
        "Alert if nobody is in zone dock | == | 0",
        "Alert if there are no workers in zone dock | == | 0",
        "Alert if none are in zone dock | == | 0",
        "Alert if twenty-one people are in zone dock | >= | 21",
      })
  void shouldReadComparisonWhenCountConditionIsGiven(String text, String op, double threshold) {
    CompiledPrompt p = PromptCompiler.compile(text);
    assertThat(p.measure()).isEqualTo(Measure.COUNT);
    assertThat(p.zone()).isEqualTo("dock");
    assertThat(p.op()).isEqualTo(op);
    assertThat(p.threshold()).isEqualTo(threshold);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Is anyone in zone press for 10 seconds? | 10",
        "Is anyone in zone press for 30 s? | 30",
        "Is anyone in zone press for more than 1 minute? | 60",
        "Is anyone in zone press for 2 min? | 120",
        "Is anyone in zone press for at least 5 secs? | 5",
        "Is anyone in zone press longer than 10 s? | 10",
        "Is anyone in zone press for a minute? | 60",
        "Is anyone in zone press for half a minute? | 30",
        "Is anyone in zone press for 1.5 minutes? | 90",
        "Is anyone in zone press for 45s? | 45",
        "Is anyone in zone press? | 0",
      })
  void shouldReadDurationWhenForIsGiven(String text, double seconds) {
    CompiledPrompt p = PromptCompiler.compile(text);
    assertThat(p.forSeconds()).isEqualTo(seconds);
    assertThat(p.measure()).isEqualTo(Measure.EXISTS);
    assertThat(p.zone()).isEqualTo("press");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Is anyone wearing a helmet? | true",
        "Is anyone with a hard hat? | true",
        "Is anyone in a hardhat? | true",
        "Is anyone without a helmet? | false",
        "Is anyone not wearing a helmet? | false",
        "Is anyone with no hard hat? | false",
        "Is anyone missing a safety helmet? | false",
        "Is anyone lacking a hard-hat? | false",
        "Is anyone bareheaded? | false",
        "Is anybody whose helmet is off? | false",
        "Is anyone who doesn't wear a helmet? | false",
        "Is anyone with their helmet removed? | false",
      })
  void shouldReadHelmetPolarityWhenHelmetIsMentioned(String text, boolean helmet) {
    CompiledPrompt p = PromptCompiler.compile(text);
    assertThat(p.helmet()).isEqualTo(helmet);
    assertThat(p.measure()).isEqualTo(Measure.EXISTS);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Is anyone in zone press? | press",
        "Is anyone in the press zone? | press",
        "Is anyone inside zone press? | press",
        "Is anyone in area press? | press",
        "Is anyone in the press area? | press",
        "Is anyone in zone B2? | b2",
        "Is anyone in zone loading-bay? | loading_bay",
        "Is anyone in the loading bay zone? | loading_bay",
        "Is anyone in zone \"Loading Bay\"? | loading_bay",
      })
  void shouldReadZoneNameWhenZoneIsNamed(String text, String zone) {
    assertThat(PromptCompiler.compile(text).zone()).isEqualTo(zone);
  }

  @Test
  void shouldReadPercentageThresholdWhenFractionHasPercent() {
    CompiledPrompt p = PromptCompiler.compile("Alert if less than 90% of workers wear helmets");
    assertThat(p.measure()).isEqualTo(Measure.FRACTION);
    assertThat(p.helmet()).isTrue();
    assertThat(p.op()).isEqualTo("<");
    assertThat(p.threshold()).isEqualTo(0.9);
  }

  @Test
  void shouldDefaultToAnyoneNonCompliantWhenFractionWithoutHelmet() {
    CompiledPrompt p =
        PromptCompiler.compile("What share of workers in zone press are without hard hats?");
    assertThat(p.measure()).isEqualTo(Measure.FRACTION);
    assertThat(p.helmet()).isFalse();
    assertThat(p.zone()).isEqualTo("press");
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(0.0);
  }

  @Test
  void shouldReadHalfAsShareWhenMoreThanHalf() {
    CompiledPrompt p =
        PromptCompiler.compile("Alert if more than half of the workers have no helmet");
    assertThat(p.measure()).isEqualTo(Measure.FRACTION);
    assertThat(p.helmet()).isFalse();
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(0.5);
  }

  @Test
  void shouldReadSoundPartsWhenAlarmAndVisionAreCombined() {
    CompiledPrompt p =
        PromptCompiler.compile(
            "Alert if an alarm sounds and more than 0 people are in view for 30 seconds");
    assertThat(p.measure()).isEqualTo(Measure.COUNT);
    assertThat(p.op()).isEqualTo(">");
    assertThat(p.threshold()).isEqualTo(0.0);
    assertThat(p.forSeconds()).isEqualTo(30.0);
    assertThat(p.sound().alarm()).isTrue();
    assertThat(p.sound().impact()).isFalse();
    assertThat(p.toMap()).containsEntry("alarm", true).containsEntry("noise_db", null);
  }

  @Test
  void shouldMakeSoundOnlyPromptWhenNoPeopleAreMentioned() {
    CompiledPrompt p = PromptCompiler.compile("Is the noise above 85 dB?");
    assertThat(p.aboutPeople()).isFalse();
    assertThat(p.measure()).isEqualTo(Measure.EXISTS);
    assertThat(p.sound().noiseOp()).isEqualTo(Comparison.GT);
    assertThat(p.sound().noiseDb()).isEqualTo(85.0);
    assertThat(p.toMap()).containsEntry("noise_db", 85.0).containsEntry("noise_op", ">");
  }

  @Test
  void shouldWriteAllKeysWhenSerialisedToJson() throws Exception {
    CompiledPrompt p =
        PromptCompiler.compile(
            "Is anyone without a hard hat in zone press for more than 10 seconds?");
    @SuppressWarnings("unchecked")
    Map<String, Object> json = dev.vigil.config.Json.mapper().readValue(p.toJson(), Map.class);
    assertThat(json)
        .containsEntry("measure", "exists")
        .containsEntry("helmet", false)
        .containsEntry("zone", "press")
        .containsEntry("op", "==")
        .containsEntry("threshold", 1.0)
        .containsEntry("for_s", 10.0)
        .containsEntry("canonical", p.canonical())
        .doesNotContainKey("alarm");
  }

  @Test
  void shouldRejectWithUnknownWordWhenSubjectIsNotPeople() {
    assertThatThrownBy(() -> PromptCompiler.compile("How many forklifts are in zone dock?"))
        .isInstanceOf(PromptRejectedException.class)
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("cannot use \"forklifts\"")
        .hasMessageContaining("I understand people")
        .extracting(e -> ((PromptRejectedException) e).phrase())
        .isEqualTo("forklifts");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Is the weather nice? | weather",
        "people | people",
        "How many people with and without helmets are in zone press? | without",
        "How many people with helmets are without hard hats? | without",
        "How many people in zone a are in zone b? | two zones",
        "Alert if more than 4 and fewer than 2 people are in zone dock | two thresholds",
        "Is anyone not in zone press? | \"not\"",
        "Is everyone wearing a helmet? | \"everyone\"",
        "Is anyone wearing a hat? | \"hat\"",
        "Is anyone in zone press for 10 seconds or for 20 seconds? | two durations",
        "Was there a loud noise? | \"loud\"",
        "Alert if more than people are in zone dock | \"more than\" without a number",
        "What fraction of workers are in view? | a share needs",
        "Is anyone in zones a and b? | \"zones\"",
        "Is anyone in zone press for less than 10 seconds? | \"less than\"",
        "Is anyone at the dock? | \"dock\"",
        "please? | asks nothing",
      })
  void shouldRejectWithReasonWhenPromptCannotBeUsed(String text, String reason) {
    assertThatThrownBy(() -> PromptCompiler.compile(text))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "?"})
  void shouldRejectWhenPromptIsEmpty(String text) {
    assertThatThrownBy(() -> PromptCompiler.compile(text))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageMatching("(?s).*(empty|asks nothing).*");
  }

  @Test
  void shouldRejectNullPrompt() {
    assertThatThrownBy(() -> PromptCompiler.compile(null))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void shouldCompileDeterministicallyWhenCompiledTwice() {
    String text = "Alert if an alarm sounds and more than 2 people without helmets are in zone X";
    assertThat(PromptCompiler.compile(text).toJson())
        .isEqualTo(PromptCompiler.compile(text).toJson());
  }

  @Test
  void shouldCompilePerPersonRuleWhenTheSamePersonIsNamed() {
    CompiledPrompt p =
        PromptCompiler.compile(
            "Is the same person without a hard hat in zone press for 10 seconds?");
    assertThat(p.perPerson()).isTrue();
    assertThat(p.measure()).isEqualTo(Measure.EXISTS);
    assertThat(p.helmet()).isFalse();
    assertThat(p.zone()).isEqualTo("press");
    assertThat(p.forSeconds()).isEqualTo(10);
    assertThat(p.toMap()).containsEntry("per_person", true);
    assertThat(p.canonical())
        .isEqualTo(
            "Check whether the same person without a helmet is in zone press; alert when true for"
                + " 10 s.");
    assertThat(
            PromptCompiler.compile(
                    "Alert if the same worker is in zone press without a helmet for 10 s")
                .canonical())
        .isEqualTo(p.canonical());
    assertThat(PromptCompiler.compile("Is anyone without a helmet for 10 seconds?").perPerson())
        .isFalse();
  }

  @Test
  void shouldRefuseCountingTheSamePerson() {
    assertThatThrownBy(() -> PromptCompiler.compile("How many of the same person wear no helmet?"))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageContaining("the same person");
  }
}
