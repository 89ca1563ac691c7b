package dev.vigil.inference.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.AudioFeatures;
import dev.vigil.inference.InferenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioAnalyzerTest {
  private static final int RATE = 16000;

  private static Path clip(String relative) {
    String root = System.getProperty("vigil.shared.data");
    assumeTrue(root != null, "system property vigil.shared.data not set; skipping real-clip test");
    Path p = Path.of(root, "audio", relative);
    assumeTrue(Files.isRegularFile(p), "shared data clip missing: " + p + "; skipping");
    return p;
  }

  private static boolean anyAlarm(List<TimedFeatures> r) {
    return r.stream().anyMatch(f -> f.features().alarm());
  }

  private static boolean anyImpulse(List<TimedFeatures> r) {
    return r.stream().anyMatch(f -> f.features().impulse());
  }

  private static String describe(List<TimedFeatures> r) {
    return r.stream().map(TimedFeatures::toJsonLine).collect(Collectors.joining("\n"));
  }

  /** Real alarm clips raise the alarm; broadband noise clips, however loud, do not. */
  @ParameterizedTest
  @CsvSource({
    "freedesktop-sound-theme/alarm-clock-elapsed.wav, true",
    "opensfx/osfx_03.wav, true",
    "opensfx/osfx_26.wav, true",
    "opensfx/osfx_33.wav, false",
    "opensfx/osfx_40.wav, false",
    "opensfx/osfx_56.wav, false",
    "opensfx/osfx_39.wav, false"
  })
  void shouldDetectAlarmOnlyWhenTheRealClipIsAnAlarm(String name, boolean alarm) {
    List<TimedFeatures> r = AudioAnalyzer.analyzeFile(clip(name));
    assertThat(anyAlarm(r)).as("alarm in %s:\n%s", name, describe(r)).isEqualTo(alarm);
  }

  @Test
  void shouldDetectImpulseWhenExplosion() {
    List<TimedFeatures> r = AudioAnalyzer.analyzeFile(clip("opensfx/osfx_18.wav"));
    assertThat(anyImpulse(r)).as(describe(r)).isTrue();
    assertThat(anyAlarm(r)).as(describe(r)).isFalse();
  }

  @Test
  void shouldReportAllClipsWhenInformational() {
    String[] names = {
      "opensfx/osfx_14.wav",
      "opensfx/osfx_06.wav",
      "opensfx/osfx_10.wav",
      "opensfx/osfx_11.wav",
      "opensfx/osfx_12.wav",
      "opensfx/osfx_16.wav",
      "opensfx/osfx_21.wav",
      "freedesktop-sound-theme/bell.wav",
      "freedesktop-sound-theme/complete.wav",
      "freedesktop-sound-theme/alarm-clock-elapsed.wav",
      "opensfx/osfx_03.wav",
      "opensfx/osfx_26.wav",
      "opensfx/osfx_33.wav",
      "opensfx/osfx_40.wav",
      "opensfx/osfx_56.wav",
      "opensfx/osfx_39.wav",
      "opensfx/osfx_18.wav"
    };
    clip(names[0]);
    List<String> lines = new ArrayList<>();
    for (String n : names) {
      List<TimedFeatures> r = AudioAnalyzer.analyzeFile(clip(n));
      assertThat(r).isNotEmpty();
      lines.add(n + " alarm=" + anyAlarm(r) + " impulse=" + anyImpulse(r) + " " + r);
    }
    System.out.println("AUDIO-REPORT\n" + String.join("\n", lines));
  }

  /** ISO 8201 temporal-three: (0.5 s on, 0.5 s off) x3 then 1.5 s more off, repeated. */
  static double[] temporalThree(double freq, double amplitude, double seconds) {
    double[] x = new double[(int) (RATE * seconds)];
    for (int i = 0; i < x.length; i++) {
      double t = (double) i / RATE % 4.0;
      boolean sounding = t < 3.0 && (t % 1.0) < 0.5;
      x[i] = sounding ? amplitude * Math.sin(2 * Math.PI * freq * i / RATE) : 0;
    }
    return x;
  }

  static List<AudioFeatures> analyzeSeconds(double[] x, AudioAnalyzer analyzer) {
    List<AudioFeatures> out = new ArrayList<>();
    for (int s = 0; s + RATE <= x.length; s += RATE) {
      short[] pcm = new short[RATE];
      for (int i = 0; i < RATE; i++) {
        pcm[i] = (short) Math.max(-32768, Math.min(32767, Math.round(x[s + i] * 32768)));
      }
      out.add(analyzer.analyze(pcm, RATE));
    }
    return out;
  }

  @Test
  void shouldHoldAlarmThroughGapsWhenTemporalThreePattern() {
    List<AudioFeatures> r = analyzeSeconds(temporalThree(3100, 0.3, 16), new AudioAnalyzer());
    // Once on (first second), the alarm must stay on through every 0.5 s and 1.5 s gap.
    assertThat(r.subList(1, r.size())).as(r.toString()).allMatch(AudioFeatures::alarm);
    assertThat(r).noneMatch(AudioFeatures::impulse);
  }

  @Test
  void shouldReleaseAlarmWhenToneStops() {
    double[] x = new double[RATE * 8];
    System.arraycopy(temporalThree(3100, 0.3, 4), 0, x, 0, RATE * 4);
    List<AudioFeatures> r = analyzeSeconds(x, new AudioAnalyzer());
    assertThat(r.get(1).alarm()).isTrue();
    assertThat(r.get(r.size() - 1).alarm()).as(r.toString()).isFalse();
  }

  @Test
  void shouldNotDetectAlarmWhenLoudWhiteNoise() {
    Random rnd = new Random(42);
    double[] x = new double[RATE * 10];
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(-1, Math.min(1, 0.3 * rnd.nextGaussian()));
    }
    List<AudioFeatures> r = analyzeSeconds(x, new AudioAnalyzer());
    assertThat(r).as(r.toString()).noneMatch(AudioFeatures::alarm);
    assertThat(r.get(5).laeqDbfs()).isBetween(-10.0, 0.0);
  }

  @Test
  void shouldDetectImpulseWhenNoiseBurstButNotWhenToneStarts() {
    Random rnd = new Random(7);
    double[] burst = new double[RATE * 3];
    for (int i = 0; i < burst.length; i++) {
      burst[i] = 0.001 * rnd.nextGaussian();
    }
    for (int i = RATE + 8000; i < RATE + 8000 + 800; i++) {
      burst[i] += 0.5 * rnd.nextGaussian() * Math.exp(-(i - RATE - 8000) / 200.0);
    }
    List<AudioFeatures> r = analyzeSeconds(burst, new AudioAnalyzer());
    assertThat(r.get(0).impulse()).isFalse();
    assertThat(r.get(1).impulse()).as(r.toString()).isTrue();

    double[] tone = new double[RATE * 3];
    for (int i = RATE + 8000; i < tone.length; i++) {
      tone[i] = 0.5 * Math.sin(2 * Math.PI * 1000 * i / RATE);
    }
    assertThat(analyzeSeconds(tone, new AudioAnalyzer())).noneMatch(AudioFeatures::impulse);
  }

  @Test
  void shouldRejectFileWhenMissing() {
    assertThatThrownBy(() -> AudioAnalyzer.analyzeFile(Path.of("/nonexistent/x.wav")))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("not found");
  }
}
