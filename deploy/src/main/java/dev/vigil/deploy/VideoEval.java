package dev.vigil.deploy;

import dev.vigil.deploy.video.ClipResult;
import dev.vigil.deploy.video.ClipRunner;
import dev.vigil.deploy.video.HeadDump;
import dev.vigil.deploy.video.VideoReport;
import dev.vigil.deploy.video.VideoTruth;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;

/** {@code vigil eval --video}: checks the input, runs every clip, prints the report. */
final class VideoEval {
  /** File endings taken as clips when --video names a folder. */
  static final Set<String> VIDEO_ENDINGS =
      Set.of("mp4", "avi", "mkv", "mov", "webm", "m4v", "mpg", "mpeg", "ts", "flv", "wmv");

  private final Path video;
  private final double fps;
  private final Path truthFile;
  private final boolean json;
  private final int minHeadPx;
  private final Supplier<HeadDump> dump;

  /**
   * @param dump where to write every head for looking at errors, or a supplier of null
   */
  VideoEval(
      Path video,
      double fps,
      Path truthFile,
      boolean json,
      int minHeadPx,
      Supplier<HeadDump> dump) {
    this.video = video;
    this.fps = fps;
    this.truthFile = truthFile;
    this.json = json;
    this.minHeadPx = minHeadPx;
    this.dump = dump;
  }

  int run(Function<ModelStore, PersonPerception> open, ModelStore store) {
    if (!(fps > 0 && fps <= 60)) {
      throw new VigilCli.UsageException("--fps must be a number in (0, 60], not " + fps);
    }
    if (minHeadPx < 0) {
      throw new VigilCli.UsageException("--min-head-px must be at least 0, not " + minHeadPx);
    }
    List<Path> clips = clips();
    VideoTruth truth = null;
    if (truthFile != null) {
      if (!Files.isRegularFile(truthFile)) {
        throw new VigilCli.UsageException("--truth " + truthFile + " is not a file");
      }
      try {
        truth =
            VideoTruth.read(
                truthFile, clips.stream().map(c -> c.getFileName().toString()).toList());
      } catch (VideoTruth.TruthFileException e) {
        throw new VigilCli.UsageException(e.getMessage());
      }
    }
    // FFmpeg prints every stream's metadata at info level; keep stderr to progress and errors.
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    List<ClipResult> results = new ArrayList<>();
    Progress progress = Progress.start("eval", clips.size(), "clips");
    try (PersonPerception perception = open.apply(store);
        HeadDump heads = dump.get()) {
      ClipRunner runner =
          heads == null
              ? new ClipRunner(perception, fps, minHeadPx)
              : new ClipRunner(perception, fps, minHeadPx, heads);
      for (Path clip : clips) {
        ClipResult r = runner.run(clip);
        progress.above(
            System.err,
            String.format(
                Locale.ROOT,
                "eval: %s: %d frames%s",
                r.file(),
                r.frames().size(),
                r.error() == null ? "" : " (" + r.error() + ")"));
        results.add(r);
        progress.update(results.size());
      }
    } finally {
      progress.finish();
    }
    VideoReport report = new VideoReport(results, truth, fps);
    System.out.print(report.toText());
    if (json) {
      System.out.println(report.toJson());
    }
    System.out.flush();
    return 0;
  }

  private List<Path> clips() {
    if (Files.isRegularFile(video)) {
      return List.of(video);
    }
    if (!Files.isDirectory(video)) {
      throw new VigilCli.UsageException("--video " + video + " is neither a file nor a folder");
    }
    List<Path> clips;
    try (Stream<Path> files = Files.list(video)) {
      clips = files.filter(Files::isRegularFile).filter(VideoEval::isVideo).sorted().toList();
    } catch (IOException e) {
      throw new VigilCli.UsageException("--video " + video + ": cannot list: " + e.getMessage());
    }
    if (clips.isEmpty()) {
      throw new VigilCli.UsageException(
          "--video " + video + " holds no video files (" + String.join(", ", VIDEO_ENDINGS) + ")");
    }
    return clips;
  }

  private static boolean isVideo(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && VIDEO_ENDINGS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
