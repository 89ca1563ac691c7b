package dev.vigil.inference.prompt;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hook between the compiler and the multimodal model: a prompt the compiler refuses goes to the
 * model when one is configured, and otherwise its refusal names the setting that would have taken
 * it. Stateless and thread-safe.
 */
public final class VlmRoute {
  /** The site.yaml setting that enables the model route. */
  public static final String SETTING = "vlm.base_url";

  /**
   * What no prompt may ask the model, whatever the site: who someone is, and how someone feels,
   * looks or performs (docs/PRIVACY.md). Matched on whole words.
   */
  private static final Pattern OFF_LIMITS =
      Pattern.compile(
          "\\b(who|whom|whose|name[sd]?|identit(y|ies)|identify|recogni[sz]e|face|faces|"
              + "emotions?|mood|happy|sad|angry|upset|stressed|tired|bored|attentive|attention|"
              + "distracted|productive|productivity|lazy|slacking|gender|male|female|race|"
              + "ethnicity|age|religion|pregnant|disabled|attractive)\\b");

  private VlmRoute() {}

  /** A prompt as it will run: compiled, or answered by the model. Exactly one is non-null. */
  public record Routed(CompiledPrompt compiled, VlmPrompt vlm) {}

  /**
   * Compiles {@code text}, or routes it to {@code model} when the compiler refuses it.
   *
   * @param model the model name of {@code vlm.model}, or null when no endpoint is configured
   * @return the compiled prompt, or the prompt routed to the model
   * @throws PromptRejectedException when the compiler refuses it and no model is configured; the
   *     message then also names {@link #SETTING}
   */
  public static Routed compile(String text, String model) {
    try {
      return new Routed(PromptCompiler.compile(text), null);
    } catch (PromptRejectedException e) {
      if (model == null || text == null || text.isBlank()) {
        throw new PromptRejectedException(
            e.phrase(),
            e.getMessage()
                + "; no multimodal model is configured to answer prompts outside this language:"
                + " set "
                + SETTING
                + " (and vlm.model) in site.yaml, or `vigil demo --vlm-url URL --vlm-model NAME`");
      }
      var personal = OFF_LIMITS.matcher(text.toLowerCase(Locale.ROOT));
      if (personal.find()) {
        throw new PromptRejectedException(
            personal.group(1),
            "cannot ask the model about \""
                + personal.group(1)
                + "\": Vigil does not identify people or judge how they feel, look or perform"
                + " (docs/PRIVACY.md); ask about the scene, such as \"is the fire exit"
                + " blocked?\"");
      }
      return new Routed(null, VlmPrompt.of(text, model, e.getMessage()));
    }
  }
}
