package dev.vigil.inference.helmet;

/**
 * Temperature scaling of the helmet logit, and the expected calibration error of probabilities.
 * Stateless.
 */
final class Calibration {

  /** Bins of equal width over the helmet probability for {@link #ece}. */
  static final int BINS = 10;

  private Calibration() {}

  /**
   * The temperature T that minimises the log-loss of sigmoid(z / T) on these logits and 0/1 labels,
   * searched on a log grid from 0.25 to 8 and refined around the best step.
   */
  static double fitTemperature(float[] logits, float[] labels, int n) {
    double best = 1;
    double bestLoss = Double.MAX_VALUE;
    for (int i = 0; i <= 200; i++) {
      double t = 0.25 * Math.pow(32, i / 200.0);
      double loss = logLoss(logits, labels, n, t);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = t;
      }
    }
    return best;
  }

  /** Mean log-loss of sigmoid(z / t). */
  static double logLoss(float[] logits, float[] labels, int n, double t) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double z = logits[i] / t;
      // log(1 + e^z) - y z, stable for large |z|
      sum += Math.max(z, 0) - z * labels[i] + Math.log1p(Math.exp(-Math.abs(z)));
    }
    return n == 0 ? 0 : sum / n;
  }

  /**
   * Expected calibration error of the helmet probability sigmoid(z / t): over {@link #BINS} bins of
   * equal width, the item-weighted mean of |mean probability - share of helmets|.
   */
  static double ece(float[] logits, float[] labels, int n, double t) {
    double[] p = new double[BINS];
    double[] y = new double[BINS];
    int[] count = new int[BINS];
    for (int i = 0; i < n; i++) {
      double q = 1 / (1 + Math.exp(-logits[i] / t));
      int b = Math.min(BINS - 1, (int) (q * BINS));
      p[b] += q;
      y[b] += labels[i];
      count[b]++;
    }
    double e = 0;
    for (int b = 0; b < BINS; b++) {
      if (count[b] > 0) {
        e += Math.abs(p[b] - y[b]) / n;
      }
    }
    return e;
  }
}
