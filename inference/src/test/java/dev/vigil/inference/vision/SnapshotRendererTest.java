package dev.vigil.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.UndecodableFrameException;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class SnapshotRendererTest {
  private static final int W = 320;
  private static final int H = 240;

  private static byte[] noiseJpeg() {
    return TestImages.noiseJpeg(W, H, 7);
  }

  private static double stddev(byte[] jpeg, Rect r) {
    try (Mat img = TestImages.decodeGrey(jpeg);
        Mat roi = new Mat(img, r);
        Mat mean = new Mat();
        Mat dev = new Mat()) {
      opencv_core.meanStdDev(roi, mean, dev);
      return dev.createIndexer().getDouble(0);
    }
  }

  @Test
  void shouldPixelateHeadAndKeepRestWhenRendering() {
    byte[] frame = noiseJpeg();
    Person p =
        Person.detected(new Box(0.3, 0.1, 0.7, 0.9), 0.9, new Point(0.5, 0.9))
            .withHead(new Box(0.4, 0.1, 0.6, 0.35), 0.2, false);
    byte[] out = SnapshotRenderer.render(frame, List.of(p));
    // A 10x10 patch at the centre of the head: noise before, near-flat mosaic after.
    Rect head = new Rect((int) (0.5 * W) - 5, (int) (0.22 * H) - 5, 10, 10);
    assertThat(stddev(frame, head)).isGreaterThan(40);
    assertThat(stddev(out, head)).isLessThan(12);
    // Far from any person the frame is untouched (only re-encoded).
    Rect corner = new Rect(5, H - 30, 20, 20);
    assertThat(stddev(out, corner)).isGreaterThan(30);
    try (BytePointer in = new BytePointer(out);
        Mat raw = new Mat(1, out.length, opencv_core.CV_8UC1, in);
        Mat img = opencv_imgcodecs.imdecode(raw, opencv_imgcodecs.IMREAD_COLOR)) {
      assertThat(img.cols()).isEqualTo(W);
      assertThat(img.rows()).isEqualTo(H);
    }
  }

  @Test
  void shouldHideTopOfBodyWhenHeadIsUnknown() {
    byte[] frame = noiseJpeg();
    Person p = Person.detected(new Box(0.3, 0.1, 0.7, 0.9), 0.9, new Point(0.5, 0.9));
    byte[] out = SnapshotRenderer.render(frame, List.of(p));
    Rect face = new Rect((int) (0.5 * W) - 5, (int) (0.16 * H) - 5, 10, 10);
    assertThat(stddev(out, face)).isLessThan(12);
  }

  @Test
  void shouldRefuseBytesThatAreNotAnImage() {
    assertThatThrownBy(() -> SnapshotRenderer.render(new byte[] {1, 2, 3}, List.of()))
        .isInstanceOf(UndecodableFrameException.class);
  }
}
