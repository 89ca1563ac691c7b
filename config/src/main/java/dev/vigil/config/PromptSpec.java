package dev.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

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

  /** The severities a prompt may carry. */
  public static final List<String> SEVERITIES = SiteSchema.allowed("prompts[].severity");

  /** The longest cooldown: one day. */
  public static final double MAX_COOLDOWN_S = 86_400;

  private static final Pattern ID = Pattern.compile("[a-z0-9._-]{1,64}");

  /** True when {@code id} is a valid prompt id: 1 to 64 of a-z 0-9 . _ -. */
  public static boolean validId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * Everything wrong with this spec's values, one line each, empty when it is valid. The one check
   * for the CLI and the processor; whether the text compiles is the prompt compiler's to say.
   */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (!validId(id)) {
      out.add("id " + Ids.show(id) + " is invalid: use 1 to 64 of a-z 0-9 . _ -");
    }
    if (text == null || text.isBlank()) {
      out.add("text is empty: give the question in plain words");
    }
    if (!(cooldownS >= 0 && cooldownS <= MAX_COOLDOWN_S)) {
      out.add("cooldown_s must be in [0, " + (long) MAX_COOLDOWN_S + "], got " + cooldownS);
    }
    if (!SEVERITIES.contains(severity)) {
      out.add(
          "severity must be one of "
              + String.join(", ", SEVERITIES)
              + ", got "
              + Ids.show(severity));
    }
    for (String camera : cameras) {
      if (!Ids.valid(camera)) {
        out.add("camera " + Ids.show(camera) + " is invalid: use " + Ids.RULE);
      }
    }
    return out;
  }

  public boolean appliesTo(String camera) {
    return cameras.isEmpty() || cameras.contains(camera);
  }
}
