package dev.vigil.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MotionGateTest {
  /** A gray 320x240 image with a white square at x. */
  private static Mat frame(int x) {
    try (Scalar gray = new Scalar(60, 60, 60, 0);
        Scalar white = new Scalar(255, 255, 255, 0);
        Point p1 = new Point(x, 60);
        Point p2 = new Point(x + 80, 140)) {
      Mat m = new Mat(240, 320, CV_8UC3, gray);
      rectangle(m, p1, p2, white, FILLED, 8, 0);
      return m;
    }
  }

  @Test
  void shouldSkipStillFramesButSendKeyframesWhenNothingMoves() {
    try (MotionGate gate = new MotionGate(0.02, 1.0);
        Mat still = frame(40)) {
      int sent = 0;
      for (int i = 0; i < 25; i++) {
        MotionGate.Decision d = gate.evaluate(still, i * 100L);
        assertThat(d.motion()).isZero();
        if (d.send()) {
          assertThat(d.keyframe()).isTrue();
          sent++;
        }
      }
      assertThat(sent).isEqualTo(3); // t = 0, 1000, 2000
      assertThat(gate.skipped()).isEqualTo(22);
    }
  }

  @Test
  void shouldSendAndReportMotionWhenSquareMoves() {
    try (MotionGate gate = new MotionGate(0.02, 60);
        Mat a = frame(40);
        Mat b = frame(160)) {
      assertThat(gate.evaluate(a, 0).keyframe()).isTrue();
      MotionGate.Decision d = gate.evaluate(b, 100);
      assertThat(d.send()).isTrue();
      assertThat(d.keyframe()).isFalse();
      // two 80x80 squares' worth of change in 320x240, minus blur at the edges
      assertThat(d.motion()).isBetween(0.12, 0.25);
    }
  }

  @Test
  void shouldSendEveryFrameWhenThresholdIsZero() {
    try (MotionGate gate = new MotionGate(0, 60);
        Mat still = frame(40)) {
      for (int i = 0; i < 10; i++) {
        assertThat(gate.evaluate(still, i * 100L).send()).isTrue();
      }
      assertThat(gate.skipped()).isZero();
    }
  }

  @Test
  void shouldCompareWithLastSentFrameWhenSmallChangesAccumulate() {
    try (MotionGate gate = new MotionGate(0.05, 60)) {
      try (Mat f = frame(0)) {
        gate.evaluate(f, 0);
      }
      // 4 px steps are each too small, but the drift from the last sent frame grows
      boolean sentLater = false;
      for (int i = 1; i <= 20 && !sentLater; i++) {
        try (Mat f = frame(4 * i)) {
          MotionGate.Decision d = gate.evaluate(f, i * 100L);
          if (i == 1) {
            assertThat(d.send()).isFalse();
          }
          sentLater = d.send();
        }
      }
      assertThat(sentLater).isTrue();
    }
  }
}
