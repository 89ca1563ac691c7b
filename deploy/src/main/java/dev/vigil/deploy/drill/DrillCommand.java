package dev.vigil.deploy.drill;

import dev.vigil.config.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil drill}: fault drills on the production shape, each part its own OS process. */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a 3-broker KRaft cluster, mosquitto, two processors, alerts and agents replaying"
          + " real footage (../shared/data/video), each as its own OS process; runs the footage"
          + " once without faults (the reference), then once per drill with one fault injected,"
          + " and counts the violations a real MQTT subscriber receives.",
      "Drills: broker-kill, processor-kill, mqtt-restart, poison, agent-offline, clock-skew.",
      "Exit 0 only if no drill lost a violation (and the poison drill found every bad record in"
          + " vigil.dlq). See docs/RELIABILITY.md."
    })
public final class DrillCommand implements Callable<Integer> {
  @Option(
      names = "--only",
      paramLabel = "NAME",
      description = "Run only this drill (repeatable); the reference always runs first.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--json",
      description = "Print the figures as one JSON line, the last line on stdout.")
  boolean json;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where the parts keep their data and logs (default: a new temporary folder).")
  Path workDir;

  @Option(
      names = "--keep",
      description = "Keep the work folder (logs, broker data) after a successful run.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    Set<String> drills = new LinkedHashSet<>();
    for (String name : only) {
      if (!DrillRunner.DRILLS.contains(name)) {
        System.err.println(
            "vigil drill: unknown drill " + name + "; choose from " + DrillRunner.DRILLS);
        return 2;
      }
    }
    for (String name : DrillRunner.DRILLS) {
      if (only.isEmpty() || only.contains(name)) {
        drills.add(name);
      }
    }
    quietKafkaClients();
    Path video = Footage.videoDir();
    if (video == null) {
      System.err.println(
          "vigil drill: footage: ../shared/data/video/"
              + Footage.VIDEO
              + " not found; run from the repository root with the shared data set beside it"
              + " (../shared/data)");
      return 1;
    }
    if (Mosquitto.find("mosquitto") == null || Mosquitto.find("mosquitto_sub") == null) {
      System.err.println(
          "vigil drill: mosquitto: not found on PATH or in /usr/sbin; install it with `"
              + Mosquitto.INSTALL
              + "`");
      return 1;
    }
    Path dir =
        workDir != null
            ? Files.createDirectories(workDir)
            : Files.createTempDirectory("vigil-drill-");
    dir = dir.toAbsolutePath();
    Plant.log("work folder %s (logs in %s)", dir, dir.resolve("logs"));
    long t0 = System.nanoTime();
    List<DrillRunner.Clip> clips = cutClips(video, dir);
    List<DrillResult> results = new ArrayList<>();
    boolean failed = false;
    String failure = null;
    List<Plant.Camera> all = new ArrayList<>(DrillRunner.cameras("reference", clips));
    for (String d : drills) {
      all.addAll(DrillRunner.cameras(d, clips));
    }
    try (Plant plant = new Plant(dir, all)) {
      plant.start();
      DrillRunner runner = new DrillRunner(plant, clips);
      DrillResult ref = runner.reference();
      results.add(ref);
      if (!ref.ok()) {
        failed = true;
      } else {
        List<String> order = new ArrayList<>(drills);
        for (int i = 0; i < order.size(); i++) {
          DrillResult r = runner.drill(order.get(i), i == order.size() - 1);
          results.add(r);
          failed |= !r.ok();
        }
      }
    } catch (DrillException e) {
      failure = e.getMessage();
      failed = true;
    }
    Plant.log("suite took %d s", Plant.secondsSince(t0));
    print(results);
    if (failure != null) {
      System.err.println("vigil drill: " + failure);
    }
    if (!failed && !keep && workDir == null) {
      KafkaCluster.deleteQuietly(dir);
    } else {
      Plant.log("kept %s", dir);
    }
    return failed ? 1 : 0;
  }

  /** The drill's own Kafka clients warn on every refused connection while brokers are down. */
  private static void quietKafkaClients() {
    if (org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger("org.apache.kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  private static List<DrillRunner.Clip> cutClips(Path video, Path dir) throws IOException {
    Path file = video.resolve(Footage.VIDEO);
    // Camera a: a person arrives at 6.5 s and leaves at 44 s; the clip ends after 6 s without
    // anyone, so both prompts resolve on frames. Camera b: a person arrives 6.5 s in, leaves and
    // comes back within the resolve delay, and the clip ends empty.
    List<DrillRunner.Clip> clips = new ArrayList<>();
    double[][] spans = {{0, 51}, {86.5, 139.4}};
    String[] roles = {"a", "b"};
    for (int i = 0; i < spans.length; i++) {
      Path folder = dir.resolve("clips/" + roles[i]);
      int n = Footage.cut(file, spans[i][0], spans[i][1], DrillRunner.FPS, folder);
      clips.add(new DrillRunner.Clip(roles[i], spans[i][0], spans[i][1], folder, n));
    }
    return clips;
  }

  private void print(List<DrillResult> results) throws IOException {
    if (json) {
      System.out.println(Json.mapper().writeValueAsString(Map.of("drills", results)));
      return;
    }
    System.out.printf(
        "%-15s %8s %9s %4s %13s %10s %12s %8s  %s%n",
        "drill",
        "expected",
        "delivered",
        "lost",
        "duplicate_ids",
        "unexpected",
        "max_delay_ms",
        "gap_ms",
        "note");
    for (DrillResult r : results) {
      System.out.printf(
          "%-15s %8d %9d %4d %13d %10d %12d %8d  %s%n",
          r.name(),
          r.expected(),
          r.delivered(),
          r.lost(),
          r.duplicateIds(),
          r.unexpected(),
          r.maxDelayMs(),
          r.gapMs(),
          r.note());
    }
  }
}
