package dev.vigil.deploy.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Pure statistics of the bench: percentiles, trend of a series, and the lag-bounded decision. */
public final class BenchStats {
  private BenchStats() {}

  /**
   * The nearest-rank percentile of {@code values}.
   *
   * @param p percentile in [0, 100]
   * @return NaN when there are no values
   */
  public static double percentile(List<? extends Number> values, double p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Least-squares slope of {@code y} over {@code x} (units of y per unit of x); 0 for fewer than
   * two points or no spread in x.
   */
  public static double slope(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length");
    }
    int n = x.length;
    if (n < 2) {
      return 0;
    }
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }

  /**
   * Whether a trial kept up: no frame dropped by the agent, consumer lag not growing (its trend
   * below 5% of the offered rate, plus a small floor for noise), and the lag at the end of the
   * trial worth at most {@code maxLagSeconds} of offered frames (with a floor of a few frames, for
   * the frames in flight of one commit interval).
   *
   * @param seconds sample times, seconds since the trial started (after warm-up)
   * @param lag consumer lag in frames at those times
   * @param offeredFps frames per second the agent sent during the trial
   * @param droppedFrames frames the agent dropped because its send queue was full
   * @param maxLagSeconds allowed lag at the end, in seconds of offered frames
   */
  public static boolean keptUp(
      double[] seconds, double[] lag, double offeredFps, long droppedFrames, double maxLagSeconds) {
    if (droppedFrames > 0) {
      return false;
    }
    if (lag.length == 0) {
      return false;
    }
    double trend = slope(seconds, lag);
    double finalLag = lag[lag.length - 1];
    boolean notGrowing = trend <= 0.05 * offeredFps + 0.1;
    boolean smallAtEnd = finalLag <= Math.max(4, maxLagSeconds * offeredFps);
    return notGrowing && smallAtEnd;
  }

  /**
   * Each pipeline window's ratio to the bare model measured right around it: window {@code i} ran
   * between bare windows {@code i} and {@code i + 1}, so its ratio is {@code pipeline[i]} over the
   * mean of those two. The machine's speed drifts by tens of percent over minutes; bare windows
   * taken minutes apart would measure that drift, not the pipeline.
   *
   * @param pipelineFps one rate per pipeline window
   * @param bareFps one more rate than pipeline windows, the bare model's before, between and after
   */
  public static List<Double> ratiosToBareAround(List<Double> pipelineFps, List<Double> bareFps) {
    if (bareFps.size() != pipelineFps.size() + 1) {
      throw new IllegalArgumentException(
          pipelineFps.size()
              + " pipeline windows need "
              + (pipelineFps.size() + 1)
              + " bare windows around them, got "
              + bareFps.size());
    }
    List<Double> ratios = new java.util.ArrayList<>();
    for (int i = 0; i < pipelineFps.size(); i++) {
      double bare = (bareFps.get(i) + bareFps.get(i + 1)) / 2;
      ratios.add(bare > 0 ? pipelineFps.get(i) / bare : Double.NaN);
    }
    return ratios;
  }

  /**
   * Frames per second per core left to the measured work: each rate divided by the machine's cores
   * less what its competitors used in the same window.
   *
   * @param fps one rate per window
   * @param competitorCores the cores other work used in each window
   * @param cores the machine's cores
   */
  public static List<Double> perCoreLeft(
      List<Double> fps, List<Double> competitorCores, double cores) {
    if (fps.size() != competitorCores.size()) {
      throw new IllegalArgumentException(
          fps.size() + " rates need as many competitor figures, got " + competitorCores.size());
    }
    List<Double> out = new java.util.ArrayList<>();
    for (int i = 0; i < fps.size(); i++) {
      double left = cores - competitorCores.get(i);
      out.add(left > 0 ? fps.get(i) / left : Double.NaN);
    }
    return out;
  }

  /** The mean of several tables of numbers, key by key (the first table's keys); empty for none. */
  public static Map<String, Object> meanByKey(List<Map<String, Object>> tables) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    if (tables.isEmpty()) {
      return out;
    }
    for (String key : tables.get(0).keySet()) {
      List<Double> values = new java.util.ArrayList<>();
      for (Map<String, Object> t : tables) {
        if (t.get(key) instanceof Number n) {
          values.add(n.doubleValue());
        }
      }
      out.put(key, BenchReport.round(mean(values), 3));
    }
    return out;
  }

  /** Mean of the values, NaN when empty. */
  public static double mean(List<? extends Number> values) {
    return values.stream().mapToDouble(Number::doubleValue).average().orElse(Double.NaN);
  }
}
