package dev.vigil.deploy.drill;

import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Runs the reference and the drills on one {@link Plant}, one after the other. */
final class DrillRunner {
  static final double FPS = 2;

  /** The standing prompts: id and text. Both open and resolve on the footage; cooldown 0. */
  static final String[][] PROMPTS = {
    {"people", "How many people are in view?"},
    {"people-10s", "Is anyone in view for 10 seconds?"}
  };

  /** Every drill, in the order they run. */
  static final List<String> DRILLS =
      List.of(
          "broker-kill",
          "processor-kill",
          "mqtt-restart",
          "poison",
          "agent-offline",
          "clock-skew",
          "camera-drop");

  /** Seconds after the agent is ready at which a fault is injected. */
  static final long FAULT_AT_S = 12;

  static final long SETTLE_MS = 5_000;

  /** How long camera-drop's network camera is unreachable. */
  static final long DROP_MS = 20_000;

  /** The dropped camera's offline_after_s: below the drop, so it goes offline and comes back. */
  static final int DROP_OFFLINE_AFTER_S = 10;

  /** The role of the camera that camera-drop serves as a network stream and cuts. */
  static final String DROP_ROLE = "a";

  /**
   * The longest for-duration of the drill's prompts: episodes starting this soon after the dropped
   * camera returns depend on where the drop cut them, so they are not compared.
   */
  private static final long LONGEST_FOR_MS = 10_000;

  static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
  private static final long MATCH_TOLERANCE_MS = 300;
  private static final List<String> STATES = List.of("open", "resolved");

  /** A clip of the footage: camera role, start and end in the video. */
  record Clip(String role, double fromS, double toS, Path folder, int frames) {}

  /**
   * An episode event identified across runs: camera role, prompt, state, start offset; and the
   * offset at which the event was due (the record's event time), which the matching ignores.
   */
  record Key(String role, String prompt, String state, long offsetMs, long dueOffsetMs) {}

  /** camera-drop's cut: the camera, when its network went and came back (wall clock, ms). */
  private record Drop(Plant.Camera camera, MjpegCamera stream, long cutMs, long restoredMs) {}

  /** (id/state) of resolves for camera_offline: due offline_after_s after the last frame. */
  private final Set<String> offlineResolves = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Plant plant;
  private final List<Clip> clips;
  private List<Key> reference;
  private String referenceNote = "";

  DrillRunner(Plant plant, List<Clip> clips) {
    this.plant = plant;
    this.clips = clips;
  }

  /** The cameras of a run: {@code <run>-<role>} for each clip. */
  static List<Plant.Camera> cameras(String run, List<Clip> clips) {
    List<Plant.Camera> cams = new ArrayList<>();
    for (Clip c : clips) {
      Plant.Camera cam = new Plant.Camera(run + "-" + c.role(), c.folder());
      if (run.equals("camera-drop") && c.role().equals(DROP_ROLE)) {
        cam = new Plant.Camera(cam.id(), cam.source(), DROP_OFFLINE_AFTER_S);
      }
      cams.add(cam);
    }
    return cams;
  }

  DrillResult reference() throws IOException {
    DrillResult r = run("reference", Map.of());
    return r;
  }

  /** Whether a drill follows the current one (the plant must be whole again for it). */
  private boolean more = true;

  DrillResult drill(String name, boolean last) throws IOException {
    more = !last;
    return drill(name);
  }

  DrillResult drill(String name) throws IOException {
    return switch (name) {
      case "clock-skew" -> run(name, Map.of("a", -5_000L, "b", 3_000L));
      default -> run(name, Map.of());
    };
  }

  private DrillResult run(String name, Map<String, Long> skews) throws IOException {
    List<Plant.Camera> cams = cameras(name, clips);
    Plant.log("%s: starting (%d camera(s) at %.0f fps)", name, cams.size(), FPS);
    long started = System.currentTimeMillis();
    List<Child> agents = new ArrayList<>();
    StringBuilder note = new StringBuilder();
    boolean extraOk = true;
    MjpegCamera stream = null;
    TcpProxy network = null;
    drop = null;
    try {
      if (name.equals("camera-drop")) {
        int i = roleIndex(DROP_ROLE);
        stream = new MjpegCamera(clips.get(i).folder(), FPS);
        network = new TcpProxy(stream.port());
        List<Plant.Camera> sources = new ArrayList<>(cams);
        sources.set(
            i, cams.get(i).withSource("http://127.0.0.1:" + network.port() + "/stream.mjpg"));
        agents.add(plant.startAgent(name, sources, 0));
      } else if (skews.isEmpty()) {
        agents.add(plant.startAgent(name, cams, 0));
      } else {
        for (int i = 0; i < cams.size(); i++) {
          long skew = skews.getOrDefault(clips.get(i).role(), 0L);
          agents.add(
              plant.startAgent(name + "-" + clips.get(i).role(), List.of(cams.get(i)), skew));
        }
        note.append("camera clocks shifted ").append(skews).append(" ms; ");
      }
      long agentReady = System.currentTimeMillis();
      Plant.log("%s: agent ready after %d ms", name, agentReady - started);
      switch (name) {
        case "broker-kill" -> note.append(brokerKill(agentReady));
        case "processor-kill" -> note.append(processorKill(agentReady, name));
        case "mqtt-restart" -> note.append(mqttRestart(agentReady));
        case "agent-offline" -> note.append(agentOffline(agentReady));
        case "camera-drop" -> note.append(cameraDrop(agentReady, cams, stream, network));
        case "poison" -> {
          PoisonCheck p = poison(agentReady, name);
          note.append(p.note);
          extraOk = p.ok;
        }
        default -> {
          // the reference and clock-skew inject nothing here
        }
      }
      boolean complete = awaitComplete(name, cams, started + RUN_TIMEOUT.toMillis());
      if (!complete) {
        note.append("timed out after ").append(RUN_TIMEOUT.toSeconds()).append(" s; ");
      }
      KafkaCluster.pause(SETTLE_MS);
      if (drop != null) {
        DropCheck d = dropCheck();
        note.append(d.note());
        extraOk = d.ok();
      }
    } finally {
      for (Child a : agents) {
        plant.stopAgent(a);
      }
      if (network != null) {
        network.close();
      }
      if (stream != null) {
        stream.close();
      }
    }
    DrillResult result = measure(name, cams, skews, started, note.toString(), extraOk);
    Plant.log(
        "%s: expected %d, delivered %d, lost %d, duplicate ids %d, unexpected %d, shifted %d, max"
            + " delay %d ms, gap %d ms%s",
        name,
        result.expected(),
        result.delivered(),
        result.lost(),
        result.duplicateIds(),
        result.unexpected(),
        result.shifted(),
        result.maxDelayMs(),
        result.gapMs(),
        result.note().isEmpty() ? "" : " (" + result.note() + ")");
    recover(name);
    return result;
  }

  // ---- faults

  private static void until(long atMs) {
    long wait = atMs - System.currentTimeMillis();
    if (wait > 0) {
      KafkaCluster.pause(wait);
    }
  }

  private String brokerKill(long agentReady) {
    String group = "vigil-" + Plant.SITE + "-processor";
    int victim = plant.kafka().coordinatorOf(group);
    until(agentReady + FAULT_AT_S * 1000);
    long t = System.currentTimeMillis();
    plant.kafka().broker(victim).kill9();
    Plant.log("broker-kill: killed broker %d (coordinator of %s) with SIGKILL", victim, group);
    until(t + 20_000);
    plant.kafka().broker(victim).start();
    Plant.log("broker-kill: broker %d started again", victim);
    return "kill -9 broker " + victim + " (the processors' group coordinator) for 20 s; ";
  }

  private int killedProcessor = -1;

  private String processorKill(long agentReady, String run) {
    until(agentReady + FAULT_AT_S * 1000);
    int victim = 0;
    double best = -1;
    for (int i = 0; i < plant.processorCount(); i++) {
      double frames = plant.framesIn(i, run + "-");
      if (frames > best) {
        best = frames;
        victim = i;
      }
    }
    plant.processor(victim).kill9();
    killedProcessor = victim;
    Plant.log(
        "processor-kill: killed processor %d (it had processed %.0f frames of this run)",
        victim + 1, best);
    return "kill -9 processor " + (victim + 1) + " (the one processing this run's cameras); ";
  }

  private String mqttRestart(long agentReady) {
    until(agentReady + FAULT_AT_S * 1000);
    long t = System.currentTimeMillis();
    plant.mqtt().stop();
    Plant.log("mqtt-restart: mosquitto stopped");
    until(t + 15_000);
    plant.mqtt().start();
    Plant.log("mqtt-restart: mosquitto started again");
    return "mosquitto stopped (SIGTERM) for 15 s; ";
  }

  private String agentOffline(long agentReady) {
    until(agentReady + FAULT_AT_S * 1000);
    long t = System.currentTimeMillis();
    plant.kafka().cutEdge();
    Plant.log("agent-offline: the agent's connections to Kafka cut");
    until(t + 60_000);
    plant.kafka().restoreEdge();
    Plant.log("agent-offline: the agent's connections to Kafka restored");
    return "agent cut off from all 3 brokers for 60 s (TCP proxy); ";
  }

  private Drop drop;

  private String cameraDrop(
      long agentReady, List<Plant.Camera> cams, MjpegCamera stream, TcpProxy network) {
    until(agentReady + FAULT_AT_S * 1000);
    long cut = System.currentTimeMillis();
    network.cut();
    Plant.log("camera-drop: the network to camera %s cut", DROP_ROLE);
    until(cut + DROP_MS);
    network.restore();
    drop = new Drop(cams.get(roleIndex(DROP_ROLE)), stream, cut, System.currentTimeMillis());
    Plant.log("camera-drop: the network to camera %s restored", DROP_ROLE);
    return "HTTP MJPEG camera "
        + DROP_ROLE
        + " unreachable for "
        + DROP_MS / 1000
        + " s (offline_after_s "
        + DROP_OFFLINE_AFTER_S
        + "); ";
  }

  private record DropCheck(boolean ok, String note) {}

  /**
   * After camera-drop: the camera went offline during the drop and online after it (on
   * vigil.camera-status), and its frames came again.
   */
  private DropCheck dropCheck() {
    String id = drop.camera().id();
    long offline = -1;
    long online = -1;
    for (KafkaTap.Status st : plant.kafkaTap().cameraStatus()) {
      if (!st.camera().equals(id) || st.readMs() < drop.cutMs()) {
        continue;
      }
      if (st.availability().equals("offline") && offline < 0) {
        offline = st.readMs();
      } else if (st.availability().equals("online") && offline >= 0 && online < 0) {
        online = st.readMs();
      }
    }
    Long back = returned();
    boolean ok = offline >= 0 && online >= 0 && back != null;
    return new DropCheck(
        ok,
        (offline < 0 ? "never went offline" : "offline after " + (offline - drop.cutMs()) + " ms")
            + ", "
            + (online < 0
                ? "never online again"
                : "online again " + (online - drop.cutMs()) + " ms")
            + " after the cut, "
            + (back == null
                ? "no frame after the drop"
                : "first frame " + (back - drop.restoredMs()) + " ms after the network came back")
            + "; ");
  }

  /** The first frame time of the dropped camera after its network came back, or null. */
  private Long returned() {
    return plant.kafkaTap().observations().stream()
        .filter(o -> o.camera().equals(drop.camera().id()) && o.timestamp() >= drop.restoredMs())
        .map(KafkaTap.Obs::timestamp)
        .min(Long::compare)
        .orElse(null);
  }

  private int roleIndex(String role) {
    for (int i = 0; i < clips.size(); i++) {
      if (clips.get(i).role().equals(role)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no clip with role " + role);
  }

  private record PoisonCheck(boolean ok, String note) {}

  private PoisonCheck poison(long agentReady, String run) throws IOException {
    until(agentReady + FAULT_AT_S * 1000);
    Topics topics = Topics.defaults();
    byte[] jpeg = Files.readAllBytes(clips.get(0).folder().resolve("frame-00000.jpg"));
    byte[] garbage = new byte[4096];
    ThreadLocalRandom.current().nextBytes(garbage);
    String a = run + "-a";
    String b = run + "-b";
    long now = System.currentTimeMillis();
    List<ProducerRecord<String, byte[]>> bad = new ArrayList<>();
    bad.add(frame(topics, run, a, garbage, now, a, "1")); // not a JPEG
    bad.add(frame(topics, run, a, new byte[0], now, a, "2")); // empty
    bad.add(frame(topics, run, b, jpeg, now, a, "3")); // vigil.camera header differs from the key
    bad.add(frame(topics, run, "bad camera id!", jpeg, now, null, "4")); // invalid camera id
    bad.add(frame(topics, run, b, jpeg, now + 3_600_000, b, "5")); // an hour in the future
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, plant.kafka().bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    List<String> badPrompts = List.of("poison-unknown-word", "poison-malformed");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : bad) {
        producer.send(r).get();
      }
      producer
          .send(
              new ProducerRecord<>(
                  topics.prompts(),
                  badPrompts.get(0),
                  Json.toBytes(
                      new PromptSpec(
                          badPrompts.get(0),
                          "How many forklifts are in view?",
                          List.of(),
                          0,
                          "warning"))))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topics.prompts(),
                  badPrompts.get(1),
                  "{\"id\":\"poison-malformed\",\"text\":".getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new DrillException("poison: cannot produce the bad records: " + e, e);
    }
    Plant.log("poison: produced %d bad frames and %d bad prompts", bad.size(), badPrompts.size());
    // Positive signals: every bad frame in vigil.dlq, both prompts rejected on vigil.prompt-status.
    long deadline = System.currentTimeMillis() + 90_000;
    Set<String> dead = new HashSet<>();
    int rejected = 0;
    while (System.currentTimeMillis() < deadline) {
      dead.clear();
      for (KafkaTap.DeadLetter d : plant.kafkaTap().deadLetters()) {
        if (d.poison() != null && d.poison().startsWith(run + "/")) {
          dead.add(d.poison() + "=" + d.code());
        }
      }
      rejected = 0;
      for (String id : badPrompts) {
        String status = plant.kafkaTap().promptStatus(id);
        if (status != null && status.contains("\"rejected\"")) {
          rejected++;
        }
      }
      if (dead.size() >= bad.size() && rejected == badPrompts.size()) {
        break;
      }
      KafkaCluster.pause(500);
    }
    // Leave no bad prompt behind for the next drills.
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (String id : badPrompts) {
        producer.send(new ProducerRecord<>(topics.prompts(), id, null)).get();
      }
    } catch (Exception e) {
      throw new DrillException("poison: cannot remove the bad prompts: " + e, e);
    }
    boolean ok = dead.size() >= bad.size() && rejected == badPrompts.size();
    return new PoisonCheck(
        ok,
        bad.size()
            + " bad frames (not a JPEG, empty, header differs from key, invalid camera id, 1 h in"
            + " the future): "
            + dead.size()
            + " in vigil.dlq "
            + new java.util.TreeSet<>(dead)
            + "; "
            + badPrompts.size()
            + " bad prompts (unknown word, malformed JSON): "
            + rejected
            + " rejected on vigil.prompt-status; ");
  }

  private static ProducerRecord<String, byte[]> frame(
      Topics topics,
      String run,
      String key,
      byte[] value,
      long ts,
      String cameraHeader,
      String poisonId) {
    RecordHeaders h = new RecordHeaders();
    if (cameraHeader != null) {
      VigilHeaders.put(h, VigilHeaders.CAMERA, cameraHeader);
    }
    VigilHeaders.put(h, VigilHeaders.SEQ, 1_000_000L + Long.parseLong(poisonId));
    VigilHeaders.put(h, VigilHeaders.SCHEMA, VigilHeaders.SCHEMA_VERSION);
    h.add(KafkaTap.POISON_HEADER, (run + "/" + poisonId).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topics.frames(), null, ts, key, value, h);
  }

  /** After a drill: the plant is whole again before the next one starts. */
  private void recover(String name) {
    if (!more) {
      plant.requireAlive();
      return;
    }
    if (killedProcessor >= 0) {
      Plant.log("%s: restarting processor %d", name, killedProcessor + 1);
      plant.restartProcessor(killedProcessor);
      killedProcessor = -1;
    }
    plant.kafka().awaitHealthy(Plant.READY);
    plant.requireAlive();
  }

  // ---- completion and figures

  private boolean awaitComplete(String run, List<Plant.Camera> cams, long deadlineMs) {
    while (System.currentTimeMillis() < deadlineMs) {
      plant.requireAlive();
      if (complete(run, cams)) {
        return true;
      }
      KafkaCluster.pause(500);
    }
    return false;
  }

  /**
   * Every camera's last frame observed, every open resolved, and (after the reference) every
   * expected event delivered.
   */
  private boolean complete(String run, List<Plant.Camera> cams) {
    Map<String, long[]> span = spans(cams);
    for (int i = 0; i < cams.size(); i++) {
      long[] s = span.get(cams.get(i).id());
      long clipMs = Math.round((clips.get(i).frames() - 1) * 1000 / FPS);
      if (s == null) {
        return false;
      }
      boolean live = drop != null && drop.camera().id().equals(cams.get(i).id());
      // A live stream's first frame comes when the agent has connected, not at its origin.
      boolean ended =
          live
              ? drop.stream().lastServedMs() > 0
                  && s[1] >= drop.stream().lastServedMs() - 2 * Math.round(1000 / FPS)
              : s[1] - s[0] >= clipMs;
      if (!ended) {
        return false;
      }
    }
    Set<String> open = new HashSet<>();
    Set<String> resolved = new HashSet<>();
    for (MqttTap.Event e : events(cams)) {
      (e.state().equals("open") ? open : resolved).add(e.id());
    }
    if (!resolved.containsAll(open)) {
      return false;
    }
    if (reference == null) {
      return !open.isEmpty();
    }
    return match(expected(cams), keys(run, cams, Map.of())).lost() == 0;
  }

  /** First and last observation timestamps per camera. */
  private Map<String, long[]> spans(List<Plant.Camera> cams) {
    Set<String> ids = new HashSet<>();
    cams.forEach(c -> ids.add(c.id()));
    Map<String, long[]> span = new HashMap<>();
    for (KafkaTap.Obs o : plant.kafkaTap().observations()) {
      if (ids.contains(o.camera())) {
        span.merge(
            o.camera(),
            new long[] {o.timestamp(), o.timestamp()},
            (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
      }
    }
    return span;
  }

  private List<MqttTap.Event> events(List<Plant.Camera> cams) {
    Set<String> ids = new HashSet<>();
    cams.forEach(c -> ids.add(c.id()));
    return plant.mqttTap().events().stream()
        .filter(e -> ids.contains(e.camera()) && STATES.contains(e.state()))
        .toList();
  }

  /** Distinct delivered events as keys, with their first receipt, by id/state. */
  private Map<String, Key> keys(String run, List<Plant.Camera> cams, Map<String, Long> firstSeen) {
    Map<String, long[]> span = spans(cams);
    Map<String, Key> keys = new LinkedHashMap<>();
    for (MqttTap.Event e : events(cams)) {
      String idState = e.id() + "/" + e.state();
      if (keys.containsKey(idState)) {
        continue;
      }
      long[] s = span.get(e.camera());
      long offset = s == null ? Long.MIN_VALUE : e.started() - s[0];
      Long due = plant.kafkaTap().violationTime(e.id(), e.state());
      long dueOffset = s == null || due == null ? offset : due - s[0];
      String role = e.camera().substring(run.length() + 1);
      keys.put(idState, new Key(role, e.prompt(), e.state(), offset, dueOffset));
      if (firstSeen instanceof HashMap<String, Long> m) {
        m.put(idState, e.receivedMs());
      }
      if ("camera_offline".equals(e.reason())) {
        offlineResolves.add(idState);
      }
    }
    return keys;
  }

  /**
   * Figures of a run against the reference, matching episodes in order per camera, prompt, state.
   */
  record Match(int lost, int unexpected, int shifted) {}

  /**
   * The i-th expected event of a camera role, prompt and state is matched with the i-th delivered
   * one (episodes in order of their start). Lost: expected events with no counterpart; unexpected:
   * delivered events beyond the expected count; shifted: matched pairs whose episode start differs
   * from the reference by more than the tolerance (the alert came, with another start and so
   * another id).
   */
  private Match match(List<Key> expected, Map<String, Key> delivered) {
    Map<String, List<Long>> want = new HashMap<>();
    Map<String, List<Long>> got = new HashMap<>();
    for (Key k : expected) {
      want.computeIfAbsent(group(k), x -> new ArrayList<>()).add(k.offsetMs());
    }
    for (Key k : delivered.values()) {
      got.computeIfAbsent(group(k), x -> new ArrayList<>()).add(k.offsetMs());
    }
    int lost = 0;
    int unexpected = 0;
    int shifted = 0;
    Set<String> groups = new HashSet<>(want.keySet());
    groups.addAll(got.keySet());
    for (String g : groups) {
      List<Long> w = new ArrayList<>(want.getOrDefault(g, List.of()));
      List<Long> d = new ArrayList<>(got.getOrDefault(g, List.of()));
      w.sort(null);
      d.sort(null);
      int n = Math.min(w.size(), d.size());
      lost += w.size() - n;
      unexpected += d.size() - n;
      for (int i = 0; i < n; i++) {
        if (Math.abs(w.get(i) - d.get(i)) > MATCH_TOLERANCE_MS) {
          shifted++;
        }
      }
    }
    return new Match(lost, unexpected, shifted);
  }

  /**
   * The reference events this run must deliver. After camera-drop, the dropped camera owes every
   * episode that opened before the drop (its open and its resolve, by frames or camera_offline) and
   * every episode that starts well after it came back; the episodes in between depend on where the
   * drop cut them.
   */
  private List<Key> expected(List<Plant.Camera> cams) {
    if (drop == null) {
      return reference;
    }
    long[] s = spans(cams).get(drop.camera().id());
    Long back = returned();
    if (s == null) {
      return reference;
    }
    long cut = drop.cutMs() - s[0];
    long comparable = back == null ? Long.MAX_VALUE : back - s[0] + LONGEST_FOR_MS + 2_000;
    Set<String> openedBefore = new HashSet<>();
    for (Key k : reference) {
      if (k.role().equals(DROP_ROLE) && k.state().equals("open") && k.dueOffsetMs() < cut) {
        openedBefore.add(k.prompt() + "@" + k.offsetMs());
      }
    }
    return reference.stream()
        .filter(
            k ->
                !k.role().equals(DROP_ROLE)
                    || openedBefore.contains(k.prompt() + "@" + k.offsetMs())
                    || k.offsetMs() > comparable)
        .toList();
  }

  private static Plant.Camera camera(List<Plant.Camera> cams, String id) {
    return cams.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  private static String group(Key k) {
    return k.role() + "/" + k.prompt() + "/" + k.state();
  }

  private DrillResult measure(
      String run,
      List<Plant.Camera> cams,
      Map<String, Long> skews,
      long startedMs,
      String note,
      boolean extraOk) {
    HashMap<String, Long> firstSeen = new HashMap<>();
    Map<String, Key> delivered = keys(run, cams, firstSeen);
    List<MqttTap.Event> all = events(cams);
    int duplicates = all.size() - delivered.size();
    long maxDelay = 0;
    for (Map.Entry<String, Long> e : firstSeen.entrySet()) {
      int slash = e.getKey().lastIndexOf('/');
      Long due =
          plant
              .kafkaTap()
              .violationTime(e.getKey().substring(0, slash), e.getKey().substring(slash + 1));
      if (due == null) {
        continue;
      }
      String role = delivered.get(e.getKey()).role();
      long skew = skews.getOrDefault(role, 0L);
      if (offlineResolves.contains(e.getKey())) {
        due += camera(cams, run + "-" + role).offlineAfterMs();
      }
      maxDelay = Math.max(maxDelay, e.getValue() - (due - skew));
    }
    // After camera-drop the gap that matters is the dropped camera's, not the plant's.
    long gap = gap(drop == null ? cams : List.of(drop.camera()));
    dump(run, all, skews);
    int expected;
    int lost;
    int unexpected;
    int shifted = 0;
    if (reference == null) {
      reference = List.copyOf(delivered.values());
      expected = reference.size();
      lost = 0;
      unexpected = 0;
      if (expected == 0) {
        return new DrillResult(
            run,
            0,
            0,
            0,
            duplicates,
            0,
            0,
            maxDelay,
            gap,
            false,
            "the reference run delivered no violation: nothing to compare the drills with; see "
                + plant.dir().resolve("logs"));
      }
      referenceNote = "";
    } else {
      List<Key> owed = expected(cams);
      expected = owed.size();
      if (owed.size() < reference.size()) {
        note +=
            (reference.size() - owed.size())
                + " reference events of camera "
                + DROP_ROLE
                + " not compared (the drop cut their episodes); ";
      }
      Match m = match(owed, delivered);
      lost = m.lost();
      unexpected = m.unexpected();
      shifted = m.shifted();
    }
    return new DrillResult(
        run,
        expected,
        delivered.size(),
        lost,
        duplicates,
        unexpected,
        shifted,
        maxDelay,
        gap,
        lost == 0 && extraOk,
        (note + referenceNote).trim());
  }

  /** Writes every MQTT event of the run, with its due time, to {@code <work>/events-<run>.csv}. */
  private void dump(String run, List<MqttTap.Event> all, Map<String, Long> skews) {
    StringBuilder csv =
        new StringBuilder("received_ms,id,state,camera,prompt,started,reason,record_ms,skew_ms\n");
    for (MqttTap.Event e : all) {
      Long due = plant.kafkaTap().violationTime(e.id(), e.state());
      String role = e.camera().substring(run.length() + 1);
      csv.append(e.receivedMs()).append(',').append(e.id()).append(',').append(e.state());
      csv.append(',').append(e.camera()).append(',').append(e.prompt()).append(',');
      csv.append(e.started()).append(',').append(e.reason() == null ? "" : e.reason());
      csv.append(',').append(due == null ? "" : Long.toString(due));
      csv.append(',').append(skews.getOrDefault(role, 0L)).append('\n');
    }
    try {
      Files.writeString(plant.dir().resolve("events-" + run + ".csv"), csv.toString());
    } catch (IOException e) {
      Plant.log("%s: cannot write the events file: %s", run, e);
    }
  }

  /**
   * The longest pause between two observations of the run's cameras, by when the drill read them.
   */
  private long gap(List<Plant.Camera> cams) {
    Set<String> ids = new HashSet<>();
    cams.forEach(c -> ids.add(c.id()));
    List<Long> reads =
        plant.kafkaTap().observations().stream()
            .filter(o -> ids.contains(o.camera()))
            .map(KafkaTap.Obs::readMs)
            .sorted()
            .toList();
    long gap = 0;
    for (int i = 1; i < reads.size(); i++) {
      gap = Math.max(gap, reads.get(i) - reads.get(i - 1));
    }
    return gap;
  }
}
