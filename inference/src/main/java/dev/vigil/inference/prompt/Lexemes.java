package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;
import java.util.Iterator;
import java.util.List;

/** A prompt's phrases in order, with the look-ups the clause readers share. Not thread-safe. */
final class Lexemes implements Iterable<Lex> {
  private final List<Lex> all;

  Lexemes(List<Lex> all) {
    this.all = all;
  }

  int size() {
    return all.size();
  }

  Lex get(int i) {
    return all.get(i);
  }

  @Override
  public Iterator<Lex> iterator() {
    return all.iterator();
  }

  /** The phrase at {@code i}, or null outside the prompt. */
  Lex at(int i) {
    return i >= 0 && i < all.size() ? all.get(i) : null;
  }

  /** Whether the phrase at {@code i} is of {@code kind} and not yet taken. */
  boolean is(int i, Kind kind) {
    Lex l = at(i);
    return l != null && !l.used && l.kind == kind;
  }

  boolean any(Kind kind) {
    return all.stream().anyMatch(l -> l.kind == kind);
  }

  boolean anyUnused(Kind kind) {
    return all.stream().anyMatch(l -> l.kind == kind && !l.used);
  }

  /**
   * Takes the comparison that qualifies a number: one before it ("above 85 dB") at {@code before},
   * else one after its unit ("85 dB or more") at {@code after}; {@code otherwise} when neither.
   */
  Comparison takeComparison(int before, int after, Comparison otherwise) {
    if (is(before, Kind.CMP)) {
      at(before).used = true;
      return at(before).op;
    }
    if (is(after, Kind.CMP_POST)) {
      at(after).used = true;
      return at(after).op;
    }
    return otherwise;
  }
}
