package dev.vigil.inference.prompt;

import dev.vigil.inference.prompt.Lexicon.Kind;

/**
 * Compiles a standing prompt written in plain English into a {@link CompiledPrompt}, or refuses it.
 *
 * <p>The compiler tokenizes the text, extracts the zone ("in zone NAME", "in the NAME zone"), reads
 * the rest as phrases of a small lexicon and fills slots: measure, helmet filter, zone, comparison
 * and threshold, duration and sound condition. Word order does not matter, every word must be
 * understood, and a slot filled twice with different values is refused as ambiguous. The result
 * depends only on the text. Stateless and thread-safe.
 */
public final class PromptCompiler {

  /** What the language understands, appended to refusals so the author can fix the prompt. */
  public static final String UNDERSTOOD =
      "I understand people (people, persons, workers, anyone, anybody, employees, ...), helmets"
          + " (helmet, hard hat, hardhat, safety helmet), zones (\"in zone NAME\"), sounds (alarm,"
          + " noise above N dB, impact) and durations (\"for 10 seconds\")";

  private PromptCompiler() {}

  /**
   * Compiles one prompt.
   *
   * @throws PromptRejectedException when any word cannot be used, the prompt asks nothing, or it is
   *     ambiguous; the message names the phrase and says what is understood
   */
  public static CompiledPrompt compile(String text) {
    if (text == null || text.isBlank()) {
      throw new PromptRejectedException(
          null,
          "the prompt is empty: ask a question such as \"how many people are not wearing a helmet"
              + " in zone assembly?\"; "
              + UNDERSTOOD);
    }
    return parse(new Lexemes(PromptLexer.lex(text)));
  }

  private static CompiledPrompt parse(Lexemes lx) {
    for (Lex l : lx) {
      if (l.kind == Kind.UNKNOWN) {
        throw new PromptRejectedException(l.text, "cannot use \"" + l.text + "\": " + UNDERSTOOD);
      }
    }
    Slots slots = new Slots();
    for (Lex l : lx) {
      if (l.kind == Kind.ZONE) {
        slots.setZone(l.text);
        l.used = true;
      }
    }
    // The order matters: each reader takes its phrases, so later ones see only what is left.
    DurationClause.read(lx, slots);
    SoundClauses.readNoise(lx, slots);
    ThresholdClauses.readShares(lx, slots);
    ThresholdClauses.readCounts(lx, slots);
    HelmetClause.read(lx, slots);
    SoundClauses.readEvents(lx, slots);
    PromptAssembler.checkLeftovers(lx, slots);
    return PromptAssembler.assemble(lx, slots);
  }
}
