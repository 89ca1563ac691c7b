package dev.vigil.processor;

import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.inference.prompt.PromptCompiler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and compiles the raw values of {@code vigil.prompts}, caching by value so each prompt is
 * compiled once per version. Not thread-safe: one per processor instance.
 */
final class PromptCatalog {
  private static final int MAX_CACHED = 1024;
  private final Map<String, Entry> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_CACHED;
        }
      };

  /**
   * A prompt as the processor sees it: accepted with its compiled form, or rejected with a reason.
   *
   * @param id prompt id (the record key)
   * @param spec the parsed spec, or null when the value is not valid PromptSpec JSON
   * @param compiled the compiled prompt, or null when rejected
   * @param rejection why it was rejected, or null
   */
  record Entry(String id, PromptSpec spec, CompiledPrompt compiled, String rejection) {
    boolean accepted() {
      return compiled != null;
    }

    /** The JSON written to {@code vigil.prompt-status}. */
    Map<String, Object> status() {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("id", id);
      s.put("text", spec == null ? null : spec.text());
      s.put("status", accepted() ? "accepted" : "rejected");
      if (accepted()) {
        s.put("compiled", compiled.toMap());
      } else {
        s.put("reason", rejection);
      }
      return s;
    }
  }

  Entry get(String id, byte[] value) {
    String key = id + "\u0000" + new String(value, java.nio.charset.StandardCharsets.UTF_8);
    return cache.computeIfAbsent(key, k -> compile(id, value));
  }

  static Entry compile(String id, byte[] value) {
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
    if (spec.text() == null || spec.text().isBlank()) {
      return new Entry(id, spec, null, "prompt text is empty; give the question in plain words");
    }
    if (spec.id() != null && !spec.id().equals(id)) {
      return new Entry(
          id, spec, null, "spec id '" + spec.id() + "' differs from the record key '" + id + "'");
    }
    try {
      return new Entry(id, spec, PromptCompiler.compile(spec.text()), null);
    } catch (InferenceException e) {
      return new Entry(id, spec, null, e.getMessage());
    }
  }
}
