package dev.vigil.inference.audio;

import dev.vigil.config.AudioFeatures;
import java.util.Locale;

/**
 * The audio features of one second of a file.
 *
 * @param t start of the second, in seconds from the start of the file
 * @param features level, alarm and impulse of that second
 */
public record TimedFeatures(double t, AudioFeatures features) {
  /**
   * One JSON object on one line: {@code {"t":1.0,"laeq_dbfs":-23.4,"alarm":false,"impulse":true}}.
   */
  public String toJsonLine() {
    return String.format(
        Locale.ROOT,
        "{\"t\":%.1f,\"laeq_dbfs\":%.1f,\"alarm\":%b,\"impulse\":%b}",
        t,
        features.laeqDbfs(),
        features.alarm(),
        features.impulse());
  }
}
