package dev.vigil.processor;

import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.inference.prompt.VlmPrompt;
import dev.vigil.inference.prompt.VlmRoute;
import dev.vigil.processor.rules.RuleSettings;
import dev.vigil.processor.rules.TemporalRule;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and compiles the raw values of {@code vigil.prompts}, caching by value so each prompt is
 * compiled once per version. A prompt the compiler refuses goes to the multimodal model when the
 * site has one. Not thread-safe: one per processor instance.
 */
final class PromptCatalog {
  /** The model that answers prompts outside the language, or null when there is none. */
  private final String vlmModel;

  /** The last version seen of each prompt id, with the bytes it was compiled from. */
  private final Map<String, Compiled> cache = new HashMap<>();

  /** The last accepted version of each prompt id: it keeps running while an edit is rejected. */
  private final Map<String, Entry> lastAccepted = new HashMap<>();

  private record Compiled(byte[] value, Entry entry) {}

  PromptCatalog() {
    this(null);
  }

  /**
   * @param vlmModel the model that answers prompts the compiler refuses ({@code vlm.model}), or
   *     null when the site has none
   */
  PromptCatalog(String vlmModel) {
    this.vlmModel = vlmModel;
  }

  /**
   * A prompt as the processor sees it: accepted with its compiled form, or rejected with a reason.
   *
   * @param id prompt id (the record key)
   * @param spec the parsed spec, or null when the value is not valid PromptSpec JSON
   * @param compiled the compiled prompt, or null when rejected or answered by the model
   * @param vlm the prompt as the multimodal model answers it, or null
   * @param rejection why it was rejected, or null
   * @param running for a rejected edit, the earlier accepted version that keeps running, or null
   */
  record Entry(
      String id,
      PromptSpec spec,
      CompiledPrompt compiled,
      VlmPrompt vlm,
      String rejection,
      Entry running) {
    Entry(String id, PromptSpec spec, CompiledPrompt compiled, String rejection) {
      this(id, spec, compiled, null, rejection, null);
    }

    boolean accepted() {
      return compiled != null || vlm != null;
    }

    /** The prompt's meaning: a rule built under another one ends with {@code prompt_changed}. */
    String canonical() {
      return vlm != null ? vlm.canonical() : compiled.canonical();
    }

    /** How long the condition must hold before an alert. */
    double forSeconds() {
      return vlm != null ? vlm.forSeconds() : compiled.forSeconds();
    }

    /** The timing of the prompt's temporal rules: its {@code for} and its cooldown. */
    RuleSettings settings() {
      return RuleSettings.of(forSeconds(), spec.cooldownS());
    }

    /** The prompt's temporal rule on {@code camera} (per-person prompts run one per track). */
    TemporalRule ruleOn(String camera) {
      return new TemporalRule(camera, id, settings());
    }

    /** The version to run: this one when accepted, else the earlier accepted one, or null. */
    Entry toRun() {
      return accepted() ? this : running;
    }

    /** The JSON written to {@code vigil.prompt-status}. */
    Map<String, Object> status() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", id);
      s.put("text", spec == null ? null : spec.text());
      s.put("status", accepted() ? "accepted" : "rejected");
      if (accepted()) {
        s.put("compiled", vlm != null ? vlm.toMap() : compiled.toMap());
      } else {
        s.put("reason", rejection);
        if (running != null) {
          s.put("running", running.canonical());
        }
      }
      return s;
    }
  }

  /**
   * The prompt {@code id} as of {@code value}, compiled once per version: this runs for every
   * prompt on every frame, so an unchanged value costs one byte comparison.
   */
  Entry get(String id, byte[] value) {
    Compiled c = cache.get(id);
    if (c == null || !Arrays.equals(c.value(), value)) {
      Entry e = compile(id, value, vlmModel);
      if (e.accepted()) {
        lastAccepted.put(id, e);
      } else if (lastAccepted.containsKey(id)) {
        e = new Entry(id, e.spec(), null, null, e.rejection(), lastAccepted.get(id));
      }
      c = new Compiled(value.clone(), e);
      cache.put(id, c);
    }
    return c.entry();
  }

  static Entry compile(String id, byte[] value) {
    return compile(id, value, null);
  }

  /** As {@link #compile(String, byte[])}, routing refused prompts to {@code vlmModel} if set. */
  static Entry compile(String id, byte[] value, String vlmModel) {
    PromptSpec spec;
    try {
      spec = Json.fromBytes(value, PromptSpec.class);
    } catch (RuntimeException e) {
      return new Entry(
          id,
          null,
          null,
          "value is not PromptSpec JSON ({\"id\":…,\"text\":…}); write it with `vigil prompt add`");
    }
    if (spec.id() != null && !spec.id().equals(id)) {
      return new Entry(
          id, spec, null, "spec id '" + spec.id() + "' differs from the record key '" + id + "'");
    }
    PromptSpec checked = spec.withId(id);
    if (!checked.problems().isEmpty()) {
      return new Entry(id, spec, null, String.join("; ", checked.problems()));
    }
    if (spec.verified() && vlmModel == null) {
      return new Entry(
          id,
          spec,
          null,
          "verify: vlm needs a multimodal model: set "
              + VlmRoute.SETTING
              + " (and vlm.model) in site.yaml, or remove verify");
    }
    try {
      VlmRoute.Routed routed = VlmRoute.compile(spec.text(), vlmModel);
      if (routed.vlm() != null && spec.verified()) {
        return new Entry(
            id,
            spec,
            null,
            "verify: vlm checks the alerts of a compiled prompt; this prompt is already answered"
                + " by the model, so remove verify");
      }
      return new Entry(id, spec, routed.compiled(), routed.vlm(), null, null);
    } catch (InferenceException e) {
      return new Entry(id, spec, null, e.getMessage());
    }
  }
}
