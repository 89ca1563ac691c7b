package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes docs/CONFIG.md from {@code site.schema.json}: one table per section with every key, its
 * type, default, allowed values and description. {@code ConfigDocsTest} fails when the file is not
 * current and tells how to write it again.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  /** The whole reference page. */
  public static String markdown() {
    JsonNode root = SiteSchema.root();
    StringBuilder md = new StringBuilder();
    md.append("# site.yaml reference\n\n");
    md.append(
        "<!-- Generated from config/src/main/resources/dev/vigil/config/site.schema.json by"
            + " ConfigDocs; do not edit. -->\n\n");
    md.append(root.path("description").asText()).append("\n\n");
    md.append(
        "Editors that speak the YAML language server complete and check site.yaml from the same"
            + " schema: see the first line of `config/examples/site.yaml`.\n\n");
    section(md, "(top level)", "", root);
    return md.toString();
  }

  private static void section(StringBuilder md, String title, String path, JsonNode node) {
    md.append("## `").append(title).append("`\n\n");
    String about = node.path("description").asText("");
    if (!about.isEmpty() && !path.isEmpty()) {
      md.append(about).append("\n\n");
    }
    List<String> required = new ArrayList<>();
    node.path("required").forEach(r -> required.add(r.asText()));
    md.append("| key | type | default | allowed | description |\n");
    md.append("|---|---|---|---|---|\n");
    List<String[]> nested = new ArrayList<>();
    node.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode p = e.getValue();
              String key = e.getKey() + (required.contains(e.getKey()) ? " (required)" : "");
              md.append("| `")
                  .append(key)
                  .append("` | ")
                  .append(type(p))
                  .append(" | ")
                  .append(p.has("default") ? "`" + p.get("default") + "`" : "")
                  .append(" | ")
                  .append(allowed(p))
                  .append(" | ")
                  .append(cell(p.path("description").asText("")))
                  .append(" |\n");
              String child = (path.isEmpty() ? "" : path + ".") + e.getKey();
              if (p.path("properties").size() > 0) {
                nested.add(new String[] {child, child});
              } else if (p.path("items").path("properties").size() > 0) {
                nested.add(new String[] {child + "[]", child + "[]"});
              }
            });
    md.append('\n');
    for (String[] n : nested) {
      section(md, n[0], n[1], SiteSchema.node(n[1]));
    }
  }

  private static String type(JsonNode p) {
    String t = p.path("type").isArray() ? join(p.path("type")) : p.path("type").asText();
    if (t.equals("array") && p.has("items")) {
      JsonNode items = p.get("items");
      return "list of " + (items.path("properties").size() > 0 ? "maps" : type(items));
    }
    return t;
  }

  private static String allowed(JsonNode p) {
    List<String> parts = new ArrayList<>();
    if (p.has("enum")) {
      parts.add(join(p.get("enum")));
    }
    if (p.has("minimum")) {
      parts.add("≥ " + p.get("minimum"));
    }
    if (p.has("exclusiveMinimum")) {
      parts.add("> " + p.get("exclusiveMinimum"));
    }
    if (p.has("maximum")) {
      parts.add("≤ " + p.get("maximum"));
    }
    if (p.has("pattern")) {
      parts.add("`" + p.get("pattern").asText().replace("|", "\\|") + "`");
    }
    if (p.has("propertyNames")) {
      parts.add("keys " + allowed(p.get("propertyNames")));
    }
    return String.join(", ", parts);
  }

  private static String join(JsonNode values) {
    List<String> out = new ArrayList<>();
    values.forEach(v -> out.add(v.asText()));
    return String.join(" \\| ", out);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
