package dev.vigil.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates a site configuration file ({@code site.yaml}).
 *
 * <p>Scalar values may use {@code ${VAR}} and {@code ${VAR:-default}}; the default applies when the
 * variable is unset or empty, and <code>$${</code> writes a literal <code>${</code>. A value that
 * is empty after substitution counts as unset. Keys are snake_case; unknown keys are rejected.
 *
 * <p>Keys, types, ranges, allowed values and defaults come from {@code site.schema.json}: {@link
 * SchemaCheck} checks the file against it, and the section classes ({@link ConnectionSections},
 * {@link ModelSections}, {@link CameraSections}) map the checked values to the records and add the
 * checks a schema cannot express (unique ids, references between sections, files, URLs).
 *
 * <p>Every problem in the file is collected and thrown together in one {@link SiteConfigException},
 * one per line, as {@code <file>:<line>:<column>: <path>: <what>. <fix>}. Stateless and
 * thread-safe.
 */
public final class SiteConfigLoader {
  private SiteConfigLoader() {}

  /**
   * Loads {@code file}, substituting variables from the process environment.
   *
   * @throws SiteConfigException listing every problem, or when the file cannot be read
   */
  public static SiteConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads {@code file}, substituting variables from {@code env}.
   *
   * @throws SiteConfigException listing every problem, or when the file cannot be read
   */
  public static SiteConfig load(Path file, Map<String, String> env) {
    Objects.requireNonNull(file, "file");
    String name = file.toString();
    String where = file.toAbsolutePath().normalize().toString();
    if (Files.isDirectory(file)) {
      throw new SiteConfigException(
          List.of(
              name
                  + ": is a directory, not a config file ("
                  + where
                  + "). Pass the path of the YAML file itself, such as "
                  + file.resolve("site.yaml")
                  + "."));
    }
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SiteConfigException(
          name
              + ": config file not found (looked at "
              + where
              + "). Check the path, or start from config/examples/site.yaml.",
          e);
    } catch (CharacterCodingException e) {
      throw new SiteConfigException(
          name + ": is not UTF-8 text (" + where + "). Save the file as UTF-8.", e);
    } catch (IOException e) {
      throw new SiteConfigException(
          name + ": cannot read " + where + " (" + e + "). Check that the file is readable.", e);
    }
    return parse(yaml, name, env);
  }

  /**
   * Parses and validates {@code yaml}.
   *
   * @param yaml the file's text
   * @param fileName the name used in messages, as the user gave it
   * @param env the variables that {@code ${VAR}} refers to
   * @throws SiteConfigException listing every problem
   */
  public static SiteConfig parse(String yaml, String fileName, Map<String, String> env) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(env, "env");
    YamlProblems problems = new YamlProblems(fileName);
    Node root = compose(yaml, fileName, problems);
    SchemaCheck check = new SchemaCheck(problems, new Variables(env, problems));
    check.check(root, SiteSchema.root(), "");
    YamlMap top = new YamlMap(root, "", SiteSchema.root(), check);
    ConnectionSections connections = new ConnectionSections(problems);
    ModelSections models = new ModelSections(problems, connections, env);
    CameraSections cameras = new CameraSections(problems);
    // As given even when wrong, so the MQTT defaults and hints name it.
    String site = top.given("site");
    SiteConfig config =
        new SiteConfig(
            site,
            connections.kafka(top.map("kafka")),
            connections.mqtt(top.map("mqtt"), site),
            models.model(top.map("model")),
            cameras.cameras(top),
            cameras.prompts(top),
            connections.http(top.map("http")),
            models.vlm(top.map("vlm")));
    if (problems.count() > 0) {
      throw problems.failure();
    }
    return config;
  }

  /**
   * Returns {@code config} when it has at least one camera. The edge agent and the stream processor
   * need one; the alerts service does not.
   *
   * @param fileName the config file's name, for the message
   * @throws SiteConfigException when no camera is configured
   */
  public static SiteConfig requireCameras(SiteConfig config, String fileName) {
    if (config.cameras().isEmpty()) {
      throw new SiteConfigException(
          List.of(
              fileName
                  + ": cameras: no camera is configured. Add at least one camera with an id and a"
                  + " source under cameras: (see config/examples/site.yaml)."));
    }
    return config;
  }

  /**
   * The closest of {@code candidates} (edit distance, counting a swap as one edit) to {@code word},
   * or null when none is close.
   */
  static String closest(String word, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String plain = squash(word);
    for (String c : candidates) {
      // camelCase, kebab-case and dotted spellings of a snake_case key are the same key.
      int d = squash(c).equals(plain) ? 0 : distance(word.toLowerCase(Locale.ROOT), c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int limit = Math.max(1, Math.min(3, word.length() / 3));
    return bestDistance <= limit ? best : null;
  }

  private static String squash(String s) {
    return s.replaceAll("[-_.]", "").toLowerCase(Locale.ROOT);
  }

  private static int distance(String a, String b) {
    int[] prevPrev = new int[b.length() + 1];
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        // Swapped neighbours ("fsp" for "fps") are one typo, not two.
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          cur[j] = Math.min(cur[j], prevPrev[j - 2] + 1);
        }
      }
      int[] t = prevPrev;
      prevPrev = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The YAML's top map; throws when the text is no YAML or its top is no map. */
  private static Node compose(String yaml, String fileName, YamlProblems problems) {
    if (yaml.startsWith("\uFEFF")) {
      yaml = yaml.substring(1);
    }
    Node root;
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(fileName).setUseMarks(true).build();
      root = new Compose(settings).composeString(yaml).orElse(null);
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
      String what = e.getProblem() == null ? "cannot be parsed" : e.getProblem().trim();
      // Some problems only make sense with their context: "expected a single document in the
      // stream" + "but found another document".
      if (what.startsWith("but ") && e.getContext() != null) {
        what = e.getContext().trim() + " " + what;
      }
      if (what.endsWith(".")) {
        what = what.substring(0, what.length() - 1);
      }
      problems.addAt(
          m,
          "",
          "invalid YAML: " + what,
          "Fix the syntax at this position (check indentation, colons, quotes and brackets;"
              + " indent with spaces, not tabs).");
      throw problems.failure();
    } catch (YamlEngineException e) {
      problems.addAt(
          null,
          "",
          "invalid YAML: " + e.getMessage(),
          "Fix the syntax (check indentation, colons, quotes and brackets).");
      throw problems.failure();
    }
    if (root == null) {
      problems.addAt(
          null,
          "",
          "the file is empty",
          "Add at least \"site: <name>\" and your cameras; see config/examples/site.yaml.");
      throw problems.failure();
    }
    if (!(root instanceof MappingNode)) {
      problems.error(
          root,
          "",
          "the top level must be a map, got " + YamlProblems.describe(root),
          "Start the file with keys such as \"site: plant-1\"; allowed keys: "
              + String.join(", ", SiteSchema.keys(""))
              + ".");
      throw problems.failure();
    }
    return root;
  }
}
