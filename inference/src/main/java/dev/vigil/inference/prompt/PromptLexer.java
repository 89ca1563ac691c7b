package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Entry;
import dev.vigil.inference.prompt.Lexicon.Kind;
import dev.vigil.inference.prompt.ZoneExtractor.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a prompt as a sequence of {@link Lex} phrases: its zone, then the longest lexicon phrase at
 * each place, numbers, and unknown words (which the compiler refuses). Stateless and thread-safe.
 */
final class PromptLexer {

  private PromptLexer() {}

  static List<Lex> lex(String text) {
    List<Item> items = ZoneExtractor.extractZones(PromptTokenizer.tokenize(text));
    List<Lex> out = new ArrayList<>();
    int i = 0;
    while (i < items.size()) {
      Item it = items.get(i);
      if (it.zone() != null) {
        out.add(new Lex(Kind.ZONE, it.zone(), Double.NaN, null));
        i++;
        continue;
      }
      if (it.quoted()) {
        out.add(new Lex(Kind.UNKNOWN, it.text(), Double.NaN, null));
        i++;
        continue;
      }
      if (PromptTokenizer.DECIMAL.matcher(it.text()).matches()) {
        out.add(new Lex(Kind.NUMBER, it.text(), Double.parseDouble(it.text()), null));
        i++;
        continue;
      }
      int best = 0;
      Entry bestEntry = null;
      StringBuilder phrase = new StringBuilder();
      for (int len = 1; len <= Lexicon.MAX_PHRASE && i + len <= items.size(); len++) {
        Item w = items.get(i + len - 1);
        if (w.zone() != null || w.quoted()) {
          break;
        }
        if (len > 1) {
          phrase.append(' ');
        }
        phrase.append(w.text());
        Entry e = Lexicon.PHRASES.get(phrase.toString());
        if (e != null) {
          best = len;
          bestEntry = e;
        }
      }
      if (bestEntry == null) {
        out.add(new Lex(Kind.UNKNOWN, it.text(), Double.NaN, null));
        i++;
        continue;
      }
      StringBuilder words = new StringBuilder(it.text());
      for (int k = 1; k < best; k++) {
        words.append(' ').append(items.get(i + k).text());
      }
      out.add(new Lex(bestEntry.kind(), words.toString(), bestEntry.value(), bestEntry.op()));
      i += best;
    }
    return mergeCompoundNumbers(out);
  }

  /** "twenty five" is 25. */
  private static List<Lex> mergeCompoundNumbers(List<Lex> in) {
    List<Lex> out = new ArrayList<>();
    for (Lex l : in) {
      Lex prev = out.isEmpty() ? null : out.get(out.size() - 1);
      if (prev != null
          && prev.kind == Kind.NUMBER
          && l.kind == Kind.NUMBER
          && prev.value >= 20
          && prev.value < 100
          && prev.value % 10 == 0
          && l.value >= 1
          && l.value <= 9
          && l.value == Math.rint(l.value)) {
        out.set(
            out.size() - 1,
            new Lex(Kind.NUMBER, prev.text + " " + l.text, prev.value + l.value, null));
      } else {
        out.add(l);
      }
    }
    return out;
  }
}
