package dev.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema of site.yaml ({@code site.schema.json}, JSON Schema 2020-12): the one place that names
 * its keys, types, defaults and allowed values. {@link SchemaCheck} checks site.yaml against it
 * with file, line, path and fix, and {@link SiteConfigLoader} adds only what a schema cannot say;
 * editors use the same file to complete and check site.yaml, and docs/CONFIG.md is generated from
 * it.
 *
 * <p>Besides standard keywords, a key may have {@code x-fix}, how to fix a wrong value, and {@code
 * x-must}, its pattern in words; {@link SchemaCheck} puts them in its messages.
 *
 * <p>Paths name a node of the file: {@code ""} for the top, {@code mqtt}, {@code model.detector},
 * {@code cameras[]} for a camera, {@code cameras[].zones[]}, {@code prompts[].severity}.
 */
public final class SiteSchema {
  /** The schema's resource name, next to this class. */
  public static final String RESOURCE = "site.schema.json";

  private static final JsonNode ROOT = load();

  private SiteSchema() {}

  /** The whole schema. */
  public static JsonNode root() {
    return ROOT;
  }

  /** The keys a mapping at {@code path} may hold, in the schema's order. */
  public static List<String> keys(String path) {
    List<String> keys = new ArrayList<>();
    node(path).path("properties").fieldNames().forEachRemaining(keys::add);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("site.schema.json has no mapping at " + show(path));
    }
    return List.copyOf(keys);
  }

  /** The default of the value at {@code path} as text. */
  public static String defaultText(String path) {
    return defaultOf(path).asText();
  }

  /** The default of the number at {@code path}. */
  public static double defaultNumber(String path) {
    JsonNode d = defaultOf(path);
    if (!d.isNumber()) {
      throw new IllegalArgumentException("site.schema.json: default of " + path + " is no number");
    }
    return d.asDouble();
  }

  /** The values the schema allows at {@code path}. */
  public static List<String> allowed(String path) {
    List<String> values = new ArrayList<>();
    node(path).path("enum").forEach(v -> values.add(v.asText()));
    if (values.isEmpty()) {
      throw new IllegalArgumentException("site.schema.json has no enum at " + show(path));
    }
    return List.copyOf(values);
  }

  /** The schema node at {@code path}. */
  public static JsonNode node(String path) {
    JsonNode n = ROOT;
    if (path.isEmpty()) {
      return n;
    }
    for (String part : path.split("\\.")) {
      boolean item = part.endsWith("[]");
      String key = item ? part.substring(0, part.length() - 2) : part;
      n = n.path("properties").path(key);
      if (item) {
        n = n.path("items");
      }
      if (n.isMissingNode()) {
        throw new IllegalArgumentException("site.schema.json has nothing at " + show(path));
      }
    }
    return n;
  }

  private static JsonNode defaultOf(String path) {
    JsonNode d = node(path).get("default");
    if (d == null) {
      throw new IllegalArgumentException("site.schema.json has no default at " + show(path));
    }
    return d;
  }

  private static String show(String path) {
    return path.isEmpty() ? "the top" : path;
  }

  private static JsonNode load() {
    try (InputStream in = SiteSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return Json.mapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
