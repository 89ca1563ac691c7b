package dev.vigil.inference.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LevelMeterTest {

  static double[] sine(double freq, double amplitude, int rate, double seconds) {
    double[] x = new double[(int) Math.round(rate * seconds)];
    for (int i = 0; i < x.length; i++) {
      x[i] = amplitude * Math.sin(2 * Math.PI * freq * i / rate);
    }
    return x;
  }

  /** Level of a steady sine after one second of settling. */
  static double level(double freq, double amplitude, int rate) {
    LevelMeter meter = new LevelMeter(rate);
    meter.laeqDbfs(sine(freq, amplitude, rate, 1.0));
    // Continue the same sine: phase carries on from sample rate*1.0.
    double[] x = new double[rate];
    for (int i = 0; i < x.length; i++) {
      x[i] = amplitude * Math.sin(2 * Math.PI * freq * (i + rate) / rate);
    }
    return meter.laeqDbfs(x);
  }

  @ParameterizedTest
  @ValueSource(ints = {16000, 44100, 48000})
  void shouldReadZeroWhenFullScaleSineAt1kHz(int rate) {
    assertThat(level(1000, 1.0, rate)).isCloseTo(0.0, within(0.05));
  }

  @ParameterizedTest
  @CsvSource({
    "16000, 1000, -6.02",
    "16000, 100, -25.1",
    "16000, 5000, -5.5",
    "44100, 1000, -6.02",
    "44100, 100, -25.1",
    "44100, 8000, -7.1",
    "48000, 1000, -6.02",
    "48000, 100, -25.1",
    "48000, 8000, -7.1",
  })
  void shouldMatchIssueBarsWhenHalfAmplitudeSine(int rate, double freq, double expected) {
    assertThat(level(freq, 0.5, rate)).isCloseTo(expected, within(0.5));
  }

  // IEC 61672-1 Table 3 design goals. Class 1 tolerances are +-1.5 dB at 31.5 Hz, +-1.0 dB from
  // 63 Hz to 4 kHz (except +-0.7 dB near 1 kHz) and +1.5/-2 dB at 6.3 kHz; we hold 0.5 dB
  // everywhere because the design error measured is below 0.35 dB up to 6.3 kHz at every rate.
  @ParameterizedTest
  @CsvSource({
    "31.5, -39.4",
    "63, -26.2",
    "125, -16.1",
    "250, -8.6",
    "500, -3.2",
    "2000, 1.2",
    "4000, 1.0",
    "6300, -0.1"
  })
  void shouldFollowIecTableWhenAnyRate(double freq, double weightDb) {
    for (int rate : new int[] {16000, 44100, 48000}) {
      assertThat(level(freq, 1.0, rate))
          .as("%s Hz at %d Hz", freq, rate)
          .isCloseTo(weightDb, within(0.5));
    }
  }

  @Test
  void shouldReadFloorWhenSilence() {
    LevelMeter meter = new LevelMeter(16000);
    assertThat(meter.laeqDbfs(new double[16000])).isEqualTo(LevelMeter.FLOOR_DBFS);
    assertThat(meter.laeqDbfs(new double[0])).isEqualTo(LevelMeter.FLOOR_DBFS);
  }

  @Test
  void shouldAddCalibrationWhenConvertingToSpl() {
    assertThat(LevelMeter.toDbSpl(-30.0, 124.0)).isEqualTo(94.0);
  }

  @Test
  void shouldReportDesignedResponseCloseToAnalogueWhenQueried() {
    AWeightingFilter f = new AWeightingFilter(48000);
    assertThat(f.responseDb(1000)).isCloseTo(0.0, within(1e-9));
    assertThat(f.responseDb(10000)).isCloseTo(-2.5, within(1.0));
  }
}
