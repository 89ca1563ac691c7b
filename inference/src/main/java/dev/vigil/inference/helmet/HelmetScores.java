package dev.vigil.inference.helmet;

/**
 * How well the helmet classifier did on a set of crops.
 *
 * @param loss mean loss
 * @param accuracy share of crops classified right at logit 0
 * @param helmetRecall share of helmets judged helmet
 * @param headRecall share of bare heads judged bare
 */
record HelmetScores(double loss, double accuracy, double helmetRecall, double headRecall) {

  /** Accuracy and recalls of logits against labels at logit 0, with the given loss. */
  static HelmetScores of(float[] z, float[] labels, int n, double loss) {
    int right = 0;
    int helmets = 0;
    int helmetsRight = 0;
    int headsRight = 0;
    for (int i = 0; i < n; i++) {
      boolean truth = labels[i] > 0.5f;
      boolean said = z[i] > 0;
      helmets += truth ? 1 : 0;
      if (truth == said) {
        right++;
        helmetsRight += truth ? 1 : 0;
        headsRight += truth ? 0 : 1;
      }
    }
    int heads = n - helmets;
    return new HelmetScores(
        loss,
        n == 0 ? 0 : (double) right / n,
        helmets == 0 ? 0 : (double) helmetsRight / helmets,
        heads == 0 ? 0 : (double) headsRight / heads);
  }
}
