package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;
import java.util.Objects;

/**
 * Turns the filled slots into a {@link CompiledPrompt}: checks no phrase is left over, decides the
 * measure (count, share or existence) and refuses a prompt that asks nothing or mixes measures.
 */
final class PromptAssembler {

  private PromptAssembler() {}

  /** Refuses the phrases no clause could take. */
  static void checkLeftovers(Lexemes lx, Slots slots) {
    for (int i = 0; i < lx.size(); i++) {
      Lex l = lx.get(i);
      if (l.used) {
        continue;
      }
      if (l.kind == Kind.NEG || l.kind == Kind.POSTNEG) {
        throw new PromptRejectedException(
            l.text,
            "cannot use \""
                + l.text
                + "\" here: only a helmet can be negated, as in \"without a helmet\"");
      }
      if (l.kind == Kind.UNIVERSAL && !lx.any(Kind.FRACTION) && !slots.shareCue) {
        throw new PromptRejectedException(
            l.text,
            "cannot use \""
                + l.text
                + "\": ask about the people who break the rule (\"is anyone without a"
                + " helmet?\") or for a share (\"what fraction of workers wear helmets?\")");
      }
    }
  }

  static CompiledPrompt assemble(Lexemes lx, Slots slots) {
    Boolean helmet = slots.helmet;
    String zone = slots.zone;
    boolean share = slots.shareCue || lx.any(Kind.FRACTION);
    boolean howMany = lx.any(Kind.HOW_MANY);
    boolean same = lx.any(Kind.SAME_PERSON);
    boolean subject =
        lx.any(Kind.SUBJECT) || lx.any(Kind.SUBJECT_ANY) || lx.any(Kind.NONE) || howMany || same;
    boolean filter = helmet != null || zone != null;
    boolean people = subject || filter || slots.countValue != null || share;
    SoundCondition sound =
        new SoundCondition(
            slots.alarm,
            slots.noiseOp,
            slots.noiseDb == null ? Double.NaN : slots.noiseDb,
            slots.impact);
    double forS = slots.forSeconds == null ? 0 : slots.forSeconds;
    if (!people) {
      if (!sound.isPresent()) {
        throw new PromptRejectedException(
            null, "the prompt asks nothing I can check: " + PromptCompiler.UNDERSTOOD);
      }
      return new CompiledPrompt(
          Measure.EXISTS, false, null, null, Comparison.EQ, 1, forS, sound, false);
    }
    if (same && (share || slots.countValue != null || howMany || lx.any(Kind.NONE))) {
      throw new PromptRejectedException(
          "same",
          "\"the same person\" asks whether one person breaks the rule, as in \"is the same"
              + " person without a helmet for 10 seconds?\"; it cannot be counted or shared");
    }
    if (share) {
      return share(slots, forS, sound);
    }
    if (slots.countValue != null || howMany) {
      Comparison op = slots.countValue == null ? Comparison.GT : slots.countOp;
      double threshold = slots.countValue == null ? 0 : slots.countValue;
      return new CompiledPrompt(
          Measure.COUNT, true, helmet, zone, op, threshold, forS, sound, false);
    }
    boolean cue =
        same
            || lx.any(Kind.SUBJECT_ANY)
            || lx.anyUnused(Kind.EXISTS)
            || lx.any(Kind.ALERT)
            || lx.any(Kind.BE)
            || filter
            || sound.isPresent();
    if (!cue) {
      String word = null;
      for (Lex l : lx) {
        if (l.kind == Kind.SUBJECT) {
          word = l.text;
          break;
        }
      }
      throw new PromptRejectedException(
          word,
          "\""
              + Objects.requireNonNullElse(word, "")
              + "\" asks nothing I can check: ask how many, whether anyone, or what fraction,"
              + " e.g. \"how many people are in zone dock?\"; "
              + PromptCompiler.UNDERSTOOD);
    }
    return new CompiledPrompt(
        Measure.EXISTS, true, helmet, zone, Comparison.EQ, 1, forS, sound, same);
  }

  private static CompiledPrompt share(Slots slots, double forS, SoundCondition sound) {
    if (slots.helmet == null && slots.zone == null) {
      throw new PromptRejectedException(
          null,
          "a share needs a helmet or zone filter, as in \"what fraction of workers wear"
              + " helmets?\" or \"what share of people are in zone press?\"");
    }
    Comparison op;
    double threshold;
    if (slots.shareValue != null && slots.countValue != null) {
      throw new PromptRejectedException(
          slots.countText,
          "ambiguous: the prompt gives two thresholds, \"" + slots.countText + "\" and a share");
    } else if (slots.shareValue != null) {
      op = slots.shareOp;
      threshold = slots.shareValue;
    } else if (slots.countValue != null) {
      op = slots.countOp;
      // "fraction below 0.9" is a share; "fraction below 90" is a percentage.
      threshold = slots.countValue > 1 ? slots.countValue / 100 : slots.countValue;
      if (threshold > 1) {
        throw new PromptRejectedException(
            slots.countText, "cannot use \"" + slots.countText + "\": a share is at most 100%");
      }
    } else if (Boolean.TRUE.equals(slots.helmet)) {
      // "What fraction wear helmets?": alert while not everyone does.
      op = Comparison.LT;
      threshold = 1;
    } else {
      op = Comparison.GT;
      threshold = 0;
    }
    return new CompiledPrompt(
        Measure.FRACTION, true, slots.helmet, slots.zone, op, threshold, forS, sound, false);
  }
}
