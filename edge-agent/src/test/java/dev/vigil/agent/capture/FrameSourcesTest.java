package dev.vigil.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameSourcesTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void shouldClassifySourcesWhenGivenUrlsDevicesFilesAndFolders() throws Exception {
    assertThat(FrameSources.kind("rtsp://cam/stream")).isEqualTo(FrameSources.Kind.URL);
    assertThat(FrameSources.kind("https://cam/video.mjpg")).isEqualTo(FrameSources.Kind.URL);
    assertThat(FrameSources.kind("/dev/video0")).isEqualTo(FrameSources.Kind.DEVICE);
    assertThat(FrameSources.kind(dir.toString())).isEqualTo(FrameSources.Kind.FOLDER);
    assertThat(FrameSources.kind(dir.resolve("a.mp4").toString()))
        .isEqualTo(FrameSources.Kind.FILE);
    assertThat(FrameSources.isLive("rtsps://cam/x")).isTrue();
    assertThat(FrameSources.isLive(dir.toString())).isFalse();
  }

  @Test
  void shouldNameThePathWhenFileIsMissing() {
    Path missing = dir.resolve("gone.mp4");
    assertThatThrownBy(
            () -> FrameSources.open(missing.toString(), 5, false, AgentClock.SYSTEM, TIMEOUT))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString())
        .hasMessageContaining("not found");
  }

  @Test
  void shouldReadImagesInNameOrderAtConfiguredFpsWhenSourceIsFolder() throws Exception {
    int[] widths = {64, 96, 128, 160};
    for (int i = 0; i < widths.length; i++) {
      try (Mat m = new Mat(48, widths[i], CV_8UC3, new Scalar(10 * i, 0, 0, 0))) {
        // written in reverse so only sorting by name gives width order
        assertThat(imwrite(dir.resolve("img-" + i + ".png").toString(), m)).isTrue();
      }
    }
    Files.writeString(dir.resolve("notes.txt"), "not an image");

    List<Integer> seen = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    try (FrameSource src =
        FrameSources.open(dir.toString(), 2, false, AgentClock.SYSTEM, TIMEOUT)) {
      assertThat(src).isInstanceOf(ImageFolderSource.class);
      src.start();
      Capture c;
      while ((c = src.grab()) != null) {
        assertThat(c.hasAudio()).isFalse();
        seen.add(c.image().cols());
        times.add(c.captureTimeMs());
      }
    }
    assertThat(seen).containsExactly(64, 96, 128, 160);
    assertThat(times.get(1) - times.get(0)).isEqualTo(500);
    assertThat(times.get(3) - times.get(0)).isEqualTo(1500);
  }

  @Test
  void shouldFailClearlyWhenFolderHasNoImages() {
    try (FrameSource src =
        FrameSources.open(dir.toString(), 2, false, AgentClock.SYSTEM, TIMEOUT)) {
      assertThatThrownBy(src::start)
          .isInstanceOf(AgentException.class)
          .hasMessageContaining("has no images")
          .hasMessageContaining(dir.toString());
    }
  }
}
