package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;
import java.util.Set;

/** Reads whether the prompt asks about people with or without a helmet, negations included. */
final class HelmetClause {

  private static final Set<Kind> WINDOW =
      Set.of(Kind.FILLER, Kind.BE, Kind.NEG, Kind.POS, Kind.ARTICLE, Kind.EXISTS, Kind.CONJ);

  private HelmetClause() {}

  static void read(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex l = lx.get(i);
      if (l.kind == Kind.BAREHEADED) {
        l.used = true;
        slots.setHelmet(false, l.text);
      } else if (l.kind == Kind.HELMETED) {
        l.used = true;
        slots.setHelmet(true, l.text);
      } else if (l.kind == Kind.HELMET) {
        l.used = true;
        slots.setHelmet(polarity(lx, i), l.text);
      }
    }
  }

  /** Reads the words before a helmet ("not wearing a") and after it ("is off"). */
  private static boolean polarity(Lexemes lx, int i) {
    int start = i;
    while (start - 1 >= 0 && !lx.at(start - 1).used && WINDOW.contains(lx.at(start - 1).kind)) {
      start--;
    }
    // Split the window at connectives: "with and without a helmet" has two clauses.
    Boolean polarity = null;
    String clause = null;
    int negs = 0;
    boolean marked = false;
    StringBuilder words = new StringBuilder();
    for (int k = start; k <= i; k++) {
      Lex w = lx.at(k);
      boolean end = k == i || w.kind == Kind.CONJ;
      if (w.kind == Kind.NEG) {
        negs++;
        marked = true;
        w.used = true;
      } else if (w.kind == Kind.POS) {
        marked = true;
        w.used = true;
      } else if (w.kind == Kind.EXISTS) {
        w.used = true; // "without any helmet"
      }
      if (w.kind != Kind.CONJ) {
        words.append(words.length() == 0 ? "" : " ").append(w.text);
      }
      if (end) {
        if (marked) {
          boolean p = negs % 2 == 0;
          if (polarity != null && polarity != p) {
            throw new PromptRejectedException(
                clause + " / " + words,
                "ambiguous: \""
                    + clause
                    + "\" and \""
                    + words
                    + "\" ask for people both with and without a helmet; ask about one");
          }
          polarity = p;
          clause = words.toString();
        }
        negs = 0;
        marked = false;
        words.setLength(0);
      }
    }
    boolean p = polarity == null || polarity;
    int k = i + 1;
    while (lx.is(k, Kind.FILLER) || lx.is(k, Kind.BE)) {
      k++;
    }
    if (lx.is(k, Kind.POSTNEG) || (lx.is(k, Kind.NEG) && lx.at(k).text.equals("missing"))) {
      lx.at(k).used = true;
      p = !p;
    } else if (lx.is(k, Kind.NEG) && lx.at(k).text.equals("not") && lx.is(k + 1, Kind.POS)) {
      lx.at(k).used = true;
      lx.at(k + 1).used = true;
      p = !p;
    }
    return p;
  }
}
