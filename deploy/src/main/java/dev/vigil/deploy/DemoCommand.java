package dev.vigil.deploy;

import dev.vigil.agent.AgentOptions;
import dev.vigil.config.PrivateFiles;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.deploy.embedded.EmbeddedMqtt;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil demo}: the whole system in one process on embedded brokers. Prints each violation
 * event as one JSON line on stdout once the MQTT broker has acknowledged it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs agent, processor and alerts in one process on an embedded Kafka (KRaft) and MQTT"
          + " broker, and prints every violation event as one JSON line on stdout.",
      "Without --source it plays Debian's opencv-doc sample vtest.avi (people walking, nobody"
          + " wears a hard hat) and, when ../shared/data/video/worker-zone-detection.mp4 exists,"
          + " that clip too (a worker wearing one), so both outcomes show.",
      "Files and image folders play at their own pace and start again when they end, as cameras"
          + " that never stop; with --exit-when-done each plays once, as fast as it can be read."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
  static final String DEFAULT_PROMPT = "How many people are not wearing a helmet?";

  @Option(
      names = "--source",
      paramLabel = "FILE|URL",
      description = "Video file, image folder, or rtsp/http URL. Repeat for more cameras.")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description = "A standing prompt. Repeatable. Default: \"" + DEFAULT_PROMPT + "\"")
  List<String> prompts = new ArrayList<>();

  @Option(
      names = "--exit-when-done",
      description = "Exit 0 once every source has ended and every frame is processed and alerted.")
  boolean exitWhenDone;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Embedded Kafka port (0 = any free port). Default: ${DEFAULT-VALUE}")
  int kafkaPort;

  @Option(
      names = "--mqtt-port",
      defaultValue = "1883",
      description = "Embedded MQTT port (0 = any free port). Default: ${DEFAULT-VALUE}")
  int mqttPort;

  @Mixin HttpOptions http;

  @Option(
      names = "--audio",
      defaultValue = "features",
      description =
          "What leaves each camera of its sound: features (level, alarm, impulse) or pcm (raw"
              + " sound, which can carry speech). Default: ${DEFAULT-VALUE}")
  String audio;

  @Option(
      names = "--fps",
      defaultValue = "5",
      description = "Frames per second sampled from each source. Default: ${DEFAULT-VALUE}")
  double fps;

  @Option(
      names = "--site",
      defaultValue = "demo",
      description = "Site name in MQTT topics. Default: ${DEFAULT-VALUE}")
  String site;

  @Option(
      names = "--data-dir",
      description = "Where brokers and state live. Default: a temporary folder, deleted on exit.")
  Path dataDir;

  @Option(
      names = "--timeout",
      defaultValue = "PT15M",
      description =
          "With --exit-when-done, give up after this long (ISO-8601). Default: ${DEFAULT-VALUE}")
  Duration timeout;

  /**
   * A clip of a worker wearing a hard hat (Intel sample video, CC BY 4.0), relative to the working
   * directory as the repository's shared data sits beside it; played next to vtest.avi when
   * present.
   */
  static final Path HELMET_SAMPLE =
      Path.of("..", "shared", "data", "video", "worker-zone-detection.mp4");

  @Option(
      names = "--vlm-url",
      paramLabel = "URL",
      description =
          "OpenAI-compatible API base of a multimodal model, such as http://127.0.0.1:11434/v1"
              + " (Ollama) or http://127.0.0.1:8080/v1 (llama.cpp server); prompts outside the"
              + " language are then asked of it. Needs --vlm-model.")
  String vlmUrl;

  @Option(
      names = "--vlm-model",
      paramLabel = "NAME",
      description = "The model name the server knows, such as qwen2.5vl:7b.")
  String vlmModel;

  @Option(
      names = "--vlm-api-key-env",
      paramLabel = "VAR",
      description = "Environment variable that holds the API key, if the server wants one.")
  String vlmKeyEnv;

  @Option(
      names = "--vlm-interval",
      defaultValue = "5",
      description = "Least seconds between two model calls per camera. Default: ${DEFAULT-VALUE}")
  double vlmInterval;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** The model endpoint of the command line, or null without --vlm-url. */
  SiteConfig.Vlm vlm() {
    if (vlmUrl == null && vlmModel == null) {
      return null;
    }
    if (vlmUrl == null || vlmModel == null || vlmModel.isBlank()) {
      throw new VigilCli.UsageException(
          "--vlm-url and --vlm-model go together: give the endpoint and the model name");
    }
    String scheme;
    String host;
    try {
      java.net.URI uri = new java.net.URI(vlmUrl);
      scheme = uri.getScheme();
      host = uri.getHost();
    } catch (java.net.URISyntaxException e) {
      scheme = null;
      host = null;
    }
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || host == null) {
      throw new VigilCli.UsageException(
          "--vlm-url "
              + dev.vigil.config.Secrets.redact(vlmUrl)
              + ": use an http:// or https:// API base such as http://127.0.0.1:11434/v1");
    }
    if (!(vlmInterval >= 0 && vlmInterval <= 86_400)) {
      throw new VigilCli.UsageException("--vlm-interval must be in [0, 86400], got " + vlmInterval);
    }
    String key = vlmKeyEnv == null ? null : System.getenv(vlmKeyEnv);
    SiteConfig.Vlm d = SiteConfig.Vlm.of(vlmUrl, vlmModel);
    return new SiteConfig.Vlm(
        vlmUrl,
        vlmModel,
        key == null || key.isBlank() ? null : key.strip(),
        vlmKeyEnv == null ? null : "environment variable " + vlmKeyEnv,
        d.timeoutS(),
        d.maxConcurrent(),
        vlmInterval,
        d.dailyBudget(),
        d.imagePx(),
        d.jpegQuality(),
        d.queueSize());
  }

  @Override
  public Integer call() throws Exception {
    if (fps <= 0 || fps > 60) {
      throw new VigilCli.UsageException("--fps must be in (0, 60], got " + fps);
    }
    List<String> sourceList =
        sources.isEmpty()
            ? defaultSources(SampleFootage.vtest(), HELMET_SAMPLE, LOG::info)
            : sources;
    for (String s : sourceList) {
      if (!s.contains("://") && !Files.exists(Path.of(s))) {
        throw new VigilCli.UsageException(
            "--source "
                + s
                + ": no such file or folder; give a video file, an image folder or a URL");
      }
    }
    var access = http.access(dev.vigil.config.HttpAccess.open());
    if (!audio.equals("features") && !audio.equals("pcm")) {
      throw new VigilCli.UsageException("--audio " + audio + ": use features or pcm");
    }
    SiteConfig.Vlm vlm = vlm();
    List<String> promptTexts = prompts.isEmpty() ? List.of(DEFAULT_PROMPT) : prompts;
    List<PromptSpec> specs = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (String text : promptTexts) {
      VigilParts.checkPrompt(text, vlm == null ? null : vlm.model());
      specs.add(new PromptSpec(unique(ids, slug(text)), text, List.of(), 60, "warning"));
    }

    boolean tempDir = dataDir == null;
    Path dir = tempDir ? Files.createTempDirectory("vigil-demo") : dataDir;
    PrivateFiles.createDirectories(dir);
    long started = System.nanoTime();
    // Outermost, so that Ctrl-C waits for the folder below to be deleted too.
    try (GracefulShutdown shutdown = new GracefulShutdown();
        Cleanup cleanup =
            () -> {
              if (tempDir) {
                VigilParts.deleteRecursively(dir);
              }
            };
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaPort, dir.resolve("kafka"));
        EmbeddedMqtt mqtt = EmbeddedMqtt.start(mqttPort)) {
      LOG.info("embedded Kafka at {}, MQTT at {}", kafka.bootstrapServers(), mqtt.url());
      SiteConfig siteConfig =
          siteConfig(kafka.bootstrapServers(), mqtt.url(), sourceList, specs).withVlm(vlm);
      try (VigilParts parts = VigilParts.open(siteConfig, dir)) {
        // The demo's prompts are those of its command line, whatever an earlier run left.
        parts.provisionAndSeed(true);
        parts.startSingleProcessor();
        int port =
            parts.startDashboard(http.host, http.port(ProcessorCommand.DEFAULT_HTTP_PORT), access);
        LOG.info(
            "dashboard at {}://{}:{}/ (metrics at /metrics)", access.scheme(), http.host, port);
        AlertsRunner alerts = parts.startAlerts(alert -> printed(alert.json(), started));
        parts.startAgent(VigilParts.DEFAULT_SPOOL_MAX_MB, agentOptions());
        if (exitWhenDone) {
          parts.awaitDrained(timeout);
          LOG.info("every source ended and every frame was processed and alerted");
          return 0;
        }
        // Dead alerts end the demo with an error rather than leave it running silent.
        AlertsCommand.awaitStopOrFailure(shutdown, alerts);
        return 0;
      }
    }
  }

  /**
   * How the demo's agent reads its files: once and as fast as possible with --exit-when-done;
   * otherwise at their own pace and from the start again each time they end, so the dashboard shows
   * cameras that stay live rather than counts that went stale seconds after start.
   */
  AgentOptions agentOptions() {
    return exitWhenDone
        ? AgentOptions.defaults()
        : AgentOptions.defaults().withRealtime(true).withLoop(true);
  }

  /**
   * The cameras of a demo without --source: the bare-headed campus and, when the clip exists, the
   * helmet-wearing worker; {@code note} hears one line when it does not.
   */
  static List<String> defaultSources(
      Path bareSample, Path helmetSample, java.util.function.Consumer<String> note) {
    if (Files.isRegularFile(helmetSample)) {
      return List.of(bareSample.toString(), helmetSample.toString());
    }
    note.accept(
        "no helmet-wearing camera: "
            + helmetSample.toAbsolutePath().normalize()
            + " not found; playing "
            + bareSample.getFileName()
            + " only");
    return List.of(bareSample.toString());
  }

  /** A cleanup step for try-with-resources, which closes resources in reverse order. */
  private interface Cleanup extends AutoCloseable {
    @Override
    void close();
  }

  private boolean first = true;

  private synchronized void printed(String json, long startedNanos) {
    if (first) {
      first = false;
      LOG.info(
          "first alert {} ms after demo start", (System.nanoTime() - startedNanos) / 1_000_000);
    }
    out.println(json);
  }

  SiteConfig siteConfig(
      String bootstrap, String mqttUrl, List<String> sourceList, List<PromptSpec> specs) {
    List<SiteConfig.Camera> cameras = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (String source : sourceList) {
      String id = unique(ids, cameraId(source));
      cameras.add(
          new SiteConfig.Camera(id, source, fps, 10, 0, 0, List.of())
              .withAudio(SiteConfig.AudioMode.valueOf(audio.toUpperCase(Locale.ROOT))));
    }
    return new SiteConfig(
        site,
        new SiteConfig.Kafka(bootstrap, Topics.DEFAULT_PREFIX, Map.of()),
        new SiteConfig.Mqtt(mqttUrl, null, "vigil-demo-" + site, null, null, null),
        new SiteConfig.Model(null, 1),
        cameras,
        specs);
  }

  static String cameraId(String source) {
    String name = source.replaceAll("[/\\\\]+$", "");
    name = name.substring(name.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    String id = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
    // Camera ids are at most 64 characters; leave room for the "-2" that keeps them unique.
    id = id.length() > 60 ? id.substring(0, 60) : id;
    return id.isEmpty() ? "camera" : id;
  }

  static String slug(String text) {
    String s =
        text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return s.length() > 48 ? s.substring(0, 48).replaceAll("-+$", "") : s;
  }

  private static String unique(Set<String> taken, String base) {
    String id = base;
    for (int i = 2; !taken.add(id); i++) {
      id = base + "-" + i;
    }
    return id;
  }
}
