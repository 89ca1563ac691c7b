package dev.vigil.inference.audio;

/** In-place radix-2 FFT with a Hann window and precomputed twiddles. Not thread-safe. */
final class Fft {
  private final int n;
  private final double[] cos;
  private final double[] sin;
  private final double[] window;
  private final double windowSumSq;
  private final double[] re;
  private final double[] im;

  Fft(int n) {
    if (Integer.bitCount(n) != 1 || n < 16) {
      throw new IllegalArgumentException("FFT size must be a power of two >= 16, got " + n);
    }
    this.n = n;
    cos = new double[n / 2];
    sin = new double[n / 2];
    for (int i = 0; i < n / 2; i++) {
      cos[i] = Math.cos(2 * Math.PI * i / n);
      sin[i] = -Math.sin(2 * Math.PI * i / n);
    }
    window = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
      s += window[i];
    }
    windowSumSq = s * s;
    re = new double[n];
    im = new double[n];
  }

  int size() {
    return n;
  }

  /**
   * Windowed power spectrum of the {@code n} samples of a circular buffer ending just before {@code
   * end}, scaled so that a sine of amplitude A gives a peak bin of about A^2/4.
   *
   * @param out receives n/2+1 bins
   */
  void powerSpectrum(double[] ring, int end, double[] out) {
    int len = ring.length;
    for (int i = 0; i < n; i++) {
      int idx = Math.floorMod(end - n + i, len);
      re[i] = ring[idx] * window[i];
      im[i] = 0;
    }
    transform();
    for (int k = 0; k <= n / 2; k++) {
      out[k] = (re[k] * re[k] + im[k] * im[k]) / windowSumSq;
    }
  }

  private void transform() {
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      int step = n / len;
      int half = len / 2;
      for (int i = 0; i < n; i += len) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sin[k * step];
          int a = i + k;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
