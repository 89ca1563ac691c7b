package dev.vigil.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One site's configuration, as loaded from {@code site.yaml} by {@link SiteConfigLoader}.
 * Immutable.
 *
 * @param site site name, used in MQTT topics ({@code vigil/<site>/...})
 * @param kafka Kafka connection and topic prefix
 * @param mqtt MQTT connection and topic prefix
 * @param model model cache, threading and the optional site-specific detector
 * @param cameras the cameras, each with its source and zones
 * @param prompts standing prompts seeded into {@code vigil.prompts} at start
 * @param http tokens of the services' HTTP servers; none means loopback only
 * @param vlm the multimodal-model endpoint for prompts the compiler cannot compile, or null when
 *     none is configured
 */
public record SiteConfig(
    String site,
    Kafka kafka,
    Mqtt mqtt,
    Model model,
    List<Camera> cameras,
    List<PromptSpec> prompts,
    HttpAccess http,
    Vlm vlm) {

  public SiteConfig {
    cameras = cameras == null ? List.of() : List.copyOf(cameras);
    prompts = prompts == null ? List.of() : List.copyOf(prompts);
    http = http == null ? HttpAccess.open() : http;
  }

  /** This site with only {@code cameras}, such as the ones one camera host captures. */
  public SiteConfig withCameras(List<Camera> cameras) {
    return new SiteConfig(site, kafka, mqtt, model, cameras, prompts, http, vlm);
  }

  /** This site with {@code prompts} as its standing prompts. */
  public SiteConfig withPrompts(List<PromptSpec> prompts) {
    return new SiteConfig(site, kafka, mqtt, model, cameras, prompts, http, vlm);
  }

  /** This site with {@code vlm} as its multimodal-model endpoint (null for none). */
  public SiteConfig withVlm(Vlm vlm) {
    return new SiteConfig(site, kafka, mqtt, model, cameras, prompts, http, vlm);
  }

  /** A site whose HTTP servers have no tokens (loopback only), with no multimodal model. */
  public SiteConfig(
      String site,
      Kafka kafka,
      Mqtt mqtt,
      Model model,
      List<Camera> cameras,
      List<PromptSpec> prompts) {
    this(site, kafka, mqtt, model, cameras, prompts, HttpAccess.open(), null);
  }

  public Topics topics() {
    return new Topics(kafka.topicPrefix());
  }

  /** The camera with this id, or null. */
  public Camera camera(String id) {
    return cameras.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  /**
   * Kafka connection.
   *
   * @param bootstrapServers comma-separated host:port list
   * @param topicPrefix prefix of every topic name, default {@code vigil.}
   * @param properties extra client properties (security.protocol, sasl.*, ...), passed through
   * @param partitions partitions of the per-camera topics Vigil creates; at most this many
   *     processor threads share the work
   */
  public record Kafka(
      String bootstrapServers, String topicPrefix, Map<String, String> properties, int partitions) {
    public static final int DEFAULT_PARTITIONS = (int) SiteSchema.defaultNumber("kafka.partitions");

    public Kafka {
      topicPrefix = topicPrefix == null ? Topics.DEFAULT_PREFIX : topicPrefix;
      properties = properties == null ? Map.of() : Map.copyOf(properties);
      partitions = partitions <= 0 ? DEFAULT_PARTITIONS : partitions;
    }

    /** With {@link #DEFAULT_PARTITIONS}. */
    public Kafka(String bootstrapServers, String topicPrefix, Map<String, String> properties) {
      this(bootstrapServers, topicPrefix, properties, DEFAULT_PARTITIONS);
    }

    /** Hides secrets: see {@link Secrets#maskProperties}. */
    @Override
    public String toString() {
      return "Kafka[bootstrapServers=%s, topicPrefix=%s, properties=%s, partitions=%s]"
          .formatted(bootstrapServers, topicPrefix, Secrets.maskProperties(properties), partitions);
    }
  }

  /**
   * MQTT connection.
   *
   * @param url broker URL, {@code tcp://host:1883} or {@code ssl://host:8883}
   * @param topicPrefix prefix of every topic, default {@code vigil/<site>/}
   * @param clientId MQTT client id; must be stable for the persistent session to resume
   * @param username user name, or null
   * @param password password, or null
   * @param caFile PEM file of the CA that signed the broker's certificate, for {@code ssl://}
   * @param certFile PEM client certificate (then its chain) for brokers that require one, or null
   * @param keyFile PEM private key of {@code certFile}, unencrypted, or null
   * @param homeAssistant publish Home Assistant MQTT discovery configs for every camera and prompt
   * @param fileProblems what is wrong with {@code password_file}, {@code cert_file} or {@code
   *     key_file}, one config error each; only the alerts service needs those files, so it alone
   *     fails on them ({@link #requireFiles}), and camera hosts need not hold the MQTT secrets
   */
  public record Mqtt(
      String url,
      String topicPrefix,
      String clientId,
      String username,
      String password,
      String caFile,
      String certFile,
      String keyFile,
      boolean homeAssistant,
      List<String> fileProblems) {

    public Mqtt {
      fileProblems = fileProblems == null ? List.of() : List.copyOf(fileProblems);
    }

    /**
     * Returns this when the secret and certificate files could be read at load.
     *
     * @throws SiteConfigException listing each problem with file, line, path and fix
     */
    public Mqtt requireFiles() {
      if (!fileProblems.isEmpty()) {
        throw new SiteConfigException(fileProblems);
      }
      return this;
    }

    /** Without a client certificate or Home Assistant discovery. */
    public Mqtt(
        String url,
        String topicPrefix,
        String clientId,
        String username,
        String password,
        String caFile) {
      this(url, topicPrefix, clientId, username, password, caFile, null, null, false, List.of());
    }

    /** Hides the password, so logging the config does not leak it. */
    @Override
    public String toString() {
      return ("Mqtt[url=%s, topicPrefix=%s, clientId=%s, username=%s, password=%s, caFile=%s,"
              + " certFile=%s, keyFile=%s, homeAssistant=%s]")
          .formatted(
              url,
              topicPrefix,
              clientId,
              username,
              password == null ? null : "***",
              caFile,
              certFile,
              keyFile,
              homeAssistant);
    }
  }

  /**
   * An OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp's server, vLLM, LocalAI,
   * OpenAI, Gemini's compatible endpoint) that answers the prompts the compiler cannot compile.
   *
   * @param baseUrl the API base, such as {@code http://127.0.0.1:11434/v1}; requests go to {@code
   *     <baseUrl>/chat/completions}
   * @param model the model name the server knows, such as {@code qwen2.5vl:7b}
   * @param apiKey the bearer token, or null to send none
   * @param apiKeySource where the key comes from, for messages ({@code env OPENAI_API_KEY} or
   *     {@code file /run/secrets/vlm}), or null
   * @param timeoutS seconds a call may take before its answer is {@code unknown}
   * @param maxConcurrent calls in flight at once
   * @param minIntervalS least seconds between two calls for one camera
   * @param dailyBudget calls per UTC day across all cameras; later requests are skipped and counted
   * @param imagePx the long side, in pixels, the frame is scaled down to before it is sent
   * @param jpegQuality JPEG quality of the image sent, 1..100
   * @param queueSize requests waiting for a free call; when full the oldest is dropped and counted
   */
  public record Vlm(
      String baseUrl,
      String model,
      String apiKey,
      String apiKeySource,
      double timeoutS,
      int maxConcurrent,
      double minIntervalS,
      int dailyBudget,
      int imagePx,
      int jpegQuality,
      int queueSize) {
    public static final double DEFAULT_TIMEOUT_S = SiteSchema.defaultNumber("vlm.timeout_s");
    public static final int DEFAULT_MAX_CONCURRENT =
        (int) SiteSchema.defaultNumber("vlm.max_concurrent");
    public static final double DEFAULT_MIN_INTERVAL_S =
        SiteSchema.defaultNumber("vlm.min_interval_s");
    public static final int DEFAULT_DAILY_BUDGET =
        (int) SiteSchema.defaultNumber("vlm.daily_budget");
    public static final int DEFAULT_IMAGE_PX = (int) SiteSchema.defaultNumber("vlm.image_px");
    public static final int DEFAULT_JPEG_QUALITY =
        (int) SiteSchema.defaultNumber("vlm.jpeg_quality");
    public static final int DEFAULT_QUEUE_SIZE = (int) SiteSchema.defaultNumber("vlm.queue_size");

    /** An endpoint with every other setting at its default and no API key. */
    public static Vlm of(String baseUrl, String model) {
      return new Vlm(
          baseUrl,
          model,
          null,
          null,
          DEFAULT_TIMEOUT_S,
          DEFAULT_MAX_CONCURRENT,
          DEFAULT_MIN_INTERVAL_S,
          DEFAULT_DAILY_BUDGET,
          DEFAULT_IMAGE_PX,
          DEFAULT_JPEG_QUALITY,
          DEFAULT_QUEUE_SIZE);
    }

    /** This endpoint with {@code minIntervalS} between two calls of a camera. */
    public Vlm withMinIntervalS(double minIntervalS) {
      return with(timeoutS, minIntervalS);
    }

    /** This endpoint with {@code timeoutS} per call. */
    public Vlm withTimeoutS(double timeoutS) {
      return with(timeoutS, minIntervalS);
    }

    private Vlm with(double timeoutS, double minIntervalS) {
      return new Vlm(
          baseUrl,
          model,
          apiKey,
          apiKeySource,
          timeoutS,
          maxConcurrent,
          minIntervalS,
          dailyBudget,
          imagePx,
          jpegQuality,
          queueSize);
    }

    /** Never shows the API key. */
    @Override
    public String toString() {
      return ("Vlm[baseUrl=%s, model=%s, apiKey=%s, timeoutS=%s, maxConcurrent=%s,"
              + " minIntervalS=%s, dailyBudget=%s, imagePx=%s, jpegQuality=%s, queueSize=%s]")
          .formatted(
              Secrets.redact(baseUrl),
              model,
              apiKey == null ? null : "***",
              timeoutS,
              maxConcurrent,
              minIntervalS,
              dailyBudget,
              imagePx,
              jpegQuality,
              queueSize);
    }
  }

  /**
   * Model settings.
   *
   * @param cacheDir where downloaded models are cached, default {@code ~/.cache/vigil/models}
   * @param intraOpThreads TensorFlow intra-op threads (process-wide)
   * @param detector the site's own detector, or null for the built-in person and helmet models
   */
  public record Model(String cacheDir, int intraOpThreads, Detector detector) {

    /** Model settings with the built-in detector. */
    public Model(String cacheDir, int intraOpThreads) {
      this(cacheDir, intraOpThreads, null);
    }
  }

  /**
   * A site's own object detector: a TensorFlow SavedModel with the TF Object Detection API
   * signature ({@code detection_boxes}, {@code detection_classes}, {@code detection_scores}, {@code
   * num_detections}) whose class ids are mapped to what Vigil looks for.
   *
   * @param savedModel the folder that holds {@code saved_model.pb}, home-expanded
   * @param signature the signature to run, default {@code serving_default}
   * @param input the element type of the {@code [1, H, W, 3]} RGB input, default uint8
   * @param inputSize long side in pixels the frame is resized to before it is fed, keeping the
   *     aspect ratio; 0 feeds the frame as it is (the default)
   * @param minScore detections scoring below this are dropped, in [0, 1], default 0.5
   * @param classes the role of each class id; ids not listed are ignored. At least one id is a
   *     person or a head.
   */
  public record Detector(
      String savedModel,
      String signature,
      Input input,
      int inputSize,
      double minScore,
      Map<Integer, Role> classes) {

    /** Default signature key of a SavedModel. */
    public static final String DEFAULT_SIGNATURE =
        SiteSchema.defaultText("model.detector.signature");

    /** Default minimum detection score. */
    public static final double DEFAULT_MIN_SCORE =
        SiteSchema.defaultNumber("model.detector.min_score");

    public Detector {
      signature = signature == null ? DEFAULT_SIGNATURE : signature;
      input = input == null ? Input.UINT8 : input;
      classes =
          classes == null
              ? Map.of()
              : Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(classes)));
    }

    /** The element type the model takes its image in. */
    public enum Input implements YamlNamed {
      /** Bytes 0..255. */
      UINT8,
      /** Floats 0..255 (not rescaled). */
      FLOAT32;
    }

    /** What a class id of the detector stands for. */
    public enum Role implements YamlNamed {
      /** A whole person: becomes a {@link Person}. */
      PERSON,
      /** A bare head: the head of a person who wears no helmet. */
      HEAD,
      /** A head with a hard hat: the head of a person who wears a helmet. */
      HELMET,
      /** Anything else the model finds: dropped. */
      IGNORE;
    }
  }

  /**
   * One camera.
   *
   * @param id camera id, used as Kafka key and in MQTT topics
   * @param source file path, image folder, or rtsp/http(s) URL
   * @param fps target sampling rate
   * @param keyframeIntervalS send a frame at least this often even when nothing moves
   * @param motionThreshold fraction of changed pixels (0..1) below which a frame is skipped; 0
   *     disables the gate
   * @param audioCalibrationDb offset from dBFS to dB SPL for this camera's microphone
   * @param offlineAfterS seconds without frames (processor wall clock) after which the camera is
   *     offline and its open violations resolve
   * @param maxFutureS how far ahead of the processor's wall clock a record may be stamped; later
   *     stamps are dead-lettered, so one bad clock cannot push a camera's rules into the future
   * @param minHeadPx heads smaller than this (pixels, long side) are not judged for a helmet; 0
   *     takes the model's default
   * @param audio what leaves the camera host of its sound: features (level, alarm, impulse; the
   *     default) or raw PCM (opt-in: it can carry speech)
   * @param zones named polygons in normalised coordinates
   */
  public record Camera(
      String id,
      String source,
      double fps,
      double keyframeIntervalS,
      double motionThreshold,
      double audioCalibrationDb,
      double offlineAfterS,
      double maxFutureS,
      int minHeadPx,
      AudioMode audio,
      List<Zone> zones) {
    public static final double DEFAULT_OFFLINE_AFTER_S =
        SiteSchema.defaultNumber("cameras[].offline_after_s");
    public static final double DEFAULT_MAX_FUTURE_S =
        SiteSchema.defaultNumber("cameras[].max_future_s");

    public Camera {
      zones = zones == null ? List.of() : List.copyOf(zones);
      audio = audio == null ? AudioMode.FEATURES : audio;
    }

    /** A camera with the default offline and clock-skew bounds. */
    public Camera(
        String id,
        String source,
        double fps,
        double keyframeIntervalS,
        double motionThreshold,
        double audioCalibrationDb,
        List<Zone> zones) {
      this(
          id,
          source,
          fps,
          keyframeIntervalS,
          motionThreshold,
          audioCalibrationDb,
          DEFAULT_OFFLINE_AFTER_S,
          DEFAULT_MAX_FUTURE_S,
          0,
          AudioMode.FEATURES,
          zones);
    }

    /** This camera with {@code audio} as its audio mode. */
    public Camera withAudio(AudioMode audio) {
      return new Camera(
          id,
          source,
          fps,
          keyframeIntervalS,
          motionThreshold,
          audioCalibrationDb,
          offlineAfterS,
          maxFutureS,
          minHeadPx,
          audio,
          zones);
    }

    /** Never shows a password in the source URL. */
    @Override
    public String toString() {
      return "Camera[id=%s, source=%s, fps=%s, zones=%s]"
          .formatted(id, Secrets.redact(source), fps, zones.size());
    }

    /** The defaults for a camera that sends records but is not in site.yaml. */
    public static Camera unlisted(String id) {
      return new Camera(id, null, DEFAULT_FPS, 10, 0, 0, List.of());
    }

    private static final double DEFAULT_FPS = SiteSchema.defaultNumber("cameras[].fps");
  }

  /** What of a camera's sound leaves its host. */
  public enum AudioMode implements YamlNamed {
    /** Per-second level in dB(A), alarm and impulse, computed on the camera host. */
    FEATURES,
    /** Raw 16 kHz PCM: opt-in, as it can carry speech. */
    PCM;
  }

  /**
   * A named zone of one camera.
   *
   * @param name zone name, used in prompts ("in zone assembly")
   * @param polygon vertices in normalised coordinates, at least three
   */
  public record Zone(String name, List<Point> polygon) {
    public Zone {
      polygon = polygon == null ? List.of() : List.copyOf(polygon);
    }
  }
}
