package dev.vigil.config;

import static dev.vigil.config.YamlProblems.describe;
import static dev.vigil.config.YamlProblems.isNull;
import static dev.vigil.config.YamlProblems.show;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Checks a site.yaml node tree against {@code site.schema.json} ({@link SiteSchema}) and reports
 * each problem with its line, path, what was found and the schema's {@code x-fix}. It knows the
 * keywords that schema uses: {@code type}, {@code properties}, {@code additionalProperties}, {@code
 * propertyNames}, {@code required}, {@code items}, {@code minItems}, {@code maxItems}, {@code
 * minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code enum} and {@code pattern}, and two
 * annotations of its own that editors ignore: {@code x-fix}, how to fix a wrong value (else the
 * description is shown), and {@code x-must}, a pattern in words ("be an http:// or https:// URL").
 *
 * <p>Values are checked after {@code ${VAR}} substitution, so each scalar is substituted here once
 * and {@link YamlMap} reads the result. A required key must be present, not null and not blank.
 * YAML null, and a value that substitutes to nothing, mean "not set". Not thread-safe: one per
 * parse.
 */
final class SchemaCheck {
  private static final String FIX = "x-fix";
  private static final String MUST = "x-must";

  /**
   * Every keyword this class checks or knows to be an annotation. A schema keyword outside it would
   * be silently ignored, so {@code SiteSchemaTest} fails on one.
   */
  static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "properties",
          "additionalProperties",
          "propertyNames",
          "required",
          "items",
          "minItems",
          "maxItems",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "enum",
          "pattern",
          FIX,
          MUST,
          "$schema",
          "$id",
          "title",
          "description",
          "default");

  private final YamlProblems problems;
  private final Variables variables;
  private final Map<Node, String> texts = new IdentityHashMap<>();
  private final Set<Node> bad = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Node> unset = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<String, Pattern> patterns = new HashMap<>();

  SchemaCheck(YamlProblems problems, Variables variables) {
    this.problems = problems;
    this.variables = variables;
  }

  /** The value of a scalar after substitution, or null when unset or wrong. */
  String valid(Node n) {
    return bad.contains(n) ? null : texts.get(n);
  }

  /** The value of a scalar after substitution even when it broke a rule; null when unset. */
  String substituted(Node n) {
    return texts.get(n);
  }

  /** True when a problem with {@code n} (a value or a key) was reported. */
  boolean isBad(Node n) {
    return bad.contains(n);
  }

  /** True when {@code n} is YAML null or substitutes to nothing. */
  boolean isUnset(Node n) {
    return isNull(n) || unset.contains(n);
  }

  /** The fix the schema gives for {@code schema}'s value: its x-fix, else its description. */
  static String fix(JsonNode schema) {
    return schema.path(FIX).asText(schema.path("description").asText(""));
  }

  /** Checks {@code n} against {@code schema}; {@code path} names it in messages. */
  void check(Node n, JsonNode schema, String path) {
    if (isNull(n)) {
      return;
    }
    switch (schema.path("type").asText()) {
      case "object" -> object(n, schema, path);
      case "array" -> array(n, schema, path);
      default -> scalar(n, schema, path);
    }
  }

  private void fail(Node n, String path, String what, String fix) {
    problems.error(n, path, what, fix);
    bad.add(n);
  }

  private void object(Node n, JsonNode s, String path) {
    if (!(n instanceof MappingNode map)) {
      String fix =
          s.has(FIX) || keys(s).isEmpty()
              ? fix(s)
              : "Write it as a map with keys " + String.join(", ", keys(s)) + ".";
      fail(n, path, "must be a map, got " + describe(n), fix);
      return;
    }
    Map<String, NodeTuple> seen = new HashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode ks)) {
        fail(
            keyNode,
            path,
            "a key must be a plain name, got " + describe(keyNode),
            "Write keys as plain snake_case names.");
        continue;
      }
      String key = ks.getValue();
      String child = path.isEmpty() ? key : path + "." + key;
      NodeTuple first = seen.putIfAbsent(key, t);
      JsonNode sub = s.path("properties").get(key);
      if (sub == null && s.path("additionalProperties").isObject()) {
        sub = s.get("additionalProperties");
      }
      if (first != null) {
        fail(
            keyNode,
            child,
            "duplicate key (first at line " + YamlProblems.line(first.getKeyNode()) + ")",
            "Remove one of them; YAML would silently keep only the last.");
      } else if (sub == null && !s.path("additionalProperties").asBoolean(true)) {
        String hint = SiteConfigLoader.closest(key, keys(s));
        fail(
            keyNode,
            child,
            "unknown key",
            (hint == null ? "" : "Did you mean " + hint + "? ")
                + "Allowed keys: "
                + String.join(", ", keys(s))
                + ".");
      } else if (s.has("propertyNames") && !matches(s.path("propertyNames"), key)) {
        JsonNode names = s.path("propertyNames");
        fail(keyNode, child, "must " + rule(names) + ", got " + show(key), fix(names));
      } else if (sub != null) {
        check(t.getValueNode(), sub, child);
      }
    }
    for (JsonNode r : s.path("required")) {
      required(n, seen.get(r.asText()), s.path("properties").path(r.asText()), path, r.asText());
    }
  }

  private void required(Node map, NodeTuple entry, JsonNode s, String path, String key) {
    String child = path.isEmpty() ? key : path + "." + key;
    Node value = entry == null ? null : entry.getValueNode();
    if (value == null) {
      problems.error(map, child, "required key is missing", fix(s));
    } else if (isUnset(value)) {
      fail(value, child, "must not be empty", fix(s));
    } else if (valid(value) != null && valid(value).isBlank()) {
      fail(value, child, "must not be blank", fix(s));
    }
  }

  private void array(Node n, JsonNode s, String path) {
    if (!(n instanceof SequenceNode seq)) {
      fail(n, path, "must be a list, got " + describe(n), fix(s));
      return;
    }
    List<Node> items = seq.getValue();
    int min = s.path("minItems").asInt(0);
    int max = s.path("maxItems").asInt(Integer.MAX_VALUE);
    if (min == max && items.size() != min) {
      fail(n, path, "must be a list of " + min + " values, got " + describe(n), fix(s));
      return;
    }
    if (items.size() < min) {
      fail(n, path, "needs at least " + min + plural(min) + ", got " + items.size(), fix(s));
    } else if (items.size() > max) {
      fail(n, path, "takes at most " + max + plural(max) + ", got " + items.size(), fix(s));
    }
    for (int i = 0; i < items.size(); i++) {
      check(items.get(i), s.path("items"), path + "[" + i + "]");
    }
  }

  private static String plural(int n) {
    return n == 1 ? " item" : " items";
  }

  private void scalar(Node n, JsonNode s, String path) {
    if (!(n instanceof ScalarNode scalar)) {
      fail(n, path, "must be " + expected(s) + ", got " + describe(n), fix(s));
      return;
    }
    String raw = scalar.getValue();
    String text = variables.substitute(raw, n, path);
    if (text == null) {
      bad.add(n);
      return;
    }
    if (text.isEmpty() && raw.contains("${")) {
      // A variable that expands to nothing means "not set", e.g. ${MQTT_USER:-}.
      unset.add(n);
      return;
    }
    String value = normal(text, s);
    texts.put(n, value == null ? text : value);
    if (value == null || isNumeric(s) && !inRange(Double.parseDouble(value), s)) {
      fail(n, path, "must be " + expected(s) + ", got " + show(Secrets.redact(text)), fix(s));
    } else if (s.has("enum") && !enumValues(s).contains(value)) {
      String hint = SiteConfigLoader.closest(value, enumValues(s));
      fail(
          n,
          path,
          "must be " + expected(s) + ", got " + show(value),
          (hint == null ? "" : "Did you mean " + hint + "? ") + fix(s));
    } else if (s.has("pattern") && !matches(s, value)) {
      fail(n, path, "must " + rule(s) + ", got " + show(Secrets.redact(value)), fix(s));
    }
  }

  /** The value as its type reads it (a number trimmed, a boolean lowercased); null when wrong. */
  private static String normal(String text, JsonNode s) {
    Set<String> types = types(s);
    if (types.contains("string")) {
      return text;
    }
    String t = text.trim();
    if (types.contains("boolean")) {
      String b = t.toLowerCase(Locale.ROOT);
      return b.equals("true") || b.equals("false") ? b : null;
    }
    if (!YamlProblems.NUMBER.matcher(t).matches()) {
      return null;
    }
    double v = Double.parseDouble(t);
    // JSON Schema's integer: any number without a fraction, so 2.0 is one.
    return types.contains("integer") && v != Math.rint(v) ? null : t;
  }

  private static boolean isNumeric(JsonNode s) {
    Set<String> types = types(s);
    return !types.contains("string") && (types.contains("number") || types.contains("integer"));
  }

  private static boolean inRange(double v, JsonNode s) {
    return !(s.has("minimum") && v < s.get("minimum").asDouble())
        && !(s.has("exclusiveMinimum") && v <= s.get("exclusiveMinimum").asDouble())
        && !(s.has("maximum") && v > s.get("maximum").asDouble())
        && !(s.has("exclusiveMaximum") && v >= s.get("exclusiveMaximum").asDouble());
  }

  /** What a value of {@code s} must be, such as "a number in (0, 60]" or "uint8 or float32". */
  static String expected(JsonNode s) {
    if (s.has("enum")) {
      List<String> values = enumValues(s);
      int last = values.size() - 1;
      return last == 0
          ? values.get(0)
          : last == 1
              ? values.get(0) + " or " + values.get(1)
              : "one of " + String.join(", ", values);
    }
    Set<String> types = types(s);
    if (types.contains("string")) {
      return "a text value";
    }
    if (types.contains("boolean")) {
      return "true or false";
    }
    String low = s.has("exclusiveMinimum") ? "(" : "[";
    String lowValue =
        s.has("exclusiveMinimum") ? bound(s, "exclusiveMinimum") : bound(s, "minimum");
    String high = s.has("exclusiveMaximum") ? ")" : "]";
    String highValue =
        s.has("exclusiveMaximum") ? bound(s, "exclusiveMaximum") : bound(s, "maximum");
    String what = types.contains("integer") ? "a whole number" : "a number";
    if (lowValue != null && highValue != null) {
      return what + " in " + low + lowValue + ", " + highValue + high;
    }
    if (lowValue != null) {
      return what + (low.equals("(") ? " > " : " >= ") + lowValue;
    }
    return highValue == null ? what : what + (high.equals(")") ? " < " : " <= ") + highValue;
  }

  private static String bound(JsonNode s, String keyword) {
    return s.has(keyword) ? s.get(keyword).asText() : null;
  }

  private static Set<String> types(JsonNode s) {
    JsonNode type = s.path("type");
    List<String> types = new ArrayList<>();
    if (type.isArray()) {
      type.forEach(t -> types.add(t.asText()));
    } else {
      types.add(type.asText("string"));
    }
    return Set.copyOf(types);
  }

  private static List<String> enumValues(JsonNode s) {
    List<String> values = new ArrayList<>();
    s.path("enum").forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<String> keys(JsonNode s) {
    List<String> keys = new ArrayList<>();
    s.path("properties").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** What a {@code pattern} asks, in words when the schema has them ({@code x-must}). */
  private static String rule(JsonNode s) {
    return s.has(MUST) ? s.get(MUST).asText() : "match " + pattern(s);
  }

  private static String pattern(JsonNode s) {
    return s.path("pattern").asText();
  }

  private boolean matches(JsonNode s, String value) {
    // JSON Schema patterns are not anchored: "^(tcp|ssl)://" tests the start only.
    return patterns.computeIfAbsent(pattern(s), Pattern::compile).matcher(value).find();
  }
}
