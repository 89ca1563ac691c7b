package dev.vigil.inference.prompt;

/** A comparison of an answer with a threshold. NaN never compares true. */
public enum Comparison {
  GT(">", "more than", "above"),
  GE(">=", "at least", "at least"),
  LT("<", "fewer than", "below"),
  LE("<=", "at most", "at most"),
  EQ("==", "exactly", "exactly");

  private final String symbol;
  private final String countWords;
  private final String levelWords;

  Comparison(String symbol, String countWords, String levelWords) {
    this.symbol = symbol;
    this.countWords = countWords;
    this.levelWords = levelWords;
  }

  /** One of {@code >}, {@code >=}, {@code <}, {@code <=}, {@code ==}. */
  public String symbol() {
    return symbol;
  }

  /** Words for this comparison with a count, such as "more than". */
  String countWords() {
    return countWords;
  }

  /** Words for this comparison with a level or share, such as "above". */
  String levelWords() {
    return levelWords;
  }

  /** Applies the comparison; false whenever {@code value} is NaN. */
  public boolean test(double value, double threshold) {
    return switch (this) {
      case GT -> value > threshold;
      case GE -> value >= threshold;
      case LT -> value < threshold;
      case LE -> value <= threshold;
      // Counts are whole numbers and shares are compared as given, so a tiny tolerance suffices.
      case EQ -> Math.abs(value - threshold) < 1e-9;
    };
  }
}
