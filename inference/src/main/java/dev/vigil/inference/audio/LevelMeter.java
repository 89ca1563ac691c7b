package dev.vigil.inference.audio;

/**
 * A-weighted equivalent level of a snippet in dBFS, AES17 convention: a full-scale 1 kHz sine reads
 * 0.0 dB, that is {@code 20 log10(rms * sqrt(2))} of the A-weighted signal.
 *
 * <p>Stateful: the weighting filter's memory carries across snippets of one stream. Not
 * thread-safe; use one instance per stream.
 */
public final class LevelMeter {
  /** Reported for digital silence instead of -Infinity. */
  public static final double FLOOR_DBFS = -120.0;

  private final AWeightingFilter filter;

  /** A meter for audio at {@code sampleRate} Hz. */
  public LevelMeter(int sampleRate) {
    this.filter = new AWeightingFilter(sampleRate);
  }

  /** The sample rate this meter expects. */
  public int sampleRate() {
    return filter.sampleRate();
  }

  /**
   * LAeq of {@code samples} (full scale = ±1.0) in dBFS, never below {@link #FLOOR_DBFS}; an empty
   * snippet reads the floor.
   */
  public double laeqDbfs(double[] samples) {
    double sum = 0;
    for (double x : samples) {
      double y = filter.filter(x);
      sum += y * y;
    }
    if (samples.length == 0) {
      return FLOOR_DBFS;
    }
    return toDbfs(sum / samples.length);
  }

  /** Mean square (full scale = 1.0) to dBFS, floored. */
  static double toDbfs(double meanSquare) {
    double db = 10 * Math.log10(2 * meanSquare);
    return Double.isNaN(db) || db < FLOOR_DBFS ? FLOOR_DBFS : db;
  }

  /**
   * Converts a level in dBFS to dB SPL with a per-camera calibration offset: the SPL that a
   * full-scale sine would produce at that camera's microphone.
   */
  public static double toDbSpl(double laeqDbfs, double calibrationDb) {
    return laeqDbfs + calibrationDb;
  }
}
