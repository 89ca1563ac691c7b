package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * site.schema.json is the one source of site.yaml's keys: the example validates against it, the
 * loader rejects what it does not name, and docs/CONFIG.md is generated from it.
 */
class SiteSchemaTest {
  private static final Path EXAMPLE = Path.of("examples/site.yaml");
  private static final Path CONFIG_MD = Path.of("../docs/CONFIG.md");

  private static JsonSchema schema() {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(SiteSchema.root());
  }

  private static JsonNode yaml(String text) {
    Object tree = new Load(LoadSettings.builder().build()).loadFromString(text);
    return Json.mapper().valueToTree(tree);
  }

  @Test
  void shouldAcceptTheExampleSiteFile() throws Exception {
    Set<ValidationMessage> problems = schema().validate(yaml(Files.readString(EXAMPLE)));

    assertThat(problems).isEmpty();
  }

  @Test
  void shouldRejectAKeyTheSchemaDoesNotNameAsTheLoaderDoes() {
    String text = "site: a\nmqtt:\n  urll: tcp://x:1883\n";

    assertThat(schema().validate(yaml(text)))
        .extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("urll"));
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> SiteConfigLoader.parse(text, "site.yaml", java.util.Map.of())))
        .hasMessageContaining("urll");
  }

  @Test
  void shouldNameTheSameChoicesAsTheCode() {
    assertThat(SiteSchema.allowed("prompts[].verify_mode")).isEqualTo(PromptSpec.VERIFY_MODES);
    assertThat(SiteSchema.allowed("prompts[].verify")).containsExactly(PromptSpec.VERIFY_VLM);
    assertThat(SiteSchema.allowed("cameras[].audio"))
        .containsExactlyInAnyOrder(
            java.util.Arrays.stream(SiteConfig.AudioMode.values())
                .map(m -> m.name().toLowerCase(java.util.Locale.ROOT))
                .toArray(String[]::new));
  }

  @Test
  void shouldPointEditorsAtTheSchemaFromTheExample() throws Exception {
    String first = Files.readAllLines(EXAMPLE).get(0);

    assertThat(first)
        .isEqualTo(
            "# yaml-language-server: $schema=../src/main/resources/dev/vigil/config/site.schema.json");
  }

  @Test
  void shouldKeepConfigMdGeneratedFromTheSchema() throws Exception {
    String generated = ConfigDocs.markdown();
    if (Boolean.getBoolean("vigil.write-docs")) {
      Files.writeString(CONFIG_MD, generated);
    }

    assertThat(Files.exists(CONFIG_MD) ? Files.readString(CONFIG_MD) : "")
        .as(
            "docs/CONFIG.md is not current with site.schema.json; write it again with: mvn -pl"
                + " config verify -Dtest=SiteSchemaTest -Dvigil.write-docs=true")
        .isEqualTo(generated);
  }

  @Test
  void shouldUseOnlyKeywordsTheLoaderChecks() {
    Set<String> used = new java.util.TreeSet<>();
    keywords(SiteSchema.root(), used);
    assertThat(SchemaCheck.KEYWORDS)
        .as("keywords of site.schema.json that SchemaCheck would silently ignore")
        .containsAll(used);
  }

  /** Collects the keywords of {@code schema} and its sub-schemas (not the property names). */
  private static void keywords(JsonNode schema, Set<String> out) {
    schema
        .fields()
        .forEachRemaining(
            e -> {
              out.add(e.getKey());
              JsonNode v = e.getValue();
              if (e.getKey().equals("properties")) {
                v.elements().forEachRemaining(sub -> keywords(sub, out));
              } else if (v.isObject()) {
                keywords(v, out);
              }
            });
  }
}
