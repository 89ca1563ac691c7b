package dev.vigil.inference.prompt;

import dev.vigil.inference.InferenceException;

/**
 * A prompt cannot be compiled. The message names the word or phrase that could not be used and says
 * what the language understands; publish it on {@code vigil.prompt-status} as-is.
 */
public class PromptRejectedException extends InferenceException {
  private static final long serialVersionUID = 1L;

  /** The word or phrase at fault, or null when the prompt as a whole is the problem. */
  private final String phrase;

  public PromptRejectedException(String phrase, String message) {
    super(message);
    this.phrase = phrase;
  }

  /** The word or phrase that could not be used, or null when no single phrase is at fault. */
  public String phrase() {
    return phrase;
  }
}
