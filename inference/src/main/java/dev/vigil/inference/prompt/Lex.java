package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;

/** One phrase of the prompt with its meaning; {@code used} once a slot has taken it. */
final class Lex {
  final Kind kind;
  final String text;
  final double value;
  final Comparison op;
  boolean used;

  Lex(Kind kind, String text, double value, Comparison op) {
    this.kind = kind;
    this.text = text;
    this.value = value;
    this.op = op;
  }

  @Override
  public String toString() {
    return kind + "(" + text + ")";
  }
}
