package dev.vigil.inference.prompt;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt outside the language, routed to the site's multimodal model: the question is sent to the
 * model as it was written. Only what the rules need is read from the text, the zone ("in zone
 * NAME", which also narrows the cheap gate and the image to that zone) and the duration ("for 30
 * seconds"); everything else is the model's to understand. Immutable and thread-safe.
 *
 * @param question the prompt's text, as the model sees it
 * @param zone the zone named in the text (lower case), or null for the whole frame
 * @param forSeconds how long the model's yes must hold before an alert; 0 for at once
 * @param model the model that answers, by name
 * @param why why the prompt goes to the model: the compiler's refusal
 */
public record VlmPrompt(String question, String zone, double forSeconds, String model, String why) {
  private static final Pattern ZONE =
      Pattern.compile("\\b(?:in|inside|within|at)\\s+(?:the\\s+)?zone\\s+\"?([a-z0-9_-]+)\"?");
  private static final Pattern DURATION =
      Pattern.compile(
          "\\bfor\\s+(?:at\\s+least\\s+|more\\s+than\\s+)?(\\d+(?:\\.\\d+)?)\\s*"
              + "(s|secs?|seconds?|m|mins?|minutes?|h|hours?)\\b");

  /**
   * Routes {@code text}, which the compiler refused for {@code why}, to {@code model}.
   *
   * @param text the prompt's text
   * @param model the model name from {@code vlm.model}
   * @param why the compiler's refusal, said in the prompt's status
   */
  public static VlmPrompt of(String text, String model, String why) {
    String lower = text.toLowerCase(Locale.ROOT);
    Matcher z = ZONE.matcher(lower);
    String zone = z.find() ? z.group(1) : null;
    Matcher d = DURATION.matcher(lower);
    double seconds = 0;
    if (d.find()) {
      double v = Double.parseDouble(d.group(1));
      char unit = d.group(2).charAt(0);
      seconds = unit == 'h' ? v * 3600 : unit == 'm' ? v * 60 : v;
    }
    return new VlmPrompt(text.strip(), zone, seconds, model, why);
  }

  /**
   * The prompt restated, deterministic in its text: two versions with the same canonical form mean
   * the same, so an edit that changes it ends the running episode ({@code prompt_changed}).
   */
  public String canonical() {
    return "ask " + model + ": " + question.strip();
  }

  /** The compiled form written to {@code vigil.prompt-status}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("route", "vlm");
    m.put("canonical", canonical());
    m.put("model", model);
    m.put("gate", zone == null ? "someone in view" : "someone in zone " + zone);
    m.put("zone", zone);
    m.put("for_s", forSeconds);
    m.put("why", "outside the prompt language, so the multimodal model answers it: " + why);
    return m;
  }
}
