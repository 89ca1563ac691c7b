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
 * @param verify {@code vlm} to have the multimodal model confirm each open event on its frame, else
 *     null
 * @param verifyMode with {@code verify}: {@code annotate} (the verdict is added to the alert, the
 *     default) or {@code gate} (events the model rejects are kept with state {@code rejected}
 *     instead of alerting)
 */
public record PromptSpec(
    String id,
    String text,
    List<String> cameras,
    double cooldownS,
    String severity,
    String verify,
    String verifyMode) {
  public PromptSpec {
    cameras = cameras == null ? List.of() : List.copyOf(cameras);
    severity = severity == null ? "warning" : severity;
    verifyMode = verify != null && verifyMode == null ? VERIFY_ANNOTATE : verifyMode;
  }

  /** A prompt whose alerts the model does not verify. */
  public PromptSpec(
      String id, String text, List<String> cameras, double cooldownS, String severity) {
    this(id, text, cameras, cooldownS, severity, null, null);
  }

  /** The one verifier there is: the site's multimodal model. */
  public static final String VERIFY_VLM = "vlm";

  /** The verdict is added to the alert; the alert goes out either way. */
  public static final String VERIFY_ANNOTATE = "annotate";

  /** An alert the model rejects is kept with state {@code rejected} and not sent. */
  public static final String VERIFY_GATE = "gate";

  /** The verify modes. */
  public static final List<String> VERIFY_MODES = List.of(VERIFY_ANNOTATE, VERIFY_GATE);

  /** This spec with its id set to {@code id}. */
  public PromptSpec withId(String id) {
    return new PromptSpec(id, text, cameras, cooldownS, severity, verify, verifyMode);
  }

  /** True when the model verifies this prompt's alerts. */
  public boolean verified() {
    return VERIFY_VLM.equals(verify);
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
    if (verify != null && !VERIFY_VLM.equals(verify)) {
      out.add("verify must be " + VERIFY_VLM + " or absent, got " + Ids.show(verify));
    }
    if (verifyMode != null && !VERIFY_MODES.contains(verifyMode)) {
      out.add(
          "verify_mode must be one of "
              + String.join(", ", VERIFY_MODES)
              + ", got "
              + Ids.show(verifyMode));
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
