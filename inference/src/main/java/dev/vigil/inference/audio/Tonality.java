package dev.vigil.inference.audio;

import java.util.Arrays;

/**
 * Measures how much of a frame's energy in a band sits in narrow spectral peaks standing well above
 * the local spectral floor. Not thread-safe: it reuses its buffers.
 *
 * <p>The floor is the median of the dB spectrum over a window of about 2/3 octave (at least 25
 * bins) around each point of a 1/6-octave grid, interpolated between grid points; a median follows
 * a sloping noise spectrum yet ignores up to half the bins being harmonics.
 */
final class Tonality {
  /**
   * A peak must stand this far above the local floor. For a noise-like spectrum a Hann periodogram
   * bin is exponentially distributed, so exceeding its median by 20 dB (69x the mean) has
   * probability e^-69: broadband noise never qualifies, however loud.
   */
  static final double PROMINENCE_DB = 20.0;

  private final Fft fft;
  private final double binHz;
  private final int lo;
  private final int hi;
  private final double[] power;
  private final double[] db;
  private final double[] floor;
  private final double[] scratch;
  private final int[] gridBin;
  private final double[] gridFloor;
  private final int[] gridLo;
  private final int[] gridHi;

  Tonality(int n, int sampleRate, double loHz, double hiHz) {
    fft = new Fft(n);
    binHz = (double) sampleRate / n;
    lo = Math.max(3, (int) Math.round(loHz / binHz));
    hi = Math.min(n / 2 - 3, (int) Math.round(Math.min(hiHz, 0.45 * sampleRate) / binHz));
    power = new double[n / 2 + 1];
    db = new double[n / 2 + 1];
    floor = new double[n / 2 + 1];
    scratch = new double[n / 2 + 1];
    int count = 0;
    for (double f = loHz; f < hi * binHz * 1.2; f *= Math.pow(2, 1.0 / 6)) {
      count++;
    }
    gridBin = new int[count];
    gridFloor = new double[count];
    gridLo = new int[count];
    gridHi = new int[count];
    double f = loHz;
    for (int g = 0; g < count; g++, f *= Math.pow(2, 1.0 / 6)) {
      double c = f / binHz;
      double half = Math.max(12, 0.26 * c);
      gridBin[g] = (int) Math.round(c);
      gridLo[g] = Math.max(1, (int) (c - half));
      gridHi[g] = Math.min(n / 2, (int) (c + half) + 1);
    }
  }

  int size() {
    return fft.size();
  }

  /** Result of one frame: share of band energy in prominent peaks, and band energy (mean sq). */
  record Frame(double tonalRatio, double bandMeanSquare, double tonalMeanSquare) {}

  Frame measure(double[] ring, int end) {
    fft.powerSpectrum(ring, end, power);
    for (int k = 0; k < power.length; k++) {
      db[k] = 10 * Math.log10(power[k] + 1e-20);
    }
    for (int g = 0; g < gridBin.length; g++) {
      // Wide windows are subsampled to about 32 bins: the median barely changes, the cost does.
      int stride = Math.max(1, (gridHi[g] - gridLo[g]) / 32);
      int len = 0;
      for (int k = gridLo[g]; k < gridHi[g]; k += stride) {
        scratch[len++] = db[k];
      }
      Arrays.sort(scratch, 0, len);
      gridFloor[g] = scratch[len / 2];
    }
    int g = 0;
    for (int k = lo; k <= hi; k++) {
      while (g + 1 < gridBin.length && gridBin[g + 1] <= k) {
        g++;
      }
      if (g + 1 >= gridBin.length || k <= gridBin[0]) {
        floor[k] = gridFloor[k <= gridBin[0] ? 0 : g];
      } else {
        double t = (double) (k - gridBin[g]) / (gridBin[g + 1] - gridBin[g]);
        floor[k] = gridFloor[g] + t * (gridFloor[g + 1] - gridFloor[g]);
      }
    }
    double total = 0;
    double tonal = 0;
    int coveredTo = -1;
    for (int k = lo; k <= hi; k++) {
      total += power[k];
      boolean peak =
          db[k] - floor[k] > PROMINENCE_DB
              && power[k] >= power[k - 1]
              && power[k] >= power[k - 2]
              && power[k] >= power[k + 1]
              && power[k] >= power[k + 2];
      if (peak) {
        // A Hann main lobe spans +-2 bins; count each bin once.
        for (int j = Math.max(Math.max(lo, k - 2), coveredTo + 1); j <= Math.min(hi, k + 2); j++) {
          tonal += power[j];
        }
        coveredTo = Math.min(hi, k + 2);
      }
    }
    // Power bins are A^2/4 for a sine; x2 turns a sum of bins into a mean square (Hann ENBW ~1.5).
    double scale = 2.0 / 1.5;
    return new Frame(total > 0 ? tonal / total : 0, total * scale, tonal * scale);
  }
}
