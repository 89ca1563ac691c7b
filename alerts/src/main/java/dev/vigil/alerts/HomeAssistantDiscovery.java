package dev.vigil.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Json;
import java.util.List;
import java.util.Map;

/**
 * Home Assistant MQTT device discovery: one device per camera, announced by one retained message at
 * {@code <prefix>/device/vigil_<site>_<camera>/config} with its origin ({@code o}) and all its
 * components ({@code cmps}): a compliance sensor, people, helmet, no-helmet and not-judged counts,
 * and a {@code binary_sensor} per prompt that is ON while the prompt's violation is open. All read
 * the camera's retained state topic, and are available while both Vigil's retained status and the
 * camera's retained {@code availability} say {@code online}.
 *
 * @param discoveryPrefix Home Assistant's discovery prefix, without a trailing {@code /}
 * @param site the site name, part of every device id
 * @param publisher the publisher whose state and status topics the devices read
 */
record HomeAssistantDiscovery(String discoveryPrefix, String site, MqttAlertPublisher publisher) {
  /** The counts that get a sensor each, by their key in the state payload. */
  static final Map<String, String> COUNTS =
      Map.of(
          "people", "People",
          "helmet", "People with helmet",
          "no_helmet", "People without helmet",
          "unknown", "People not judged (head too small or unclear)");

  /** The topic Home Assistant announces its restarts on, below the discovery prefix. */
  static final String HA_STATUS = "status";

  /** {@code <prefix>/status}: {@code online} when Home Assistant (re)starts. */
  String homeAssistantStatusTopic() {
    return discoveryPrefix + "/" + HA_STATUS;
  }

  /** {@code vigil_<site>_<camera>}, with every character outside [a-zA-Z0-9_-] as _. */
  String deviceId(String camera) {
    return "vigil_" + safe(site) + "_" + safe(camera);
  }

  String deviceTopic(String camera) {
    return discoveryPrefix + "/device/" + deviceId(camera) + "/config";
  }

  /** Every device's config topic: {@code <prefix>/device/+/config}. */
  String deviceFilter() {
    return discoveryPrefix + "/device/+/config";
  }

  /**
   * The topics of this site's devices start with this, to find stale ones among retained configs.
   */
  String devicePrefix() {
    return discoveryPrefix + "/device/vigil_" + safe(site) + "_";
  }

  /** The device of one camera with a component per count and per prompt (id to text). */
  String deviceConfig(String camera, Map<String, String> prompts) {
    String device = deviceId(camera);
    ObjectNode c = Json.mapper().createObjectNode();
    ObjectNode dev = c.putObject("dev");
    dev.putArray("ids").add(device);
    dev.put("name", "Vigil " + site + " " + camera);
    dev.put("mf", "Vigil");
    dev.put("mdl", "edge-vision safety monitor");
    ObjectNode origin = c.putObject("o");
    origin.put("name", "Vigil");
    origin.put("sw", "0.1.0");
    ObjectNode cmps = c.putObject("cmps");
    ObjectNode compliance = component(cmps, device + "_compliance", "sensor", "Helmet compliance");
    compliance.put("unit_of_measurement", "%");
    compliance.put("state_class", "measurement");
    compliance.put("icon", "mdi:hard-hat");
    compliance.put(
        "value_template",
        "{% set judged = value_json.counts.helmet + value_json.counts.no_helmet %}"
            + "{{ (100 * value_json.counts.helmet / judged) | round(1) if judged > 0 else None }}");
    for (Map.Entry<String, String> count : new java.util.TreeMap<>(COUNTS).entrySet()) {
      ObjectNode s = component(cmps, device + "_" + count.getKey(), "sensor", count.getValue());
      s.put("value_template", "{{ value_json.counts." + count.getKey() + " }}");
      s.put("state_class", "measurement");
      s.put("unit_of_measurement", "people");
      s.put("icon", "mdi:account-hard-hat");
    }
    for (Map.Entry<String, String> p : new java.util.TreeMap<>(prompts).entrySet()) {
      String id = p.getKey();
      String text = p.getValue();
      ObjectNode b =
          component(
              cmps,
              device + "_" + safe(id),
              "binary_sensor",
              text == null || text.isBlank() ? id : text);
      b.put("device_class", "safety");
      String key = jinjaString(id);
      b.put(
          "value_template",
          "{{ 'ON' if value_json.prompts["
              + key
              + "] is defined and value_json.prompts["
              + key
              + "].violation == 'open' else 'OFF' }}");
      b.put("payload_on", "ON");
      b.put("payload_off", "OFF");
      b.put("json_attributes_topic", publisher.stateTopic(camera));
      b.put(
          "json_attributes_template",
          "{{ value_json.prompts[" + key + "] | default({}) | tojson }}");
    }
    // Shared by every component.
    c.put("state_topic", publisher.stateTopic(camera));
    // Available only while both Vigil's alerts service and the camera itself are online.
    ArrayNode availability = c.putArray("availability");
    availability.addObject().put("topic", publisher.statusTopic());
    availability.addObject().put("topic", publisher.availabilityTopic(camera));
    c.put("availability_mode", "all");
    c.put("payload_available", MqttAlertPublisher.ONLINE);
    c.put("payload_not_available", MqttAlertPublisher.OFFLINE);
    c.put("qos", 1);
    return write(c);
  }

  /**
   * The per-entity topics of earlier Vigil versions for this camera and these prompts: cleared when
   * the device is announced, so no entity shows twice.
   */
  List<String> legacyTopics(String camera, Iterable<String> promptIds) {
    List<String> out = new java.util.ArrayList<>();
    String base = "vigil_" + safe(site) + "_" + safe(camera) + "_";
    for (String count : List.of("people", "helmet", "no_helmet")) {
      out.add(discoveryPrefix + "/sensor/" + base + count + "/config");
    }
    for (String id : promptIds) {
      out.add(discoveryPrefix + "/binary_sensor/" + base + safe(id) + "/config");
    }
    return out;
  }

  private static ObjectNode component(
      ObjectNode cmps, String uniqueId, String platform, String name) {
    ObjectNode c = cmps.putObject(uniqueId);
    c.put("p", platform);
    c.put("unique_id", uniqueId);
    c.put("name", name);
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
