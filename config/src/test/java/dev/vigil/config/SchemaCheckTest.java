package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * SchemaCheck takes every generic rule from the schema it is given: these tests use a small schema
 * of their own, so a rule that is hand-coded for site.yaml instead would not pass them.
 */
class SchemaCheckTest {
  private static final String SCHEMA =
      """
      {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "pattern": "^[a-z]+$", "x-must": "be lowercase letters",
                   "x-fix": "Use a name such as door."},
          "code": {"type": "string", "pattern": "^[A-Z]{3}$", "x-fix": "Give three capitals."},
          "count": {"type": "integer", "minimum": 2, "exclusiveMaximum": 10, "x-fix": "Count."},
          "ratio": {"type": "number", "exclusiveMinimum": 0, "x-fix": "Ratio."},
          "level": {"type": "string", "enum": ["low", "mid", "high"], "x-fix": "Pick a level."},
          "on": {"type": "boolean", "description": "Whether it is on."},
          "pair": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"},
                   "x-fix": "Give [a, b]."},
          "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}, "x-fix": "Tags."},
          "labels": {"type": "object", "propertyNames": {"pattern": "^[0-9]+$", "x-fix": "Ids."},
                     "additionalProperties": {"type": "string"}}
        }
      }
      """;

  /** The problems {@code yaml} has against {@link #SCHEMA}, in file order. */
  private static List<String> problems(String yaml, Map<String, String> env) {
    YamlProblems problems = new YamlProblems("t.yaml");
    Node root =
        new Compose(LoadSettings.builder().setUseMarks(true).build())
            .composeString(yaml)
            .orElseThrow();
    JsonNode schema;
    try {
      schema = Json.mapper().readTree(SCHEMA);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    new SchemaCheck(problems, new Variables(env, problems)).check(root, schema, "");
    return problems.count() == 0 ? List.of() : problems.failure().problems();
  }

  private static List<String> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  @Test
  void shouldNameLineAndPathWhenAKeyIsUnknown() {
    assertThat(problems("name: a\ncont: 3\n"))
        .containsExactly(
            "t.yaml:2:1: cont: unknown key. Did you mean count? Allowed keys: name, code, count,"
                + " ratio, level, on, pair, tags, labels.");
  }

  @Test
  void shouldNameLineAndPathWhenATypeIsWrong() {
    assertThat(problems("name: a\ncount: many\non: maybe\nratio: [1]\nlabels: x\n"))
        .containsExactly(
            "t.yaml:2:8: count: must be a whole number in [2, 10), got \"many\". Count.",
            "t.yaml:3:5: on: must be true or false, got \"maybe\". Whether it is on.",
            "t.yaml:4:8: ratio: must be a number > 0, got a list of 1 value. Ratio.",
            "t.yaml:5:9: labels: must be a map, got \"x\".");
  }

  @Test
  void shouldNameLineAndPathWhenANumberIsOutOfRange() {
    assertThat(problems("name: a\ncount: 10\nratio: 0\n"))
        .containsExactly(
            "t.yaml:2:8: count: must be a whole number in [2, 10), got 10. Count.",
            "t.yaml:3:8: ratio: must be a number > 0, got 0. Ratio.");
    assertThat(problems("name: a\ncount: 2.5\n"))
        .containsExactly("t.yaml:2:8: count: must be a whole number in [2, 10), got 2.5. Count.");
  }

  @Test
  void shouldAcceptAWholeNumberWrittenWithAFractionAsAnInteger() {
    // JSON Schema's integer is any number without a fraction, as editors read it too.
    assertThat(problems("name: a\ncount: 9.0\n")).isEmpty();
  }

  @Test
  void shouldSuggestTheClosestValueWhenAnEnumDoesNotHoldIt() {
    assertThat(problems("name: a\nlevel: hihg\n"))
        .containsExactly(
            "t.yaml:2:8: level: must be one of low, mid, high, got \"hihg\". Did you mean high?"
                + " Pick a level.");
  }

  @Test
  void shouldSayAPatternInWordsWhenTheSchemaHasThemAndAsItIsOtherwise() {
    assertThat(problems("name: Door\ncode: ab\n"))
        .containsExactly(
            "t.yaml:1:7: name: must be lowercase letters, got \"Door\". Use a name such as door.",
            "t.yaml:2:7: code: must match ^[A-Z]{3}$, got \"ab\". Give three capitals.");
  }

  @Test
  void shouldCheckListSizesKeyNamesAndItems() {
    assertThat(problems("name: a\npair: [1, 2, 3]\ntags: [a, b, c]\nlabels: {x: a, 1: [b]}\n"))
        .containsExactly(
            "t.yaml:2:7: pair: must be a list of 2 values, got a list of 3 values. Give [a, b].",
            "t.yaml:3:7: tags: takes at most 2 items, got 3. Tags.",
            "t.yaml:4:10: labels.x: must match ^[0-9]+$, got \"x\". Ids.",
            "t.yaml:4:19: labels.1: must be a text value, got a list of 1 value.");
  }

  @Test
  void shouldPointAtTheMapWhenARequiredKeyIsMissingEmptyOrBlank() {
    assertThat(problems("count: 3\n"))
        .containsExactly("t.yaml:1:1: name: required key is missing. Use a name such as door.");
    assertThat(problems("name:\n"))
        .containsExactly("t.yaml:1:6: name: must not be empty. Use a name such as door.");
    assertThat(problems("name: ${N:-}\n"))
        .containsExactly("t.yaml:1:7: name: must not be empty. Use a name such as door.");
    assertThat(problems("name: \"  \"\n"))
        .containsExactly(
            "t.yaml:1:7: name: must be lowercase letters, got \"  \". Use a name such as door.");
    assertThat(problems("name: a\ncode: \"  \"\n"))
        .containsExactly(
            "t.yaml:2:7: code: must match ^[A-Z]{3}$, got \"  \". Give three capitals.");
  }

  @Test
  void shouldCheckValuesAfterSubstitution() {
    assertThat(problems("name: ${N}\ncount: ${C:-4}\n", Map.of("N", "door"))).isEmpty();
    assertThat(problems("name: ${N}\n", Map.of("N", "Door")))
        .containsExactly(
            "t.yaml:1:7: name: must be lowercase letters, got \"Door\". Use a name such as door.");
  }

  @Test
  void shouldGiveEveryValueOfSiteYamlAFix() {
    List<String> without = new ArrayList<>();
    collect(SiteSchema.root(), "", without);

    assertThat(without).as("keys of site.schema.json without x-fix").isEmpty();
  }

  private static void collect(JsonNode s, String path, List<String> without) {
    s.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode p = e.getValue();
              String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
              boolean section = p.path("type").asText().equals("object") && p.has("properties");
              if (!section && !p.has("x-fix")) {
                without.add(child);
              }
              collect(p, child, without);
              collect(p.path("items"), child + "[]", without);
            });
  }
}
