package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;

/** Reads how long a condition must hold ("for 10 seconds", "for half a minute"). */
final class DurationClause {

  private DurationClause() {}

  static void read(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex unit = lx.get(i);
      if (unit.kind != Kind.TIME_UNIT || unit.used) {
        continue;
      }
      int j = i - 1;
      double v;
      if (lx.is(j, Kind.NUMBER)) {
        v = lx.at(j).value;
      } else if (lx.is(j, Kind.ARTICLE)) {
        v = 1;
        if (lx.is(j - 1, Kind.HALF)) {
          v = 0.5;
          lx.at(j).used = true;
          j--;
        }
      } else if (lx.is(j, Kind.HALF)) {
        v = 0.5;
      } else {
        throw new PromptRejectedException(
            unit.text,
            "cannot use \"" + unit.text + "\" without a number: write \"for 10 seconds\"");
      }
      unit.used = true;
      lx.at(j).used = true;
      int k = j - 1;
      if (lx.is(k, Kind.CMP)) {
        Comparison op = lx.at(k).op;
        if (op == Comparison.LT || op == Comparison.LE) {
          throw new PromptRejectedException(
              lx.at(k).text + " " + lx.at(j).text + " " + unit.text,
              "cannot use \""
                  + lx.at(k).text
                  + "\" with a duration: an alert waits until the condition has held for a"
                  + " time, as in \"for 10 seconds\"");
        }
        lx.at(k).used = true;
        k--;
      }
      if (lx.at(k) != null && lx.at(k).text.equals("for")) {
        lx.at(k).used = true;
      }
      if (lx.is(i + 1, Kind.CMP_POST)) {
        lx.at(i + 1).used = true;
      }
      slots.setDuration(v * unit.value, unit.text);
    }
  }
}
