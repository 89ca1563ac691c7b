package dev.vigil.config;

import java.util.List;

/**
 * A standing prompt, the value of {@code vigil.prompts} (keyed by id).
 *
 * @param id stable prompt id
 * @param text the question or command in plain words
 * @param cameras camera ids it applies to; empty means every camera
 * @param cooldownS seconds after a resolve during which a new episode is suppressed
 * @param severity free-form severity label, such as {@code high}
 */
public record PromptSpec(
    String id, String text, List<String> cameras, double cooldownS, String severity) {
  public PromptSpec {
    cameras = cameras == null ? List.of() : List.copyOf(cameras);
    severity = severity == null ? "warning" : severity;
  }

  public boolean appliesTo(String camera) {
    return cameras.isEmpty() || cameras.contains(camera);
  }
}
