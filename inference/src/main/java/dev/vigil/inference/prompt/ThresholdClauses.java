package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;

/** Reads the thresholds on people: a share ("90%", "half") and a count ("more than 4"). */
final class ThresholdClauses {

  private ThresholdClauses() {}

  static void readShares(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex l = lx.get(i);
      if (l.used) {
        continue;
      }
      if (l.kind == Kind.PERCENT) {
        l.used = true;
        slots.shareCue = true;
        if (!lx.is(i - 1, Kind.NUMBER)) {
          continue; // "what percent of workers ...": a question, not a threshold
        }
        Lex number = lx.at(i - 1);
        number.used = true;
        Comparison op = lx.takeComparison(i - 2, i + 1, Comparison.GE);
        slots.setShare(op, number.value / 100, number.text + "%");
      } else if (l.kind == Kind.HALF) {
        l.used = true;
        slots.shareCue = true;
        Comparison op = Comparison.GE;
        if (lx.is(i - 1, Kind.CMP)) {
          op = lx.at(i - 1).op;
          lx.at(i - 1).used = true;
        }
        slots.setShare(op, 0.5, l.text);
      }
    }
  }

  static void readCounts(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex l = lx.get(i);
      if (l.used) {
        continue;
      }
      if (l.kind == Kind.NEG && l.text.equals("no") && lx.is(i + 1, Kind.SUBJECT)) {
        // "no workers" is nobody, not a missing helmet.
        l.used = true;
        slots.setCount(Comparison.EQ, 0, "no " + lx.at(i + 1).text);
      } else if (l.kind == Kind.CMP) {
        int k = i + 1;
        while (lx.is(k, Kind.ARTICLE)) {
          k++;
        }
        if (!lx.is(k, Kind.NUMBER)) {
          throw new PromptRejectedException(
              l.text,
              "cannot use \""
                  + l.text
                  + "\" without a number: write e.g. \""
                  + l.text
                  + " 4 people\"");
        }
        l.used = true;
        lx.at(k).used = true;
        slots.setCount(l.op, lx.at(k).value, l.text + " " + lx.at(k).text);
      } else if (l.kind == Kind.NUMBER) {
        l.used = true;
        if (lx.is(i + 1, Kind.CMP_POST)) {
          lx.at(i + 1).used = true;
          slots.setCount(lx.at(i + 1).op, l.value, l.text + " " + lx.at(i + 1).text);
        } else {
          // "alert if 3 people are in zone dock" means three or more; "0 people" means none.
          slots.setCount(l.value == 0 ? Comparison.EQ : Comparison.GE, l.value, l.text);
        }
      } else if (l.kind == Kind.NONE) {
        l.used = true;
        slots.setCount(Comparison.EQ, 0, l.text);
      } else if (l.kind == Kind.CMP_POST) {
        throw new PromptRejectedException(
            l.text, "cannot use \"" + l.text + "\" without a number before it");
      }
    }
  }
}
