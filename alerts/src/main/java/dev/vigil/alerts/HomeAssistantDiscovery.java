package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import java.util.List;
import java.util.Map;

/**
 * Home Assistant MQTT discovery configs for one camera: a {@code binary_sensor} per prompt that is
 * ON while the prompt's violation is open, and a {@code sensor} per people count. Both read the
 * camera's retained state topic with a {@code value_template}. They are available while both the
 * retained status topic and the camera's retained {@code availability} topic say {@code online}.
 * Entities of one camera share one device.
 */
final class HomeAssistantDiscovery {
  /** The counts that get a sensor each. */
  static final List<String> COUNTS = List.of("people", "helmet", "no_helmet");

  private static final Map<String, String> COUNT_NAMES =
      Map.of(
          "people", "People", "helmet", "People with helmet", "no_helmet", "People without helmet");

  private final String discoveryPrefix;
  private final String site;
  private final MqttAlertPublisher publisher;

  HomeAssistantDiscovery(String discoveryPrefix, String site, MqttAlertPublisher publisher) {
    this.discoveryPrefix = discoveryPrefix;
    this.site = site;
    this.publisher = publisher;
  }

  /** {@code vigil_<site>_<camera>_<prompt>}, with every character outside [a-zA-Z0-9_-] as _. */
  String promptObjectId(String camera, String promptId) {
    return "vigil_" + safe(site) + "_" + safe(camera) + "_" + safe(promptId);
  }

  String countObjectId(String camera, String count) {
    return "vigil_" + safe(site) + "_" + safe(camera) + "_" + count;
  }

  String promptTopic(String camera, String promptId) {
    return discoveryPrefix + "/binary_sensor/" + promptObjectId(camera, promptId) + "/config";
  }

  String countTopic(String camera, String count) {
    return discoveryPrefix + "/sensor/" + countObjectId(camera, count) + "/config";
  }

  /** The binary sensor of one prompt on one camera: ON while its violation is open. */
  String promptConfig(String camera, String promptId, String promptText) {
    ObjectNode c = common(camera, promptObjectId(camera, promptId));
    c.put("name", promptText == null || promptText.isBlank() ? promptId : promptText);
    c.put("device_class", "safety");
    String key = jinjaString(promptId);
    c.put(
        "value_template",
        "{{ 'ON' if value_json.prompts["
            + key
            + "] is defined and value_json.prompts["
            + key
            + "].violation == 'open' else 'OFF' }}");
    c.put("payload_on", "ON");
    c.put("payload_off", "OFF");
    c.put("json_attributes_topic", publisher.stateTopic(camera));
    c.put(
        "json_attributes_template", "{{ value_json.prompts[" + key + "] | default({}) | tojson }}");
    return write(c);
  }

  /** The sensor of one count ({@code people}, {@code helmet} or {@code no_helmet}). */
  String countConfig(String camera, String count) {
    ObjectNode c = common(camera, countObjectId(camera, count));
    c.put("name", COUNT_NAMES.getOrDefault(count, count));
    c.put("value_template", "{{ value_json.counts." + count + " }}");
    c.put("state_class", "measurement");
    c.put("unit_of_measurement", "people");
    c.put("icon", "mdi:account-hard-hat");
    return write(c);
  }

  private ObjectNode common(String camera, String uniqueId) {
    ObjectNode c = Json.mapper().createObjectNode();
    c.put("unique_id", uniqueId);
    c.put("object_id", uniqueId);
    c.put("state_topic", publisher.stateTopic(camera));
    // Available only while both Vigil's alerts service and the camera itself are online.
    ArrayNode availability = c.putArray("availability");
    availability.addObject().put("topic", publisher.statusTopic());
    availability.addObject().put("topic", publisher.availabilityTopic(camera));
    c.put("availability_mode", "all");
    c.put("payload_available", MqttAlertPublisher.ONLINE);
    c.put("payload_not_available", MqttAlertPublisher.OFFLINE);
    c.put("qos", 1);
    ObjectNode device = c.putObject("device");
    device.putArray("identifiers").add("vigil_" + safe(site) + "_" + safe(camera));
    device.put("name", "Vigil " + site + " " + camera);
    device.put("manufacturer", "Vigil");
    device.put("model", "edge-vision safety monitor");
    ObjectNode origin = c.putObject("origin");
    origin.put("name", "Vigil");
    return c;
  }

  private static String write(ObjectNode node) {
    try {
      return Json.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new AlertsException("cannot write a Home Assistant discovery config", e);
    }
  }

  static String safe(String id) {
    return id.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** A single-quoted Jinja string literal. */
  private static String jinjaString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
