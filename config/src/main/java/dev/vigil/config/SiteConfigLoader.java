package dev.vigil.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Loads and validates a site configuration file ({@code site.yaml}).
 *
 * <p>Scalar values may use {@code ${VAR}} and {@code ${VAR:-default}}; the default applies when the
 * variable is unset or empty, and <code>$${</code> writes a literal <code>${</code>. A value that
 * is empty after substitution counts as unset. Keys are snake_case; unknown keys are rejected.
 *
 * <p>Every problem in the file is collected and thrown together in one {@link SiteConfigException},
 * one per line, as {@code <file>:<line>:<column>: <path>: <what>. <fix>}. Stateless and
 * thread-safe.
 */
public final class SiteConfigLoader {
  // Keys, defaults and allowed values come from site.schema.json (SiteSchema), the one place
  // that names them; this class adds the checks and messages a schema cannot give.
  static final String DEFAULT_BOOTSTRAP = SiteSchema.defaultText("kafka.bootstrap_servers");
  static final String DEFAULT_MQTT_URL = SiteSchema.defaultText("mqtt.url");
  static final String DEFAULT_CACHE_DIR = SiteSchema.defaultText("model.cache_dir");
  static final int DEFAULT_THREADS = (int) SiteSchema.defaultNumber("model.intra_op_threads");
  static final double DEFAULT_FPS = SiteSchema.defaultNumber("cameras[].fps");
  static final double DEFAULT_KEYFRAME_S =
      SiteSchema.defaultNumber("cameras[].keyframe_interval_s");
  static final double DEFAULT_COOLDOWN_S = SiteSchema.defaultNumber("prompts[].cooldown_s");
  static final String DEFAULT_SEVERITY = SiteSchema.defaultText("prompts[].severity");
  static final List<String> SEVERITIES = PromptSpec.SEVERITIES;

  private static final List<String> ROOT_KEYS = SiteSchema.keys("");
  private static final List<String> HTTP_KEYS = SiteSchema.keys("http");

  /**
   * A {@code kafka.properties} key ending in this takes the property's value from the file it
   * names, such as {@code ssl.keystore.password_file: /run/secrets/keystore-password}.
   */
  static final String FILE_SUFFIX = "_file";

  private static final List<String> KAFKA_KEYS = SiteSchema.keys("kafka");
  private static final List<String> MQTT_KEYS = SiteSchema.keys("mqtt");
  private static final List<String> MODEL_KEYS = SiteSchema.keys("model");
  private static final List<String> DETECTOR_KEYS = SiteSchema.keys("model.detector");
  private static final String CLASSES_EXAMPLE = "{1: person, 2: head, 3: helmet}";
  private static final List<String> CAMERA_KEYS = SiteSchema.keys("cameras[]");
  private static final List<String> ZONE_KEYS = SiteSchema.keys("cameras[].zones[]");
  private static final List<String> VLM_KEYS = SiteSchema.keys("vlm");
  private static final Set<String> VLM_SCHEMES = Set.of("http", "https");
  private static final List<String> PROMPT_KEYS = SiteSchema.keys("prompts[]");

  private static final Pattern ZONE_NAME = Pattern.compile("[a-z0-9_-]+");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]*");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\s\\[\\]]+):([0-9]{1,5})");
  private static final Pattern URL_SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
  private static final Set<String> SOURCE_SCHEMES = Set.of("rtsp", "rtsps", "http", "https");
  private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  // YAML-style decimals only: Double.parseDouble would also take "2f", "0x1p3" and "NaN".
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

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
    return new Reader(fileName, env).read(yaml);
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
   * Returns {@code config} when its {@code model.detector}, if any, names a folder that holds a
   * SavedModel. The stream processor needs the files; the edge agent and the alerts service, which
   * share the file, do not, so {@link #load} leaves this check to the processor.
   *
   * @param fileName the config file's name, for the message
   * @throws SiteConfigException when the folder or its {@code saved_model.pb} is missing
   */
  public static SiteConfig requireDetectorFiles(SiteConfig config, String fileName) {
    SiteConfig.Detector d = config.model() == null ? null : config.model().detector();
    if (d != null) {
      String problem = savedModelProblem(d);
      if (problem != null) {
        throw new SiteConfigException(List.of(fileName + ": " + problem));
      }
    }
    return config;
  }

  /**
   * What is wrong with the SavedModel folder of {@code detector}, as {@code
   * model.detector.saved_model: <what>. <fix>}; null when it holds a {@code saved_model.pb}.
   */
  public static String savedModelProblem(SiteConfig.Detector detector) {
    String path = "model.detector.saved_model: ";
    Path dir = Path.of(detector.savedModel());
    String where = dir.toAbsolutePath().normalize().toString();
    if (!Files.exists(dir)) {
      return path
          + "no such folder "
          + where
          + ". Copy the exported SavedModel there, or fix the path.";
    }
    if (!Files.isDirectory(dir)) {
      return path
          + where
          + " is a file, not a folder. Give the folder that holds saved_model.pb and variables/.";
    }
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      String hint =
          Files.isRegularFile(dir.resolve("saved_model").resolve("saved_model.pb"))
              ? "Did you mean " + dir.resolve("saved_model") + "? "
              : "";
      return path
          + where
          + " holds no saved_model.pb. "
          + hint
          + "Give the folder that tf.saved_model.save (or the Object Detection API's"
          + " exporter_main_v2.py, in its saved_model/ subfolder) wrote: it holds saved_model.pb"
          + " and variables/.";
    }
    return null;
  }

  private static <E extends Enum<E>> E enumValue(E[] values, String text) {
    for (E e : values) {
      if (e.name().equalsIgnoreCase(text.trim())) {
        return e;
      }
    }
    return null;
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

  /** One problem with its position, so problems can be reported in file order. */
  private record Problem(int line, int column, String message) {}

  /**
   * A scalar value after substitution.
   *
   * @param text the value, or null when absent, YAML null, or empty after substitution
   * @param ok false when a problem with this value was already reported
   */
  private record Val(Node node, String path, String text, boolean ok) {
    boolean present() {
      return ok && text != null;
    }
  }

  /** The entries of one YAML map, with the node that stands for the map in messages. */
  private static final class Obj {
    final Node anchor;
    final String path;
    final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    Obj(Node anchor, String path) {
      this.anchor = anchor;
      this.path = path;
    }

    Node value(String key) {
      NodeTuple t = entries.get(key);
      return t == null ? null : t.getValueNode();
    }

    String child(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }
  }

  /** One parse: collects problems, then throws them together. Not thread-safe. */
  private static final class Reader {
    private final String fileName;
    private final Map<String, String> env;
    private final List<Problem> problems = new ArrayList<>();

    Reader(String fileName, Map<String, String> env) {
      this.fileName = fileName;
      this.env = env;
    }

    SiteConfig read(String yaml) {
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
        addAt(
            m,
            "",
            "invalid YAML: " + what,
            "Fix the syntax at this position (check indentation, colons, quotes and brackets;"
                + " indent with spaces, not tabs).");
        throw failure();
      } catch (YamlEngineException e) {
        addAt(
            null,
            "",
            "invalid YAML: " + e.getMessage(),
            "Fix the syntax (check indentation, colons, quotes and brackets).");
        throw failure();
      }
      if (root == null) {
        addAt(
            null,
            "",
            "the file is empty",
            "Add at least \"site: <name>\" and your cameras; see config/examples/site.yaml.");
        throw failure();
      }
      if (!(root instanceof MappingNode)) {
        error(
            root,
            "",
            "the top level must be a map, got " + describe(root),
            "Start the file with keys such as \"site: plant-1\"; allowed keys: "
                + String.join(", ", ROOT_KEYS)
                + ".");
        throw failure();
      }
      SiteConfig config = site(obj(root, "", ROOT_KEYS));
      if (!problems.isEmpty()) {
        throw failure();
      }
      return config;
    }

    private SiteConfigException failure() {
      // Stable sort: problems found at one position keep the order they were found in.
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
      return new SiteConfigException(sorted.stream().map(Problem::message).toList());
    }

    // --- the schema -------------------------------------------------------------------------

    private SiteConfig site(Obj top) {
      Val siteVal = val(top, "site", "a site name");
      String site = siteVal.text();
      if (siteVal.ok() && site == null) {
        missing(
            top, "site", "Add \"site: <name>\" such as site: plant-1; it is used in MQTT topics.");
      } else if (siteVal.present() && !Ids.valid(site)) {
        error(
            siteVal.node(),
            "site",
            "must be " + Ids.RULE + ", got " + show(site),
            "It is used in MQTT topics and client ids; use a name such as plant-1.");
      }
      SiteConfig.Kafka kafka = kafka(section(top, "kafka", KAFKA_KEYS));
      SiteConfig.Mqtt mqtt = mqtt(section(top, "mqtt", MQTT_KEYS), site);
      SiteConfig.Model model = model(section(top, "model", MODEL_KEYS));
      HttpAccess http = http(section(top, "http", HTTP_KEYS));
      List<SiteConfig.Camera> cameras = new ArrayList<>();
      Map<String, Node> cameraIds = new LinkedHashMap<>();
      List<Node> cameraNodes =
          list(top, "cameras", "List the cameras, each as a map with at least id and source.");
      for (int i = 0; i < cameraNodes.size(); i++) {
        SiteConfig.Camera c = camera(cameraNodes.get(i), "cameras[" + i + "]", cameraIds);
        if (c != null) {
          cameras.add(c);
        }
      }
      List<PromptSpec> prompts = new ArrayList<>();
      Map<String, Node> promptIds = new HashMap<>();
      List<Node> promptNodes =
          list(top, "prompts", "List the prompts, each as a map with at least id and text.");
      for (int i = 0; i < promptNodes.size(); i++) {
        PromptSpec p =
            prompt(promptNodes.get(i), "prompts[" + i + "]", promptIds, cameraIds.keySet());
        if (p != null) {
          prompts.add(p);
        }
      }
      SiteConfig.Vlm vlm = vlm(section(top, "vlm", VLM_KEYS));
      return new SiteConfig(site, kafka, mqtt, model, cameras, prompts, http, vlm);
    }

    private SiteConfig.Kafka kafka(Obj k) {
      String servers =
          string(
              k,
              "bootstrap_servers",
              DEFAULT_BOOTSTRAP,
              "Write a comma-separated host:port list such as broker-1:9092,broker-2:9092.");
      Val serversVal = val(k, "bootstrap_servers", "a host:port list");
      if (serversVal.present()) {
        for (String server : servers.split(",", -1)) {
          Matcher m = HOST_PORT.matcher(server.trim());
          int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
          if (port < 1 || port > 65535) {
            error(
                serversVal.node(),
                k.child("bootstrap_servers"),
                "\"" + server.trim() + "\" is not a host:port address",
                "Write a comma-separated host:port list such as broker-1:9092,broker-2:9092.");
            break;
          }
        }
      }
      String prefix =
          string(k, "topic_prefix", Topics.DEFAULT_PREFIX, "Use a prefix such as vigil.");
      Val prefixVal = val(k, "topic_prefix", "");
      if (prefixVal.present() && !TOPIC_PREFIX.matcher(prefix).matches()) {
        error(
            prefixVal.node(),
            k.child("topic_prefix"),
            "must use only letters, digits, '.', '_' and '-' (Kafka topic names), got "
                + show(prefix),
            "Use a prefix such as vigil.");
      }
      Map<String, String> properties = new LinkedHashMap<>();
      Obj props = section(k, "properties", null);
      for (String key : props.entries.keySet()) {
        String path = props.child(key);
        if (key.equals("bootstrap.servers")) {
          error(
              props.entries.get(key).getKeyNode(),
              path,
              "duplicates kafka.bootstrap_servers",
              "Set the brokers with kafka.bootstrap_servers and remove this property.");
          continue;
        }
        String v =
            string(
                props,
                key,
                null,
                "Write the full Kafka property name as one key, such as security.protocol: SSL.");
        if (v != null && key.endsWith(FILE_SUFFIX)) {
          String property = key.substring(0, key.length() - FILE_SUFFIX.length());
          if (props.entries.containsKey(property)) {
            error(
                props.entries.get(key).getKeyNode(),
                path,
                "duplicates " + props.child(property),
                "Give the value once: either inline or from a file.");
            continue;
          }
          v = secretFile(props.value(key), path, expandHome(v));
          key = property;
        }
        if (v != null) {
          properties.put(key, v);
        }
      }
      long partitions =
          integer(
              k,
              "partitions",
              SiteConfig.Kafka.DEFAULT_PARTITIONS,
              1,
              1000,
              "Set the partitions of the per-camera topics, such as 12 (at least the processor"
                  + " threads of all instances).");
      return new SiteConfig.Kafka(servers, prefix, properties, (int) partitions);
    }

    /**
     * The content of a secret file (a Kubernetes or systemd credential), without the trailing line
     * break; null after reporting a problem.
     */
    private String secretFile(Node node, String path, String file) {
      String fix = "Give the path of a readable file that holds only the secret.";
      try {
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
          error(node, path, "file " + file + " is empty", fix);
          return null;
        }
        return text;
      } catch (NoSuchFileException e) {
        error(node, path, "file " + file + " does not exist", fix);
      } catch (IOException | RuntimeException e) {
        error(node, path, "cannot read " + file + ": " + e.getMessage(), fix);
      }
      return null;
    }

    private HttpAccess http(Obj h) {
      String fix = "Give the token as text, such as ${VIGIL_HTTP_TOKEN}.";
      String certFix =
          "Give the PEM certificate the HTTPS servers present, such as"
              + " /run/secrets/vigil-http/tls.crt.";
      String keyFix =
          "Give the unencrypted PEM private key of http.tls_cert_file, such as"
              + " /run/secrets/vigil-http/tls.key.";
      String[] tls = pemPair(h, "tls_cert_file", "tls_key_file", certFix, keyFix);
      // Every service serves HTTP, so every service needs these files now.
      int before = problems.size();
      pemFiles(h, "tls_cert_file", "tls_key_file", certFix, keyFix, tls);
      if (problems.size() > before) {
        tls = new String[] {null, null};
      }
      return new HttpAccess(
          string(h, "token", null, fix),
          string(h, "read_token", null, fix),
          string(h, "metrics_token", null, fix),
          tls[0],
          tls[1]);
    }

    /**
     * The paths of a certificate and its private key, set together or not at all; {null, null} when
     * neither is set, or after reporting a problem. {@link #pemFiles} reads them.
     */
    private String[] pemPair(Obj o, String certKey, String keyKey, String certFix, String keyFix) {
      String cert = expandHome(string(o, certKey, null, certFix));
      String key = expandHome(string(o, keyKey, null, keyFix));
      String[] none = {null, null};
      if (cert == null && key == null) {
        return none;
      }
      if (cert == null || key == null) {
        String set = cert == null ? keyKey : certKey;
        String unset = cert == null ? certKey : keyKey;
        error(
            o.value(set),
            o.child(set),
            "is set but " + o.child(unset) + " is not",
            "Give both the certificate and its private key, or neither.");
        return none;
      }
      return new String[] {cert, key};
    }

    /** Reads the PEM files of a {@link #pemPair} and reports what cannot be used. */
    private void pemFiles(
        Obj o, String certKey, String keyKey, String certFix, String keyFix, String[] pair) {
      if (pair[0] == null) {
        return;
      }
      if (pemOk(o, certKey, certFix, () -> Pem.certificates(Path.of(pair[0])))
          & pemOk(o, keyKey, keyFix, () -> Pem.privateKey(Path.of(pair[1])))) {
        pemOk(o, keyKey, keyFix, () -> Pem.keyManagers(Path.of(pair[0]), Path.of(pair[1])));
      }
    }

    /**
     * Runs {@code checks} and takes the problems they report out of this parse: they fail only the
     * service that needs the files (see {@link SiteConfig.Mqtt#fileProblems}).
     */
    private List<String> deferred(Runnable checks) {
      int before = problems.size();
      checks.run();
      List<Problem> found = problems.subList(before, problems.size());
      List<String> messages = found.stream().map(Problem::message).toList();
      found.clear();
      return messages;
    }

    private boolean pemOk(Obj o, String key, String fix, Runnable check) {
      try {
        check.run();
        return true;
      } catch (VigilConfigException | java.nio.file.InvalidPathException e) {
        error(o.value(key), o.child(key), e.getMessage(), fix);
        return false;
      }
    }

    private SiteConfig.Mqtt mqtt(Obj m, String site) {
      String urlFix = "Use tcp://host:1883, or ssl://host:8883 for TLS.";
      String url = string(m, "url", DEFAULT_MQTT_URL, urlFix);
      Val urlVal = val(m, "url", "");
      boolean ssl = url.startsWith("ssl://");
      if (urlVal.present()) {
        String host = null;
        try {
          host = new URI(url).getHost();
        } catch (URISyntaxException e) {
          // Reported below as a bad URL.
        }
        if (!(url.startsWith("tcp://") || ssl)) {
          error(
              urlVal.node(),
              m.child("url"),
              "must be a tcp:// or ssl:// URL, got " + show(url),
              urlFix);
        } else if (host == null) {
          error(urlVal.node(), m.child("url"), "has no host name, got " + show(url), urlFix);
        }
      }
      String prefix =
          string(m, "topic_prefix", "vigil/" + site + "/", "Use a prefix such as vigil/plant-1/.");
      Val prefixVal = val(m, "topic_prefix", "");
      if (prefixVal.present()) {
        if (prefix.contains("+") || prefix.contains("#")) {
          error(
              prefixVal.node(),
              m.child("topic_prefix"),
              "must not contain the MQTT wildcards + or #, got " + show(prefix),
              "Use a plain prefix such as vigil/" + site + "/.");
        } else if (!prefix.endsWith("/")) {
          error(
              prefixVal.node(),
              m.child("topic_prefix"),
              "must end with '/', got " + show(prefix),
              "Add a trailing slash: " + prefix + "/");
        }
      }
      String clientId =
          string(m, "client_id", "vigil-alerts-" + site, "Use a stable id such as vigil-alerts-1.");
      String username = string(m, "username", null, "Give the MQTT user name as text.");
      String password =
          string(m, "password", null, "Give the password as text, such as ${MQTT_PASSWORD}.");
      String passwordFile =
          expandHome(
              string(
                  m,
                  "password_file",
                  null,
                  "Give the path of a file that holds only the password, such as"
                      + " /run/secrets/mqtt-password."));
      String passwordKey = password != null ? "password" : "password_file";
      if (password != null && passwordFile != null) {
        error(
            m.value("password_file"),
            m.child("password_file"),
            "duplicates mqtt.password",
            "Give the password once: either inline with password, or from a file with"
                + " password_file.");
      }
      if ((password != null || passwordFile != null) && username == null) {
        error(
            m.value(passwordKey),
            m.child(passwordKey),
            "is set but mqtt.username is not",
            "Add the user name the password belongs to, or remove the password.");
      }
      String caFile =
          string(
              m,
              "ca_file",
              null,
              "Give the path of the CA's PEM file, or remove ca_file to use the JVM truststore.");
      if (caFile != null && url.startsWith("tcp://")) {
        error(
            m.value("ca_file"),
            m.child("ca_file"),
            "is set but mqtt.url " + show(url) + " is plain text",
            "Use an ssl:// URL to connect with TLS, or remove ca_file.");
      }
      String certFix =
          "Give the PEM client certificate that the broker's CA signed, such as"
              + " /run/secrets/vigil-mqtt/tls.crt.";
      String keyFix =
          "Give the unencrypted PEM private key of mqtt.cert_file, such as"
              + " /run/secrets/vigil-mqtt/tls.key.";
      String[] client = pemPair(m, "cert_file", "key_file", certFix, keyFix);
      // Only alerts talks MQTT: the agent and processor share this file without its secrets.
      String[] secret = {password};
      List<String> fileProblems =
          deferred(
              () -> {
                if (passwordFile != null && secret[0] == null) {
                  secret[0] =
                      secretFile(m.value("password_file"), m.child("password_file"), passwordFile);
                }
                pemFiles(m, "cert_file", "key_file", certFix, keyFix, client);
              });
      password = secret[0];
      if (client[0] != null && !ssl) {
        error(
            m.value("cert_file"),
            m.child("cert_file"),
            "is set but mqtt.url " + show(url) + " is plain text",
            "Use an ssl:// URL to present a client certificate over TLS, or remove cert_file"
                + " and key_file.");
      }
      boolean homeAssistant =
          bool(
              m,
              "home_assistant",
              false,
              "Write true to publish Home Assistant discovery configs, or false (the default).");
      return new SiteConfig.Mqtt(
          url,
          prefix,
          clientId,
          username,
          password,
          expandHome(caFile),
          client[0],
          client[1],
          homeAssistant,
          fileProblems);
    }

    private SiteConfig.Model model(Obj m) {
      String cacheDir =
          string(m, "cache_dir", DEFAULT_CACHE_DIR, "Give a writable folder for model files.");
      long threads =
          integer(
              m,
              "intra_op_threads",
              DEFAULT_THREADS,
              1,
              64,
              "Set the TensorFlow intra-op threads, such as 1 (at most the number of cores).");
      return new SiteConfig.Model(expandHome(cacheDir), (int) threads, detector(m));
    }

    /** The {@code model.detector} section, or null when absent. */
    private SiteConfig.Detector detector(Obj m) {
      Node node = m.value("detector");
      if (node == null || isNull(node)) {
        return null;
      }
      Obj d = section(m, "detector", DETECTOR_KEYS);
      if (!(node instanceof MappingNode)) {
        return null;
      }
      String savedModel =
          requiredString(
              d,
              "saved_model",
              "Give the folder of the exported SavedModel (the one that holds saved_model.pb),"
                  + " such as /opt/plant/ppe_detector.");
      String signature =
          string(
              d,
              "signature",
              SiteConfig.Detector.DEFAULT_SIGNATURE,
              "Give the signature key to run, such as serving_default.");
      Val sigVal = val(d, "signature", "");
      if (sigVal.present() && signature.isBlank()) {
        error(
            sigVal.node(),
            d.child("signature"),
            "must not be blank",
            "Give the signature key to run, such as serving_default, or remove signature.");
      }
      String inputFix =
          "Use the element type of the model's image input: uint8 (TF Object Detection API"
              + " exports) or float32.";
      String inputText = string(d, "input", null, inputFix);
      SiteConfig.Detector.Input input = SiteConfig.Detector.Input.UINT8;
      if (inputText != null) {
        input = enumValue(SiteConfig.Detector.Input.values(), inputText);
        if (input == null) {
          error(
              d.value("input"),
              d.child("input"),
              "must be uint8 or float32, got " + show(inputText),
              inputFix);
        }
      }
      long inputSize =
          integer(
              d,
              "input_size",
              0,
              32,
              4096,
              "Set the long side in pixels the frame is resized to, such as 640, or remove"
                  + " input_size to feed frames as they are.");
      double minScore =
          number(
              d,
              "min_score",
              SiteConfig.Detector.DEFAULT_MIN_SCORE,
              v -> v >= 0 && v <= 1,
              "a number in [0, 1]",
              "Set the score from which a detection counts, such as 0.5.");
      Map<Integer, SiteConfig.Detector.Role> classes = classes(d);
      return new SiteConfig.Detector(
          expandHome(savedModel),
          signature,
          input,
          (int) inputSize,
          Double.isNaN(minScore) ? SiteConfig.Detector.DEFAULT_MIN_SCORE : minScore,
          classes);
    }

    private Map<Integer, SiteConfig.Detector.Role> classes(Obj d) {
      String fix =
          "Map the model's class ids to person, head, helmet or ignore, such as "
              + CLASSES_EXAMPLE
              + ".";
      Node node = d.value("classes");
      if (node == null || isNull(node)) {
        missing(d, "classes", fix);
        return Map.of();
      }
      Obj c = section(d, "classes", null);
      if (!(node instanceof MappingNode)) {
        return Map.of();
      }
      List<String> roles = new ArrayList<>();
      for (SiteConfig.Detector.Role r : SiteConfig.Detector.Role.values()) {
        roles.add(r.yamlName());
      }
      Map<Integer, SiteConfig.Detector.Role> classes = new LinkedHashMap<>();
      Map<Integer, Node> idNodes = new HashMap<>();
      boolean counts = false;
      boolean allValid = true;
      for (String key : c.entries.keySet()) {
        Node keyNode = c.entries.get(key).getKeyNode();
        String path = c.child(key);
        String t = key.trim();
        if (!INTEGER.matcher(t).matches() || t.length() > 10 || Long.parseLong(t) < 0) {
          error(
              keyNode,
              path,
              "must be a class id (a whole number >= 0), got " + show(key),
              "Write the model's class ids as keys, such as " + CLASSES_EXAMPLE + ".");
          allValid = false;
          continue;
        }
        long id = Long.parseLong(t);
        if (id > Integer.MAX_VALUE) {
          error(keyNode, path, "class id " + t + " is too large", "Use the model's class ids.");
          allValid = false;
          continue;
        }
        String roleText = string(c, key, null, "Use one of " + String.join(", ", roles) + ".");
        Val roleVal = val(c, key, "");
        if (!roleVal.ok()) {
          allValid = false;
          continue;
        }
        if (roleText == null) {
          error(
              c.value(key),
              path,
              "has no role",
              "Use one of " + String.join(", ", roles) + "; ignore drops the class.");
          allValid = false;
          continue;
        }
        SiteConfig.Detector.Role role = enumValue(SiteConfig.Detector.Role.values(), roleText);
        if (role == null) {
          String hint = closest(roleText, roles);
          error(
              c.value(key),
              path,
              "unknown role " + show(roleText),
              (hint == null ? "" : "Did you mean " + hint + "? ")
                  + "Use one of "
                  + String.join(", ", roles)
                  + ".");
          allValid = false;
          continue;
        }
        Node first = idNodes.putIfAbsent((int) id, keyNode);
        if (first != null) {
          error(
              keyNode,
              path,
              "duplicate class id " + id + " (first at line " + line(first) + ")",
              "Give each class id one role.");
          allValid = false;
          continue;
        }
        classes.put((int) id, role);
        counts |= role == SiteConfig.Detector.Role.PERSON || role == SiteConfig.Detector.Role.HEAD;
      }
      if (classes.isEmpty() && allValid) {
        error(node, d.child("classes"), "is empty", fix);
      } else if (!counts && allValid) {
        error(
            node,
            d.child("classes"),
            "maps no class id to person or head",
            "Vigil counts people from person and head boxes: map at least one class id to"
                + " person or head.");
      }
      return classes;
    }

    private SiteConfig.Camera camera(Node node, String path, Map<String, Node> ids) {
      if (!(node instanceof MappingNode)) {
        error(
            node,
            path,
            "must be a map, got " + describe(node),
            "Write the camera as a map with at least id and source.");
        return null;
      }
      Obj c = obj(node, path, CAMERA_KEYS);
      String id =
          requiredString(c, "id", "Add an id such as dock-1 (letters, digits, '.', '_', '-').");
      if (id != null) {
        Node idNode = c.value("id");
        if (ids.containsKey(id)) {
          error(
              idNode,
              c.child("id"),
              "duplicate camera id " + show(id) + " (first at line " + line(ids.get(id)) + ")",
              "Give each camera a unique id.");
        } else {
          // Kept even when malformed, so prompts naming it get no second, misleading error.
          ids.put(id, idNode);
          if (!Ids.valid(id)) {
            error(
                idNode,
                c.child("id"),
                "must be " + Ids.RULE + ", got " + show(id),
                "It is a Kafka key and part of MQTT topics; use an id such as dock-1.");
          }
        }
      }
      String source =
          requiredString(
              c, "source", "Add a source: a file path, an image folder, or an rtsp:// URL.");
      if (source != null) {
        Matcher m = URL_SCHEME.matcher(source);
        if (m.find() && !SOURCE_SCHEMES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
          error(
              c.value("source"),
              c.child("source"),
              "unsupported URL scheme " + show(m.group(1)),
              "Use a file path, an image folder, or an rtsp://, rtsps://, http:// or https:// URL.");
        }
      }
      double fps =
          number(
              c,
              "fps",
              DEFAULT_FPS,
              v -> v > 0 && v <= 60,
              "a number in (0, 60]",
              "Set a positive frames-per-second such as 2.");
      double keyframe =
          number(
              c,
              "keyframe_interval_s",
              DEFAULT_KEYFRAME_S,
              v -> v > 0,
              "a number > 0",
              "Set the seconds between frames sent even without motion, such as 10.");
      double motion =
          number(
              c,
              "motion_threshold",
              0,
              v -> v >= 0 && v <= 1,
              "a number in [0, 1]",
              "Use 0 to turn the motion gate off, or a fraction of changed pixels such as 0.02.");
      double calibration =
          number(
              c,
              "audio_calibration_db",
              0,
              v -> Math.abs(v) <= 200,
              "a number in [-200, 200]",
              "Set the offset in dB from dBFS to dB SPL for this microphone, or 0.");
      double offlineAfter =
          number(
              c,
              "offline_after_s",
              SiteConfig.Camera.DEFAULT_OFFLINE_AFTER_S,
              v -> v >= 1 && v <= 86_400,
              "a number in [1, 86400]",
              "Set the seconds without frames after which the camera counts as offline, such as"
                  + " 30.");
      double maxFuture =
          number(
              c,
              "max_future_s",
              SiteConfig.Camera.DEFAULT_MAX_FUTURE_S,
              v -> v >= 0 && v <= 3_600,
              "a number in [0, 3600]",
              "Set how far ahead of the processor's clock a frame may be stamped, such as 10.");
      double minHeadPx =
          number(
              c,
              "min_head_px",
              0,
              v -> v >= 0 && v <= 1000 && v == Math.rint(v),
              "a whole number in [0, 1000]",
              "Set the smallest head in pixels that is judged for a helmet, or 0 for the model's"
                  + " default.");
      String audioText =
          string(c, "audio", "features", "Use features (the default) or pcm (raw sound, opt-in).");
      SiteConfig.AudioMode audio = SiteConfig.AudioMode.FEATURES;
      if (audioText.equals("pcm")) {
        audio = SiteConfig.AudioMode.PCM;
      } else if (!audioText.equals("features")) {
        error(
            c.value("audio"),
            c.child("audio"),
            "must be features or pcm, got " + show(audioText),
            "Use features: only level, alarm and impulse leave the camera host; pcm sends raw"
                + " sound, which can carry speech.");
      }
      List<SiteConfig.Zone> zones = new ArrayList<>();
      Map<String, Node> names = new HashMap<>();
      List<Node> zoneNodes =
          list(c, "zones", "List the zones, each as a map with name and polygon.");
      for (int i = 0; i < zoneNodes.size(); i++) {
        SiteConfig.Zone z = zone(zoneNodes.get(i), c.child("zones") + "[" + i + "]", names);
        if (z != null) {
          zones.add(z);
        }
      }
      return new SiteConfig.Camera(
          id,
          source,
          fps,
          keyframe,
          motion,
          calibration,
          offlineAfter,
          maxFuture,
          (int) minHeadPx,
          audio,
          zones);
    }

    private SiteConfig.Zone zone(Node node, String path, Map<String, Node> names) {
      if (!(node instanceof MappingNode)) {
        error(
            node,
            path,
            "must be a map, got " + describe(node),
            "Write the zone as a map with name and polygon.");
        return null;
      }
      Obj z = obj(node, path, ZONE_KEYS);
      String name = requiredString(z, "name", "Add a name such as assembly; prompts refer to it.");
      if (name != null) {
        Node nameNode = z.value("name");
        if (!ZONE_NAME.matcher(name).matches()) {
          error(
              nameNode,
              z.child("name"),
              "must use only lowercase letters, digits, '_' and '-', got " + show(name),
              "Prompts refer to zones by name; use a name such as assembly.");
        } else if (names.containsKey(name)) {
          error(
              nameNode,
              z.child("name"),
              "duplicate zone name "
                  + show(name)
                  + " (first at line "
                  + line(names.get(name))
                  + ")",
              "Give each zone of a camera a unique name.");
        } else {
          names.put(name, nameNode);
        }
      }
      String polyFix = "List at least three corners as [[x, y], ...] with x and y in 0..1.";
      String polyPath = z.child("polygon");
      Node poly = z.value("polygon");
      List<Point> points = new ArrayList<>();
      if (poly == null || isNull(poly)) {
        missing(z, "polygon", polyFix);
        return new SiteConfig.Zone(name, points);
      }
      if (!(poly instanceof SequenceNode seq)) {
        error(poly, polyPath, "must be a list of [x, y] points, got " + describe(poly), polyFix);
        return new SiteConfig.Zone(name, points);
      }
      boolean allValid = true;
      List<Node> corners = seq.getValue();
      for (int i = 0; i < corners.size(); i++) {
        Node p = corners.get(i);
        String pPath = polyPath + "[" + i + "]";
        if (!(p instanceof SequenceNode pair) || pair.getValue().size() != 2) {
          error(
              p,
              pPath,
              "must be a point [x, y], got " + describe(p),
              "Write each corner as [x, y] with x and y in 0..1.");
          allValid = false;
          continue;
        }
        double[] xy = new double[2];
        for (int j = 0; j < 2; j++) {
          Val v = valOf(pair.getValue().get(j), pPath + "[" + j + "]", "a number in [0, 1]");
          xy[j] =
              checkNumber(
                  v,
                  Double.NaN,
                  d -> d >= 0 && d <= 1,
                  "a number in [0, 1]",
                  "Coordinates are fractions of the image width and height, origin top-left.");
          allValid &= !Double.isNaN(xy[j]);
        }
        points.add(new Point(xy[0], xy[1]));
      }
      if (corners.size() < 3) {
        error(poly, polyPath, "needs at least 3 points, got " + corners.size(), polyFix);
      } else if (allValid && Math.abs(area(points)) < 1e-9) {
        error(
            poly,
            polyPath,
            "encloses no area (its points lie on one line)",
            "Give at least three corners that enclose the zone.");
      }
      return new SiteConfig.Zone(name, points);
    }

    private PromptSpec prompt(
        Node node, String path, Map<String, Node> ids, Set<String> cameraIds) {
      if (!(node instanceof MappingNode)) {
        error(
            node,
            path,
            "must be a map, got " + describe(node),
            "Write the prompt as a map with at least id and text.");
        return null;
      }
      Obj p = obj(node, path, PROMPT_KEYS);
      String id = requiredString(p, "id", "Add an id such as no-helmet.");
      if (id != null) {
        Node idNode = p.value("id");
        if (!PromptSpec.validId(id)) {
          error(
              idNode,
              p.child("id"),
              "must use only lowercase letters, digits, '.', '_' and '-', got " + show(id),
              "Use an id such as no-helmet.");
        } else if (ids.containsKey(id)) {
          error(
              idNode,
              p.child("id"),
              "duplicate prompt id " + show(id) + " (first at line " + line(ids.get(id)) + ")",
              "Give each prompt a unique id.");
        } else {
          ids.put(id, idNode);
        }
      }
      String text =
          requiredString(
              p, "text", "Add the question, such as \"How many people are not wearing a helmet?\"");
      List<String> cameras = new ArrayList<>();
      Node camerasNode = p.value("cameras");
      List<Node> cameraNodes =
          list(p, "cameras", "List camera ids such as [dock-1], or remove cameras: for all.");
      if (camerasNode instanceof SequenceNode && cameraNodes.isEmpty()) {
        error(
            camerasNode,
            p.child("cameras"),
            "is empty",
            "List the camera ids the prompt applies to, or remove cameras: to apply it to every"
                + " camera.");
      }
      for (int i = 0; i < cameraNodes.size(); i++) {
        String cPath = p.child("cameras") + "[" + i + "]";
        Val v = valOf(cameraNodes.get(i), cPath, "");
        if (!v.ok()) {
          continue;
        }
        if (v.text() == null) {
          error(v.node(), cPath, "is empty", "Give a camera id.");
        } else if (!cameraIds.contains(v.text())) {
          String hint = closest(v.text(), List.copyOf(cameraIds));
          String fix =
              cameraIds.isEmpty()
                  ? "No cameras are configured; add it under cameras:, or remove this entry."
                  : (hint == null ? "" : "Did you mean " + hint + "? ")
                      + "Configured cameras: "
                      + String.join(", ", cameraIds)
                      + ".";
          error(v.node(), cPath, "unknown camera " + show(v.text()), fix);
        } else {
          cameras.add(v.text());
        }
      }
      double cooldown =
          number(
              p,
              "cooldown_s",
              DEFAULT_COOLDOWN_S,
              v -> v >= 0 && v <= PromptSpec.MAX_COOLDOWN_S,
              "a number in [0, 86400]",
              "Set the seconds during which a new alert is suppressed after a resolve, such as 60.");
      String severity =
          string(
              p, "severity", DEFAULT_SEVERITY, "Use one of " + String.join(", ", SEVERITIES) + ".");
      Val sevVal = val(p, "severity", "");
      if (sevVal.present() && !SEVERITIES.contains(severity)) {
        error(
            sevVal.node(),
            p.child("severity"),
            "must be one of " + String.join(", ", SEVERITIES) + ", got " + show(severity),
            "Pick the level subscribers should see, such as warning.");
      }
      String verify = string(p, "verify", null, "Write verify: vlm, or remove it.");
      if (verify != null && !PromptSpec.VERIFY_VLM.equals(verify)) {
        error(
            p.value("verify"),
            p.child("verify"),
            "must be vlm, got " + show(verify),
            "Write verify: vlm to have the multimodal model confirm each alert, or remove it.");
      }
      String modeFix = "Use annotate (add the verdict) or gate (hold back rejected alerts).";
      String mode = string(p, "verify_mode", null, modeFix);
      if (mode != null && !PromptSpec.VERIFY_MODES.contains(mode)) {
        error(
            p.value("verify_mode"),
            p.child("verify_mode"),
            "must be annotate or gate, got " + show(mode),
            modeFix);
      } else if (mode != null && verify == null) {
        error(
            p.value("verify_mode"),
            p.child("verify_mode"),
            "is set but verify is not",
            "Add verify: vlm, or remove verify_mode.");
      }
      return new PromptSpec(id, text, cameras, cooldown, severity, verify, mode);
    }

    /** The {@code vlm} section, or null when absent: no prompt goes to a multimodal model. */
    private SiteConfig.Vlm vlm(Obj v) {
      if (v.entries.isEmpty()) {
        return null;
      }
      String urlFix =
          "Give the OpenAI-compatible API base, such as http://127.0.0.1:11434/v1 (Ollama) or"
              + " http://127.0.0.1:8080/v1 (llama.cpp server).";
      String url = requiredString(v, "base_url", urlFix);
      if (url != null) {
        String scheme = null;
        String host = null;
        try {
          URI uri = new URI(url.strip());
          scheme = uri.getScheme();
          host = uri.getHost();
        } catch (URISyntaxException e) {
          // Reported below as a bad URL.
        }
        if (scheme == null || !VLM_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
          error(
              v.value("base_url"),
              v.child("base_url"),
              "must be an http:// or https:// URL, got " + show(Secrets.redact(url)),
              urlFix);
        } else if (host == null) {
          error(
              v.value("base_url"),
              v.child("base_url"),
              "has no host name, got " + show(Secrets.redact(url)),
              urlFix);
        }
      }
      String model =
          requiredString(
              v, "model", "Give the model name the server knows, such as qwen2.5vl:7b or gpt-4o.");
      String keyEnv =
          string(
              v,
              "api_key_env",
              null,
              "Give the name of the environment variable that holds the key, such as"
                  + " OPENAI_API_KEY.");
      String keyFile =
          string(v, "api_key_file", null, "Give the path of a file that holds only the key.");
      String apiKey = null;
      String keySource = null;
      if (keyEnv != null && keyFile != null) {
        error(
            v.value("api_key_file"),
            v.child("api_key_file"),
            "is set and so is vlm.api_key_env",
            "Take the key from one place: remove one of them.");
      } else if (keyEnv != null) {
        if (!VAR_NAME.matcher(keyEnv).matches()) {
          error(
              v.value("api_key_env"),
              v.child("api_key_env"),
              "must be the name of an environment variable, got " + show(keyEnv),
              "Write the variable's name, such as OPENAI_API_KEY, not ${...} or the key itself.");
        } else {
          // Unset is not an error: a local server needs no key, and one that does answers 401,
          // which the prompt's status then shows.
          apiKey = env.get(keyEnv);
          apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
          keySource = "environment variable " + keyEnv;
        }
      } else if (keyFile != null) {
        apiKey = secretFile(v.value("api_key_file"), v.child("api_key_file"), expandHome(keyFile));
        keySource = "file " + expandHome(keyFile);
      }
      double timeout =
          number(
              v,
              "timeout_s",
              SiteConfig.Vlm.DEFAULT_TIMEOUT_S,
              t -> t > 0 && t <= 600,
              "a number of seconds in (0, 600]",
              "Set how long one call may take, such as 30.");
      long concurrent =
          integer(
              v,
              "max_concurrent",
              SiteConfig.Vlm.DEFAULT_MAX_CONCURRENT,
              1,
              64,
              "Set the calls in flight at once, such as 2 (what the server can run in parallel).");
      double interval =
          number(
              v,
              "min_interval_s",
              SiteConfig.Vlm.DEFAULT_MIN_INTERVAL_S,
              t -> t >= 0 && t <= 86_400,
              "a number of seconds in [0, 86400]",
              "Set the least seconds between two calls for one camera, such as 5.");
      long budget =
          integer(
              v,
              "daily_budget",
              SiteConfig.Vlm.DEFAULT_DAILY_BUDGET,
              1,
              10_000_000,
              "Set the most calls per UTC day, such as 5000.");
      long imagePx =
          integer(
              v,
              "image_px",
              SiteConfig.Vlm.DEFAULT_IMAGE_PX,
              64,
              4096,
              "Set the long side of the image sent, in pixels, such as 768.");
      long quality =
          integer(
              v,
              "jpeg_quality",
              SiteConfig.Vlm.DEFAULT_JPEG_QUALITY,
              1,
              100,
              "Set the JPEG quality of the image sent, such as 85.");
      long queue =
          integer(
              v,
              "queue_size",
              SiteConfig.Vlm.DEFAULT_QUEUE_SIZE,
              1,
              10_000,
              "Set how many requests may wait for a free call, such as 32.");
      return new SiteConfig.Vlm(
          url == null ? null : url.strip(),
          model,
          apiKey,
          keySource,
          timeout,
          (int) concurrent,
          interval,
          (int) budget,
          (int) imagePx,
          (int) quality,
          (int) queue);
    }

    // --- typed access -------------------------------------------------------------------------

    /** Reads a mapping, reporting duplicate and unknown keys. {@code allowed} null allows any. */
    private Obj obj(Node node, String path, List<String> allowed) {
      Obj o = new Obj(node, path);
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        Node keyNode = t.getKeyNode();
        if (!(keyNode instanceof ScalarNode ks)) {
          error(
              keyNode,
              path,
              "a key must be a plain name, got " + describe(keyNode),
              "Write keys as plain snake_case names.");
          continue;
        }
        String key = ks.getValue();
        NodeTuple first = o.entries.get(key);
        if (first != null) {
          error(
              keyNode,
              o.child(key),
              "duplicate key (first at line " + line(first.getKeyNode()) + ")",
              "Remove one of them; YAML would silently keep only the last.");
        } else if (allowed != null && !allowed.contains(key)) {
          String hint = closest(key, allowed);
          error(
              keyNode,
              o.child(key),
              "unknown key",
              (hint == null ? "" : "Did you mean " + hint + "? ")
                  + "Allowed keys: "
                  + String.join(", ", allowed)
                  + ".");
        } else {
          o.entries.put(key, t);
        }
      }
      return o;
    }

    /** The map under {@code key}; empty when absent or null, or when not a map (reported). */
    private Obj section(Obj parent, String key, List<String> allowed) {
      Node n = parent.value(key);
      String path = parent.child(key);
      if (n == null || isNull(n)) {
        return new Obj(parent.anchor, path);
      }
      if (!(n instanceof MappingNode)) {
        error(
            n,
            path,
            "must be a map, got " + describe(n),
            allowed == null
                ? "Write it as a map of names to values, such as security.protocol: SSL."
                : "Write it as a map with keys " + String.join(", ", allowed) + ".");
        return new Obj(n, path);
      }
      return obj(n, path, allowed);
    }

    /** The items under {@code key}; empty when absent or null, or when not a list (reported). */
    private List<Node> list(Obj parent, String key, String fix) {
      Node n = parent.value(key);
      if (n == null || isNull(n)) {
        return List.of();
      }
      if (!(n instanceof SequenceNode s)) {
        error(n, parent.child(key), "must be a list, got " + describe(n), fix);
        return List.of();
      }
      return s.getValue();
    }

    private Val val(Obj o, String key, String expected) {
      Node n = o.value(key);
      if (n == null) {
        return new Val(null, o.child(key), null, true);
      }
      return valOf(n, o.child(key), expected);
    }

    // Each value is checked and substituted once, so a problem is reported once however many
    // helpers look at it.
    private final Map<Node, Val> substituted = new IdentityHashMap<>();

    private Val valOf(Node n, String path, String expected) {
      Val cached = substituted.get(n);
      if (cached != null) {
        return cached;
      }
      Val v;
      if (!(n instanceof ScalarNode s)) {
        error(
            n,
            path,
            "must be "
                + (expected.isEmpty() ? "a single value" : expected)
                + ", got "
                + describe(n),
            "Write one value on the same line as the key.");
        v = new Val(n, path, null, false);
      } else if (s.isPlain() && NULLS.contains(s.getValue())) {
        v = new Val(n, path, null, true);
      } else {
        String raw = s.getValue();
        String text = substitute(raw, n, path);
        if (text == null) {
          v = new Val(n, path, null, false);
        } else {
          // A variable that expands to nothing means "not set", e.g. ${MQTT_USER:-}.
          v = new Val(n, path, text.isEmpty() && raw.contains("${") ? null : text, true);
        }
      }
      substituted.put(n, v);
      return v;
    }

    private String string(Obj o, String key, String def, String fix) {
      Node n = o.value(key);
      if (n != null && !(n instanceof ScalarNode) && !substituted.containsKey(n)) {
        error(n, o.child(key), "must be a text value, got " + describe(n), fix);
        substituted.put(n, new Val(n, o.child(key), null, false));
      }
      Val v = val(o, key, "a text value");
      return v.present() ? v.text() : def;
    }

    private boolean bool(Obj o, String key, boolean def, String fix) {
      String s = string(o, key, null, fix);
      if (s == null) {
        return def;
      }
      switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          error(o.value(key), o.child(key), "must be true or false, got " + s, fix);
          return def;
      }
    }

    private String requiredString(Obj o, String key, String fix) {
      Node n = o.value(key);
      String s = string(o, key, null, fix);
      if (s == null && (n == null || substituted.get(n).ok())) {
        missing(o, key, fix);
      } else if (s != null && s.isBlank()) {
        error(n, o.child(key), "must not be blank", fix);
        return null;
      }
      return s;
    }

    private void missing(Obj o, String key, String fix) {
      Node n = o.value(key);
      if (n != null) {
        error(n, o.child(key), "must not be empty", fix);
      } else {
        error(o.anchor, o.child(key), "required key is missing", fix);
      }
    }

    private double number(
        Obj o, String key, double def, DoublePredicate ok, String expected, String fix) {
      Node n = o.value(key);
      if (n == null) {
        return def;
      }
      return checkNumber(valOf(n, o.child(key), expected), def, ok, expected, fix);
    }

    private double checkNumber(Val v, double def, DoublePredicate ok, String expected, String fix) {
      if (!v.ok()) {
        return def;
      }
      if (v.text() == null) {
        if (Double.isNaN(def)) {
          error(v.node(), v.path(), "must be " + expected + ", got nothing", fix);
        }
        return def;
      }
      String t = v.text().trim();
      if (!NUMBER.matcher(t).matches() || !ok.test(Double.parseDouble(t))) {
        error(v.node(), v.path(), "must be " + expected + ", got " + show(v.text()), fix);
        return Double.NaN;
      }
      return Double.parseDouble(t);
    }

    private long integer(Obj o, String key, long def, long min, long max, String fix) {
      Node n = o.value(key);
      String expected = "a whole number in [" + min + ", " + max + "]";
      if (n == null) {
        return def;
      }
      Val v = valOf(n, o.child(key), expected);
      if (!v.present()) {
        return def;
      }
      String t = v.text().trim();
      // A long has 19 digits; anything longer is out of range anyway.
      if (!INTEGER.matcher(t).matches()
          || t.length() > 18
          || Long.parseLong(t) < min
          || Long.parseLong(t) > max) {
        error(n, v.path(), "must be " + expected + ", got " + show(v.text()), fix);
        return def;
      }
      return Long.parseLong(t);
    }

    /** Expands {@code ${VAR}} and {@code ${VAR:-default}}; null after reporting a problem. */
    private String substitute(String raw, Node node, String path) {
      StringBuilder out = new StringBuilder(raw.length());
      int i = 0;
      while (i < raw.length()) {
        char c = raw.charAt(i);
        if (raw.startsWith("$${", i)) {
          out.append("${");
          i += 3;
        } else if (raw.startsWith("${", i)) {
          int end = raw.indexOf('}', i + 2);
          if (end < 0) {
            error(
                node,
                path,
                "unclosed ${ in " + show(raw),
                "Close it with }, or write $${ for a literal ${.");
            return null;
          }
          String inner = raw.substring(i + 2, end);
          int sep = inner.indexOf(":-");
          String name = sep < 0 ? inner : inner.substring(0, sep);
          String def = sep < 0 ? null : inner.substring(sep + 2);
          if (!VAR_NAME.matcher(name).matches()) {
            error(
                node,
                path,
                "bad variable name " + show(name) + " in ${" + inner + "}",
                "Use letters, digits and '_', as in ${NAME} or ${NAME:-default}.");
            return null;
          }
          String value = env.get(name);
          if (value == null || (def != null && value.isEmpty())) {
            if (def == null) {
              error(
                  node,
                  path,
                  "environment variable " + name + " is not set",
                  "Export it before starting Vigil (export "
                      + name
                      + "=...), or give a default: ${"
                      + name
                      + ":-value}.");
              return null;
            }
            value = def;
          }
          out.append(value);
          i = end + 1;
        } else {
          out.append(c);
          i++;
        }
      }
      return out.toString();
    }

    // --- messages -----------------------------------------------------------------------------

    private void error(Node at, String path, String what, String fix) {
      addAt(at == null ? null : at.getStartMark().orElse(null), path, what, fix);
    }

    private void addAt(Mark mark, String path, String what, String fix) {
      int line = mark == null ? 1 : mark.getLine() + 1;
      int column = mark == null ? 1 : mark.getColumn() + 1;
      String message =
          fileName
              + ":"
              + line
              + ":"
              + column
              + ": "
              + (path.isEmpty() ? "" : path + ": ")
              + what
              + ". "
              + fix;
      problems.add(new Problem(line, column, message));
    }
  }

  private static int line(Node n) {
    return n.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && s.isPlain() && NULLS.contains(s.getValue());
  }

  private static String describe(Node n) {
    if (n instanceof SequenceNode s) {
      int size = s.getValue().size();
      return "a list of " + size + (size == 1 ? " value" : " values");
    }
    if (n instanceof MappingNode) {
      return "a map";
    }
    return show(((ScalarNode) n).getValue());
  }

  /** Numbers as they are, anything else in quotes. */
  private static String show(String text) {
    return NUMBER.matcher(text.trim()).matches() ? text.trim() : "\"" + text + "\"";
  }

  private static double area(List<Point> p) {
    double sum = 0;
    for (int i = 0; i < p.size(); i++) {
      Point a = p.get(i);
      Point b = p.get((i + 1) % p.size());
      sum += a.x() * b.y() - b.x() * a.y();
    }
    return sum / 2;
  }

  private static String expandHome(String path) {
    if (path == null) {
      return null;
    }
    if (path.equals("~") || path.startsWith("~/")) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }
}
