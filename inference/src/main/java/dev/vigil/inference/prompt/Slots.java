package dev.vigil.inference.prompt;

/**
 * What the clause readers have found in a prompt so far. A slot filled twice with different values
 * makes the prompt ambiguous, and is refused. Not thread-safe: one per compilation.
 */
final class Slots {
  Double forSeconds;
  Comparison countOp;
  Double countValue;
  String countText;
  Comparison shareOp;
  Double shareValue;
  boolean shareCue;
  Comparison noiseOp;
  Double noiseDb;
  Boolean helmet;
  String zone;
  boolean alarm;
  boolean impact;

  void setZone(String z) {
    if (zone != null && !zone.equals(z)) {
      throw new PromptRejectedException(
          z,
          "ambiguous: the prompt names two zones, \""
              + zone
              + "\" and \""
              + z
              + "\"; a prompt can watch one zone");
    }
    zone = z;
  }

  void setDuration(double seconds, String text) {
    if (forSeconds != null && forSeconds != seconds) {
      throw new PromptRejectedException(
          text,
          "ambiguous: the prompt gives two durations, "
              + CompiledPrompt.number(forSeconds)
              + " s and "
              + CompiledPrompt.number(seconds)
              + " s");
    }
    forSeconds = seconds;
  }

  void setNoise(Comparison op, double db, String text) {
    if (noiseDb != null && (noiseOp != op || noiseDb != db)) {
      throw new PromptRejectedException(text, "ambiguous: the prompt gives two noise thresholds");
    }
    noiseOp = op;
    noiseDb = db;
  }

  void setShare(Comparison op, double v, String text) {
    if (shareValue != null && (shareOp != op || shareValue != v)) {
      throw new PromptRejectedException(text, "ambiguous: the prompt gives two thresholds");
    }
    if (v > 1) {
      throw new PromptRejectedException(
          text, "cannot use \"" + text + "\": a share is at most 100%");
    }
    shareOp = op;
    shareValue = v;
  }

  void setCount(Comparison op, double v, String text) {
    if (countValue != null && (countOp != op || countValue != v)) {
      throw new PromptRejectedException(
          text,
          "ambiguous: the prompt gives two thresholds, \""
              + countText
              + "\" and \""
              + text
              + "\"; keep one");
    }
    countOp = op;
    countValue = v;
    countText = text;
  }

  void setHelmet(boolean p, String text) {
    if (helmet != null && helmet != p) {
      throw new PromptRejectedException(
          text,
          "ambiguous: the prompt asks for people both with and without a "
              + text
              + "; ask about one");
    }
    helmet = p;
  }
}
