package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;

/** Reads the sound conditions: a noise level ("noise above 85 dB"), an alarm, an impact. */
final class SoundClauses {

  private SoundClauses() {}

  static void readNoise(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex db = lx.get(i);
      if (db.kind != Kind.DB || db.used) {
        continue;
      }
      if (!lx.is(i - 1, Kind.NUMBER)) {
        throw new PromptRejectedException(
            db.text,
            "cannot use \"" + db.text + "\" without a number: write \"noise above 85 dB\"");
      }
      db.used = true;
      Lex number = lx.at(i - 1);
      number.used = true;
      Comparison op = lx.takeComparison(i - 2, i + 1, Comparison.GT);
      slots.setNoise(op, number.value, db.text);
    }
    // "noise above 85" with the unit left out.
    for (int i = 0; i < lx.size(); i++) {
      if (lx.get(i).kind != Kind.NOISE) {
        continue;
      }
      int k = i + 1;
      while (lx.is(k, Kind.FILLER) || lx.is(k, Kind.BE)) {
        k++;
      }
      if (lx.is(k, Kind.CMP) && lx.is(k + 1, Kind.NUMBER)) {
        lx.at(k).used = true;
        lx.at(k + 1).used = true;
        slots.setNoise(lx.at(k).op, lx.at(k + 1).value, lx.at(k + 1).text);
      }
    }
    for (Lex l : lx) {
      if (l.kind == Kind.NOISE) {
        if (slots.noiseDb == null) {
          throw new PromptRejectedException(
              l.text, "cannot use \"" + l.text + "\" without a level: write \"noise above 85 dB\"");
        }
        l.used = true;
      }
    }
  }

  static void readEvents(Lexemes lx, Slots slots) {
    for (Lex l : lx) {
      if (l.kind == Kind.ALARM) {
        slots.alarm = true;
        l.used = true;
      } else if (l.kind == Kind.IMPACT) {
        slots.impact = true;
        l.used = true;
      }
    }
  }
}
