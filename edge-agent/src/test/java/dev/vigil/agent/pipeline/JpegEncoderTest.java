package dev.vigil.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.randu;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.vigil.agent.capture.AgentException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {
  private static Mat noise(int w, int h) {
    Mat m = new Mat(h, w, CV_8UC3);
    try (Mat lo = new Mat(1, 1, CV_64F, new Scalar(0));
        Mat hi = new Mat(1, 1, CV_64F, new Scalar(256))) {
      randu(m, lo, hi);
    }
    return m;
  }

  @Test
  void shouldEncodeDecodableJpegOfSameSizeWhenCalledRepeatedly() {
    try (JpegEncoder enc = new JpegEncoder();
        Mat big = noise(640, 360);
        Mat small = noise(160, 90)) {
      for (Mat m : new Mat[] {big, small, big}) {
        byte[] jpeg = enc.encode(m);
        try (Mat buf = new Mat(new BytePointer(jpeg));
            Mat img = imdecode(buf, IMREAD_COLOR)) {
          assertThat(img.cols()).isEqualTo(m.cols());
          assertThat(img.rows()).isEqualTo(m.rows());
        }
      }
    }
  }

  @Test
  void shouldProduceSmallerFilesWhenQualityIsLower() {
    try (JpegEncoder high = new JpegEncoder(95);
        JpegEncoder low = new JpegEncoder(30);
        Mat m = noise(320, 240)) {
      assertThat(low.encode(m).length).isLessThan(high.encode(m).length);
    }
  }

  @Test
  void shouldRejectQualityWhenOutOfRange() {
    assertThatThrownBy(() -> new JpegEncoder(0))
        .isInstanceOf(AgentException.class)
        .hasMessageContaining("1..100");
  }
}
