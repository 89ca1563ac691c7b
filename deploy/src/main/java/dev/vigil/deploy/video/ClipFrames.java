package dev.vigil.deploy.video;

import dev.vigil.agent.capture.AgentClock;
import dev.vigil.agent.capture.Capture;
import dev.vigil.agent.capture.FrameSource;
import dev.vigil.agent.capture.FrameSources;
import dev.vigil.agent.pipeline.FrameSampler;
import dev.vigil.agent.pipeline.JpegEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Writes a clip's frames, sampled and JPEG-encoded as the edge agent sends them, into a folder:
 * training material that looks exactly like what the processor sees. Stateless.
 */
public final class ClipFrames {
  private ClipFrames() {}

  /**
   * Extracts the frames of {@code clip} at {@code fps} into {@code outDir} as {@code
   * <clip>_<n>.jpg}.
   *
   * @return the number of frames written
   * @throws dev.vigil.agent.capture.AgentException when the clip cannot be opened or read
   */
  public static int extract(Path clip, double fps, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    String stem = clip.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    FrameSampler sampler = new FrameSampler(fps);
    int n = 0;
    try (FrameSource source =
            FrameSources.open(
                clip.toString(), fps, false, AgentClock.SYSTEM, Duration.ofSeconds(10));
        JpegEncoder encoder = new JpegEncoder()) {
      source.start();
      Capture c;
      while ((c = source.grab()) != null) {
        if (c.hasImage() && sampler.accept(c.captureTimeMs())) {
          Path file = outDir.resolve(String.format(Locale.ROOT, "%s_%05d.jpg", stem, n++));
          Files.write(file, encoder.encode(c.image()));
        }
      }
    }
    return n;
  }
}
