package dev.vigil.inference.helmet;

import dev.vigil.config.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accumulates head and helmet accuracy over images, one {@link #add} per image.
 *
 * <ul>
 *   <li>Head precision, recall and F1 count a prediction as a true positive when {@link
 *       HeadMatcher} matches it to a labelled head (IoU at least {@link
 *       HeadMatcher#DEFAULT_MIN_IOU}).
 *   <li>Helmet accuracy is the share of matched heads whose helmet judgement equals the label; a
 *       matched head judged unknown ({@code null}) counts as wrong.
 *   <li>The count errors compare, per image, the number of heads predicted with a helmet (and
 *       without one) to the labelled numbers; unknown heads count in neither.
 * </ul>
 *
 * <p>Not thread-safe: one accumulator per evaluation thread.
 */
public final class DetectionMetrics {

  private int images;
  private long truePositives;
  private long predicted;
  private long labelled;
  private long helmetCorrect;
  private long helmetJudged;
  private long helmetCountError;
  private long bareCountError;

  /** Adds one image: what perception predicted and what the labels say. */
  public void add(List<HeadPrediction> predictions, List<LabelledHead> truths) {
    List<HeadMatcher.Match> matches = HeadMatcher.match(predictions, truths);
    images++;
    predicted += predictions.size();
    labelled += truths.size();
    truePositives += matches.size();
    for (HeadMatcher.Match m : matches) {
      Boolean judged = predictions.get(m.prediction()).helmet();
      helmetJudged++;
      if (judged != null && judged == truths.get(m.truth()).helmet()) {
        helmetCorrect++;
      }
    }
    long predHelmets = predictions.stream().filter(p -> Boolean.TRUE.equals(p.helmet())).count();
    long predBare = predictions.stream().filter(p -> Boolean.FALSE.equals(p.helmet())).count();
    long trueHelmets = truths.stream().filter(LabelledHead::helmet).count();
    long trueBare = truths.size() - trueHelmets;
    helmetCountError += Math.abs(predHelmets - trueHelmets);
    bareCountError += Math.abs(predBare - trueBare);
  }

  public int images() {
    return images;
  }

  /**
   * The figures so far.
   *
   * @param seconds wall time spent perceiving the images, for {@code images_per_second}
   */
  public Report report(double seconds) {
    double precision = predicted == 0 ? 0 : (double) truePositives / predicted;
    double recall = labelled == 0 ? 0 : (double) truePositives / labelled;
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    double helmetAccuracy = helmetJudged == 0 ? 0 : (double) helmetCorrect / helmetJudged;
    double n = Math.max(1, images);
    return new Report(
        precision,
        recall,
        f1,
        helmetAccuracy,
        helmetCountError / n,
        bareCountError / n,
        seconds > 0 ? images / seconds : 0,
        images);
  }

  /**
   * The figures of one evaluation. Every ratio is 0 when its denominator is 0.
   *
   * @param headPrecision matched predictions / predictions
   * @param headRecall matched labelled heads / labelled heads
   * @param headF1 harmonic mean of precision and recall
   * @param helmetAccuracy correct helmet judgements / matched heads
   * @param countMaeHelmet mean per-image absolute error of the number of heads with a helmet
   * @param countMaeNoHelmet mean per-image absolute error of the number of heads without one
   * @param imagesPerSecond throughput of perception, decode included
   * @param images number of images
   */
  public record Report(
      double headPrecision,
      double headRecall,
      double headF1,
      double helmetAccuracy,
      double countMaeHelmet,
      double countMaeNoHelmet,
      double imagesPerSecond,
      int images) {

    /** The figures by their JSON key (the components in snake_case), in a fixed order. */
    public Map<String, Object> toMap() {
      return Json.fields(this, Object.class);
    }

    /** One line of JSON with the keys of {@link #toMap()}. */
    public String toJson() {
      StringBuilder s = new StringBuilder("{");
      for (Map.Entry<String, Object> e : toMap().entrySet()) {
        if (s.length() > 1) {
          s.append(',');
        }
        s.append('"').append(e.getKey()).append("\":");
        Object v = e.getValue();
        s.append(v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : v.toString());
      }
      return s.append('}').toString();
    }

    /** A short human-readable table. */
    public String toText() {
      return String.format(
          Locale.ROOT,
          "images             %d%n"
              + "head precision     %.3f%n"
              + "head recall        %.3f%n"
              + "head F1            %.3f%n"
              + "helmet accuracy    %.3f%n"
              + "count MAE helmet   %.3f%n"
              + "count MAE no-helm  %.3f%n"
              + "images per second  %.2f%n",
          images,
          headPrecision,
          headRecall,
          headF1,
          helmetAccuracy,
          countMaeHelmet,
          countMaeNoHelmet,
          imagesPerSecond);
    }
  }
}
