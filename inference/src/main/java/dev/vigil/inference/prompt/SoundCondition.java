package dev.vigil.inference.prompt;

import dev.vigil.config.AudioFeatures;

/**
 * The sound part of a prompt: every part that is set must hold at once.
 *
 * @param alarm an alarm or siren must be sounding
 * @param noiseOp how the calibrated level compares with {@code noiseDb}, or null for no level test
 * @param noiseDb the level threshold in dB, applied to {@code laeqDbfs} plus the camera's
 *     calibration offset; NaN when {@code noiseOp} is null
 * @param impact an impact, crash or bang must have been heard
 */
public record SoundCondition(boolean alarm, Comparison noiseOp, double noiseDb, boolean impact) {

  /** No sound condition at all. */
  public static final SoundCondition NONE = new SoundCondition(false, null, Double.NaN, false);

  /** True when the prompt says anything about sound. */
  public boolean isPresent() {
    return alarm || noiseOp != null || impact;
  }

  /**
   * Whether the sound condition holds. With no audio every present condition is false, because
   * silence cannot be told apart from a camera without a microphone.
   */
  public boolean test(AudioFeatures audio, double calibrationDb) {
    if (!isPresent()) {
      return true;
    }
    if (audio == null) {
      return false;
    }
    if (alarm && !audio.alarm()) {
      return false;
    }
    if (impact && !audio.impulse()) {
      return false;
    }
    return noiseOp == null || noiseOp.test(audio.laeqDbfs() + calibrationDb, noiseDb);
  }
}
