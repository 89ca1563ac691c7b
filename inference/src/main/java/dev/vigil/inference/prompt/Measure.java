package dev.vigil.inference.prompt;

import java.util.Locale;

/** What a prompt measures over the people that pass its filter. */
public enum Measure {
  /** How many people match: the answer is a count. */
  COUNT,
  /** Whether anyone matches: the answer is 1 or 0. */
  EXISTS,
  /** What share of the people in scope match: the answer is 0..1. */
  FRACTION;

  /** The lower-case name used in JSON ({@code count}, {@code exists}, {@code fraction}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
