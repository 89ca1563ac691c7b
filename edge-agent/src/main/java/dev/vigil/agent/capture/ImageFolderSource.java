package dev.vigil.agent.capture;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A {@link FrameSource} over the image files of one folder, in file-name order, decoded with OpenCV
 * {@code imread} and stamped at the configured fps from the start time. No audio.
 *
 * <p>Owns the current image; not thread-safe; close once.
 */
public final class ImageFolderSource implements FrameSource {
  private static final Set<String> EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "pgm", "ppm");

  private final Path folder;
  private final double fps;
  private final boolean realtime;
  private final AgentClock clock;
  private List<Path> files = List.of();
  private int next;
  private Mat current;
  private long startWallMs;
  private long startNanos;

  ImageFolderSource(Path folder, double fps, boolean realtime, AgentClock clock) {
    this.folder = folder;
    this.fps = fps > 0 ? fps : 1.0;
    this.realtime = realtime;
    this.clock = clock;
  }

  @Override
  public void start() {
    try (Stream<Path> s = Files.list(folder)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> EXTENSIONS.contains(extension(p)))
              .sorted()
              .collect(Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      throw new AgentException("Cannot list image folder " + folder.toAbsolutePath() + ": " + e, e);
    }
    if (files.isEmpty()) {
      throw new AgentException(
          "Image folder " + folder.toAbsolutePath() + " has no images (" + EXTENSIONS + ")");
    }
    startWallMs = clock.wallMillis();
    startNanos = clock.nanoTime();
    if (!realtime) {
      // Read as fast as possible: stamp the folder to end about now, never ahead of the clock.
      startWallMs -= Math.round(files.size() * 1000.0 / fps);
    }
  }

  @Override
  public Capture grab() {
    if (next >= files.size()) {
      return null;
    }
    int index = next++;
    Path file = files.get(index);
    long offsetMs = Math.round(index * 1000.0 / fps);
    if (realtime) {
      long waitNs = startNanos + offsetMs * 1_000_000L - clock.nanoTime();
      if (waitNs > 0) {
        try {
          clock.sleep(Duration.ofNanos(waitNs));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    Mat img = imread(file.toString(), IMREAD_COLOR);
    if (img == null || img.empty()) {
      if (img != null) {
        img.close();
      }
      throw new AgentException("Cannot decode image " + file.toAbsolutePath());
    }
    if (current != null) {
      current.close();
    }
    current = img;
    return new Capture(startWallMs + offsetMs, img, null);
  }

  /** Number of images found by {@link #start()}. */
  public int size() {
    return files.size();
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public String description() {
    return folder.toString();
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
