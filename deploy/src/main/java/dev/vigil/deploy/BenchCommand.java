package dev.vigil.deploy;

import dev.vigil.agent.AgentProducer;
import dev.vigil.deploy.bench.Bench;
import dev.vigil.deploy.bench.BenchReport;
import dev.vigil.processor.ProcessorApp;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil bench}: throughput and latency of the whole pipeline on embedded brokers, side by
 * side with the bare model measured in the same process and run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures, in one process and one run, the bare model (decode + inference in a tight loop)"
          + " and the full pipeline on embedded Kafka and MQTT with simulated cameras replaying"
          + " real footage: pipeline fps and its ratio to the bare model, alert latency from"
          + " capture to MQTT, the cameras kept up with at 2 fps, the motion-skip fraction and"
          + " the process RSS. With --vlm-delay-ms, throughput and latency again without and"
          + " with a slow multimodal model answering one more prompt.",
      "With --json the last stdout line is one JSON object; progress goes to stderr."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print the results as one JSON object (last line).")
  boolean json;

  @Option(
      names = "--cameras",
      defaultValue = "4",
      description = "Cameras of the latency phase. Default: ${DEFAULT-VALUE}")
  int cameras;

  @Option(
      names = "--fps",
      defaultValue = "2",
      description = "Frames per second per camera in the latency phase. Default: ${DEFAULT-VALUE}")
  double fps;

  @Option(
      names = "--duration",
      defaultValue = "60",
      paramLabel = "S",
      description = "Seconds of the latency phase. Default: ${DEFAULT-VALUE}")
  long durationS;

  @Option(
      names = "--footage",
      defaultValue = "../shared/data/video",
      paramLabel = "DIR",
      description = "Folder of video clips the cameras replay. Default: ${DEFAULT-VALUE}")
  Path footage;

  @Option(
      names = "--quick",
      description = "Short phases and a search up to 4 cameras: a smoke test of about 2 minutes.")
  boolean quick;

  @Option(
      names = "--stream-threads",
      defaultValue = "2",
      description = "Processor stream threads (and bare-model threads). Default: ${DEFAULT-VALUE}")
  int streamThreads;

  @Option(
      names = "--commit-interval-ms",
      defaultValue = "" + ProcessorApp.Options.DEFAULT_COMMIT_INTERVAL_MS,
      description = "Processor commit interval. Default: ${DEFAULT-VALUE}")
  long commitIntervalMs;

  @Option(
      names = "--intra-op-threads",
      defaultValue = "1",
      description = "TensorFlow intra-op threads (process-wide). Default: ${DEFAULT-VALUE}")
  int intraOpThreads;

  @Option(
      names = "--linger-ms",
      defaultValue = "" + AgentProducer.DEFAULT_LINGER_MS,
      description = "Agent producer linger.ms. Default: ${DEFAULT-VALUE}")
  int lingerMs;

  @Option(
      names = "--max-cameras",
      defaultValue = "64",
      description =
          "Upper bound of the camera search at 2 fps; 0 skips it. Default: 64 (4 with --quick)")
  int maxCameras;

  @Option(
      names = "--motion-threshold",
      defaultValue = "0.02",
      description = "Motion gate threshold of the realtime cameras. Default: ${DEFAULT-VALUE}")
  double motionThreshold;

  @Option(
      names = "--vlm-delay-ms",
      paramLabel = "MS",
      description =
          "Adds a last phase: throughput and alert latency again, back to back, without and"
              + " then with one more prompt for a multimodal model (an in-process OpenAI"
              + " chat-completions stand-in) that answers each call after MS ms. The model route"
              + " is on the processor from the start, idle until then.")
  Long vlmDelayMs;

  /** Longest stand-in model delay: within the longest {@code vlm.timeout_s} a site may set. */
  static final long MAX_VLM_DELAY_MS = 590_000;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** The run the options ask for, checked; {@code work} is where brokers and state live. */
  Bench.Options options(Path work) {
    if (cameras < 1 || cameras > 256) {
      throw new VigilCli.UsageException("--cameras must be in 1..256, got " + cameras);
    }
    if (fps <= 0 || fps > 60) {
      throw new VigilCli.UsageException("--fps must be in (0, 60], got " + fps);
    }
    if (durationS < 5) {
      throw new VigilCli.UsageException("--duration must be at least 5 s, got " + durationS);
    }
    if (streamThreads < 1 || intraOpThreads < 0 || commitIntervalMs < 1 || lingerMs < 0) {
      throw new VigilCli.UsageException(
          "--stream-threads >= 1, --intra-op-threads >= 0, --commit-interval-ms >= 1 and"
              + " --linger-ms >= 0 are required");
    }
    if (maxCameras < 0 || motionThreshold < 0 || motionThreshold > 1) {
      throw new VigilCli.UsageException(
          "--max-cameras must be >= 0 and --motion-threshold in [0, 1]");
    }
    if (!Files.isDirectory(footage) || Bench.clips(footage).isEmpty()) {
      throw new VigilCli.UsageException(
          "--footage "
              + footage
              + ": no folder with video clips there (looked in "
              + footage.toAbsolutePath().normalize()
              + "); run from the repository next to ../shared/data or give --footage DIR");
    }
    if (vlmDelayMs != null && (vlmDelayMs < 0 || vlmDelayMs > MAX_VLM_DELAY_MS)) {
      throw new VigilCli.UsageException(
          "--vlm-delay-ms must be in 0.."
              + MAX_VLM_DELAY_MS
              + " (how long the stand-in model takes per call), got "
              + vlmDelayMs);
    }
    int max = quick && maxCameras == 64 ? 4 : maxCameras;
    Duration duration = Duration.ofSeconds(quick && durationS == 60 ? 15 : durationS);
    return new Bench.Options(
        footage,
        cameras,
        fps,
        duration,
        quick,
        streamThreads,
        commitIntervalMs,
        intraOpThreads,
        lingerMs,
        max,
        motionThreshold,
        work,
        vlmDelayMs == null ? null : Duration.ofMillis(vlmDelayMs));
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("vigil-bench");
    try {
      Bench.Options options = options(work);
      Progress progress = Progress.start("bench", Bench.phases(options), "phases");
      BenchReport r =
          new Bench(
                  options,
                  site -> new AlertsRunner(site, null, alert -> {}).start(),
                  (admin, topics, partitions) ->
                      TopicProvisioner.ensure(admin, topics, partitions, (short) 1),
                  progress::update)
              .run();
      progress.finish();
      if (json) {
        out.println(Bench.json(r));
      } else {
        out.print(r.table());
      }
      return 0;
    } finally {
      VigilParts.deleteRecursively(work);
    }
  }
}
