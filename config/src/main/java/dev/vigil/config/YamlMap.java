package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One map of a site.yaml that {@link SchemaCheck} has checked, read as typed values: a value that
 * is unset or broke a rule reads as the schema's default. Paths name it in messages.
 */
final class YamlMap {
  /** The node messages about a missing key point at. */
  final Node anchor;

  final String path;
  private final JsonNode schema;
  private final SchemaCheck check;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  /** The map {@code node}, or an empty one when it is absent (null) or no map. */
  YamlMap(Node node, String path, JsonNode schema, SchemaCheck check) {
    this(node, node, path, schema, check);
  }

  private YamlMap(Node anchor, Node node, String path, JsonNode schema, SchemaCheck check) {
    this.anchor = anchor;
    this.path = path;
    this.schema = schema;
    this.check = check;
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        // The first of duplicate keys counts, as SchemaCheck reported the others.
        if (t.getKeyNode() instanceof ScalarNode k) {
          entries.putIfAbsent(k.getValue(), t);
        }
      }
    }
  }

  /** The keys in file order. */
  Set<String> keys() {
    return entries.keySet();
  }

  /** The value node of {@code key}, or null when absent. */
  Node node(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getValueNode();
  }

  /** The key node of {@code key}, or null when absent. */
  Node keyNode(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getKeyNode();
  }

  /** The path of {@code key} in messages. */
  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** True when {@code key} or its value broke a rule of the schema (already reported). */
  boolean bad(String key) {
    return entries.containsKey(key) && (check.isBad(keyNode(key)) || check.isBad(node(key)));
  }

  /** The text of {@code key}, or the schema's default (null when it has none). */
  String text(String key) {
    Node n = node(key);
    String v = n == null ? null : check.valid(n);
    if (v != null) {
      return v;
    }
    JsonNode def = schemaOf(key).get("default");
    return def == null ? null : def.asText();
  }

  /** The text of {@code key} after substitution even when it broke a rule; null when unset. */
  String substituted(String key) {
    Node n = node(key);
    return n == null ? null : check.substituted(n);
  }

  /** The checked value of the scalar {@code n} under this map; null when unset or wrong. */
  String valid(Node n) {
    return check.valid(n);
  }

  /** True when the scalar {@code n} under this map is YAML null or substitutes to nothing. */
  boolean isUnset(Node n) {
    return check.isUnset(n);
  }

  /** The text of {@code key} as given even when it broke a rule, else the schema's default. */
  String given(String key) {
    String v = substituted(key);
    return v != null ? v : text(key);
  }

  /** How to fix the value of {@code key}, from the schema. */
  String fix(String key) {
    return SchemaCheck.fix(schemaOf(key));
  }

  /** The number of {@code key}, or the schema's default (0 when it has none). */
  double number(String key) {
    String v = text(key);
    return v == null ? 0 : Double.parseDouble(v.trim());
  }

  /** The whole number of {@code key}, or the schema's default (0 when it has none). */
  int integer(String key) {
    return (int) number(key);
  }

  boolean bool(String key) {
    return Boolean.parseBoolean(text(key));
  }

  /** The map under {@code key}; empty when absent or not a map. */
  YamlMap map(String key) {
    Node n = node(key);
    return new YamlMap(n == null ? anchor : n, n, child(key), schemaOf(key), check);
  }

  /** The items under {@code key}; empty when absent or not a list. */
  List<Node> items(String key) {
    return node(key) instanceof SequenceNode s ? s.getValue() : List.of();
  }

  /**
   * The maps listed under {@code key}, each named {@code key[i]}; items that are no map left out.
   */
  List<YamlMap> maps(String key) {
    List<YamlMap> maps = new ArrayList<>();
    List<Node> items = items(key);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof MappingNode) {
        maps.add(
            new YamlMap(
                items.get(i), child(key) + "[" + i + "]", schemaOf(key).path("items"), check));
      }
    }
    return maps;
  }

  /** True when {@code key} is a map (checked against the schema). */
  boolean isMap(String key) {
    return node(key) instanceof MappingNode;
  }

  private JsonNode schemaOf(String key) {
    JsonNode s = schema.path("properties").get(key);
    return s != null ? s : schema.path("additionalProperties");
  }
}
