package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.HelmetCounts;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retained state of one camera, built from its latest {@link Observation}: people counts and
 * the current answer of every standing prompt. {@link #content} leaves out the timestamp, so two
 * states compare equal when nothing a subscriber cares about has changed.
 */
final class StatePayload {
  /** Version of the state payload; bump it on an incompatible change. */
  static final int SCHEMA = 1;

  private StatePayload() {}

  /**
   * The state without {@code schema}, {@code site}, {@code camera} and {@code timestamp}: {@code
   * counts} and {@code prompts}, prompts sorted by id so equal content compares equal.
   */
  static ObjectNode content(Observation observation) {
    ObjectNode content = Json.mapper().createObjectNode();
    ObjectNode counts = content.putObject("counts");
    HelmetCounts.of(observation.people()).toMap().forEach(counts::put);
    ObjectNode prompts = content.putObject("prompts");
    for (Map.Entry<String, Observation.PromptAnswer> e :
        new TreeMap<>(observation.answers()).entrySet()) {
      Observation.PromptAnswer a = e.getValue();
      ObjectNode prompt = prompts.putObject(e.getKey());
      prompt.put("text", a.text());
      if (a.answer() == null || a.answer().isNaN() || a.answer().isInfinite()) {
        prompt.putNull("answer");
      } else {
        // -0.0 and 0.0 are the same answer; keep the JSON and the comparison stable.
        prompt.put("answer", a.answer() == 0.0 ? 0.0 : a.answer());
      }
      prompt.put("holds", a.holds());
      prompt.put("violation", a.violation() == null ? "none" : a.violation());
    }
    return content;
  }

  /**
   * {@code content} with the camera's {@code availability} ({@code online} or {@code offline}, from
   * {@code vigil.camera-status}); {@code content} itself when it is not known yet.
   */
  static ObjectNode withAvailability(ObjectNode content, String availability) {
    if (availability == null) {
      return content;
    }
    ObjectNode copy = content.deepCopy();
    copy.put("availability", availability);
    return copy;
  }

  /** The full JSON payload of {@code <prefix><camera>/state}. */
  static String json(String site, String camera, long timestamp, ObjectNode content) {
    ObjectNode node = Json.mapper().createObjectNode();
    node.put("schema", SCHEMA);
    node.put("site", site);
    node.put("camera", camera);
    node.put("timestamp", timestamp);
    node.setAll(content);
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new AlertsException("cannot write the state JSON of camera " + camera, e);
    }
  }
}
