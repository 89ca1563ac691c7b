package dev.vigil.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.vigil.config.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The published JSON Schemas of the MQTT payloads, read from {@code ../docs/} so that the tests
 * check the very files users read.
 */
final class Schemas {
  static final Path DOCS = Path.of("..", "docs");

  private Schemas() {}

  static JsonSchema violation() {
    return load("violation.schema.json");
  }

  static JsonSchema state() {
    return load("state.schema.json");
  }

  private static JsonSchema load(String name) {
    Path file = DOCS.resolve(name);
    try {
      JsonNode node = Json.mapper().readTree(Files.readString(file));
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /** The validation errors of {@code json}, as readable lines; empty when it is valid. */
  static List<String> errors(JsonSchema schema, String json) {
    try {
      return schema.validate(Json.mapper().readTree(json)).stream()
          .map(ValidationMessage::getMessage)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + json, e);
    }
  }
}
