package dev.vigil.config;

import static dev.vigil.config.YamlProblems.show;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Maps the checked {@code model} and {@code vlm} sections of a site.yaml to their records, adding
 * what the schema cannot say: the detector's class table as a whole, the endpoint's host and where
 * its key comes from. Not thread-safe: one per parse.
 */
final class ModelSections {
  private final YamlProblems problems;
  private final ConnectionSections files;
  private final Map<String, String> env;

  ModelSections(YamlProblems problems, ConnectionSections files, Map<String, String> env) {
    this.problems = problems;
    this.files = files;
    this.env = env;
  }

  SiteConfig.Model model(YamlMap m) {
    SiteConfig.Detector detector = m.isMap("detector") ? detector(m.map("detector")) : null;
    return new SiteConfig.Model(
        ConnectionSections.expandHome(m.text("cache_dir")),
        m.integer("intra_op_threads"),
        detector);
  }

  private SiteConfig.Detector detector(YamlMap d) {
    String signature = d.text("signature");
    if (signature.isBlank()) {
      problems.error(
          d.node("signature"),
          d.child("signature"),
          "must not be blank",
          "Give the signature key to run, such as serving_default, or remove signature.");
    }
    return new SiteConfig.Detector(
        ConnectionSections.expandHome(d.text("saved_model")),
        signature,
        SiteConfig.Detector.Input.valueOf(d.text("input").toUpperCase(Locale.ROOT)),
        d.integer("input_size"),
        d.number("min_score"),
        classes(d));
  }

  private Map<Integer, SiteConfig.Detector.Role> classes(YamlMap d) {
    YamlMap c = d.map("classes");
    Map<Integer, SiteConfig.Detector.Role> classes = new LinkedHashMap<>();
    if (!d.isMap("classes")) {
      return classes;
    }
    Map<Integer, Node> idNodes = new HashMap<>();
    boolean counts = false;
    boolean allValid = true;
    for (String key : c.keys()) {
      // SchemaCheck has reported a key that is no number and a role it does not know.
      Integer id = c.bad(key) ? null : classId(c, key, idNodes);
      if (id == null) {
        allValid = false;
        continue;
      }
      SiteConfig.Detector.Role r =
          SiteConfig.Detector.Role.valueOf(c.text(key).toUpperCase(Locale.ROOT));
      classes.put(id, r);
      counts |= r == SiteConfig.Detector.Role.PERSON || r == SiteConfig.Detector.Role.HEAD;
    }
    if (classes.isEmpty() && allValid) {
      problems.error(d.node("classes"), d.child("classes"), "is empty", d.fix("classes"));
    } else if (!counts && allValid) {
      problems.error(
          d.node("classes"),
          d.child("classes"),
          "maps no class id to person or head",
          "Vigil counts people from person and head boxes: map at least one class id to"
              + " person or head.");
    }
    return classes;
  }

  /**
   * The class id of {@code key}, whose digits the schema has checked; null after reporting that it
   * is too large, has no role, or came before.
   */
  private Integer classId(YamlMap c, String key, Map<Integer, Node> seen) {
    Node at = c.keyNode(key);
    String what;
    String fix = "Give each class id one role.";
    if (key.length() > 10 || Long.parseLong(key) > Integer.MAX_VALUE) {
      what = "class id " + key + " is too large";
      fix = "Use the model's class ids.";
    } else if (c.text(key) == null) {
      at = c.node(key);
      what = "has no role";
      fix = c.fix(key);
    } else {
      int id = Integer.parseInt(key);
      Node first = seen.putIfAbsent(id, at);
      if (first == null) {
        return id;
      }
      what = "duplicate class id " + id + " (first at line " + YamlProblems.line(first) + ")";
    }
    problems.error(at, c.child(key), what, fix);
    return null;
  }

  /** The {@code vlm} section, or null when absent: no prompt goes to a multimodal model. */
  SiteConfig.Vlm vlm(YamlMap v) {
    if (v.keys().isEmpty()) {
      return null;
    }
    String url = v.text("base_url");
    if (url != null && ConnectionSections.host(url) == null) {
      problems.error(
          v.node("base_url"),
          v.child("base_url"),
          "has no host name, got " + show(Secrets.redact(url)),
          v.fix("base_url"));
    }
    String keyEnv = v.text("api_key_env");
    String apiKey = null;
    String keySource = null;
    if (keyEnv != null && v.text("api_key_file") != null) {
      problems.error(
          v.node("api_key_file"),
          v.child("api_key_file"),
          "is set and so is vlm.api_key_env",
          "Take the key from one place: remove one of them.");
    } else if (keyEnv != null) {
      // Unset is not an error: a local server needs no key, and one that does answers 401,
      // which the prompt's status then shows.
      apiKey = env.get(keyEnv);
      apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      keySource = "environment variable " + keyEnv;
    } else if (v.text("api_key_file") != null) {
      apiKey = files.secretFile(v, "api_key_file");
      keySource = "file " + ConnectionSections.expandHome(v.text("api_key_file"));
    }
    return new SiteConfig.Vlm(
        url == null ? null : url.strip(),
        v.text("model"),
        apiKey,
        keySource,
        v.number("timeout_s"),
        v.integer("max_concurrent"),
        v.number("min_interval_s"),
        v.integer("daily_budget"),
        v.integer("image_px"),
        v.integer("jpeg_quality"),
        v.integer("queue_size"));
  }
}
