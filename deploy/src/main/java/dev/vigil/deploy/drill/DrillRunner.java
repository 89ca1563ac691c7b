package dev.vigil.deploy.drill;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the reference and the drills on one {@link Plant}, one after the other: starts a run's
 * agents, injects its fault ({@link Faults}, {@link PoisonDrill}), waits until the run is complete
 * and measures it against the reference ({@link RunEvents}, {@link Matching}).
 */
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

  static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

  /** A clip of the footage: camera role, start and end in the video. */
  record Clip(String role, double fromS, double toS, Path folder, int frames) {}

  private final Plant plant;
  private final List<Clip> clips;
  private final Faults faults;
  private final RunEvents runEvents;
  private List<Matching.Key> reference;
  private String referenceNote = "";

  /** Whether a drill follows the current one (the plant must be whole again for it). */
  private boolean more = true;

  /** camera-drop's cut, during a camera-drop run; null otherwise. */
  private CameraDrop drop;

  DrillRunner(Plant plant, List<Clip> clips) {
    this.plant = plant;
    this.clips = clips;
    this.faults = new Faults(plant);
    this.runEvents = new RunEvents(plant);
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
        case "broker-kill" -> note.append(faults.brokerKill(agentReady));
        case "processor-kill" -> note.append(faults.processorKill(agentReady, name));
        case "mqtt-restart" -> note.append(faults.mqttRestart(agentReady));
        case "agent-offline" -> note.append(faults.agentOffline(agentReady));
        case "camera-drop" -> {
          drop = faults.cameraDrop(agentReady, cams.get(roleIndex(DROP_ROLE)), stream, network);
          note.append(CameraDrop.NOTE);
        }
        case "poison" -> {
          PoisonDrill.Check p =
              PoisonDrill.run(
                  plant, clips.get(0).folder().resolve("frame-00000.jpg"), agentReady, name);
          note.append(p.note());
          extraOk = p.ok();
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
        CameraDrop.Check d = drop.check(plant.kafkaTap());
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

  private int roleIndex(String role) {
    for (int i = 0; i < clips.size(); i++) {
      if (clips.get(i).role().equals(role)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no clip with role " + role);
  }

  /** After a drill: the plant is whole again before the next one starts. */
  private void recover(String name) {
    if (!more) {
      plant.requireAlive();
      return;
    }
    faults.restartKilledProcessor(name);
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
    Map<String, long[]> span = runEvents.spans(cams);
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
    for (MqttTap.Event e : runEvents.events(cams)) {
      (e.state().equals("open") ? open : resolved).add(e.id());
    }
    if (!resolved.containsAll(open)) {
      return false;
    }
    if (reference == null) {
      return !open.isEmpty();
    }
    return Matching.match(expected(cams), runEvents.keys(run, cams, Map.of())).lost() == 0;
  }

  /**
   * The reference events this run must deliver: all of them, but after camera-drop only those
   * {@link Matching#owedAfterDrop} names.
   */
  private List<Matching.Key> expected(List<Plant.Camera> cams) {
    if (drop == null) {
      return reference;
    }
    long[] s = runEvents.spans(cams).get(drop.camera().id());
    Long back = drop.firstFrameAfter(plant.kafkaTap());
    if (s == null) {
      return reference;
    }
    return Matching.owedAfterDrop(reference, drop, s, back);
  }

  private static Plant.Camera camera(List<Plant.Camera> cams, String id) {
    return cams.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  private DrillResult measure(
      String run,
      List<Plant.Camera> cams,
      Map<String, Long> skews,
      long startedMs,
      String note,
      boolean extraOk) {
    HashMap<String, Long> firstSeen = new HashMap<>();
    Map<String, Matching.Key> delivered = runEvents.keys(run, cams, firstSeen);
    List<MqttTap.Event> all = runEvents.events(cams);
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
      if (runEvents.offlineResolve(e.getKey())) {
        due += camera(cams, run + "-" + role).offlineAfterMs();
      }
      maxDelay = Math.max(maxDelay, e.getValue() - (due - skew));
    }
    // After camera-drop the gap that matters is the dropped camera's, not the plant's.
    long gap = runEvents.gap(drop == null ? cams : List.of(drop.camera()));
    EventsCsv.write(plant.dir(), plant.kafkaTap(), run, all, skews);
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
            maxDelay,
            gap,
            0,
            0,
            false,
            "the reference run delivered no violation: nothing to compare the drills with; see "
                + plant.dir().resolve("logs"));
      }
      referenceNote = "";
    } else {
      List<Matching.Key> owed = expected(cams);
      expected = owed.size();
      if (owed.size() < reference.size()) {
        note +=
            (reference.size() - owed.size())
                + " reference events of camera "
                + DROP_ROLE
                + " not compared (the drop cut their episodes); ";
      }
      Matching.Match m = Matching.match(owed, delivered);
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
        maxDelay,
        gap,
        unexpected,
        shifted,
        lost == 0 && extraOk,
        (note + referenceNote).trim());
  }
}
