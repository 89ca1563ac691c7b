package dev.vigil.deploy.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.FrameAnalysis;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeadDumpTest {

  private static byte[] greyJpeg(int w, int h) {
    try (Mat frame = new Mat(h, w, opencv_core.CV_8UC3);
        Scalar grey = new Scalar(128, 128, 128, 0);
        BytePointer buf = new BytePointer()) {
      frame.put(grey);
      imencode(".jpg", frame, buf);
      byte[] out = new byte[(int) buf.limit()];
      buf.get(out);
      return out;
    }
  }

  @Test
  void shouldWriteEveryHeadWithItsSourceJudgementAndTheCropTheClassifierSaw(@TempDir Path dir)
      throws Exception {
    Box body = new Box(0.1, 0.1, 0.4, 0.9);
    Box head = new Box(0.2, 0.1, 0.3, 0.25);
    Box alone = new Box(0.6, 0.2, 0.7, 0.35);
    Box tiny = new Box(0.8, 0.8, 0.81, 0.81);
    Point foot = new Point(0.25, 0.9);
    List<Person> people =
        List.of(
            new Person(body, 0.8, head, 0.95, true, foot, List.of(), null),
            Person.detected(alone, 0.5, foot).withHead(alone, 0.1, false),
            Person.detected(body, 0.3, foot),
            new Person(body, 0.7, tiny, null, null, foot, List.of(), null));

    try (HeadDump dump = new HeadDump(dir, 0.15, 48)) {
      dump.frame("yard.mp4", 1.5, greyJpeg(96, 64), new FrameAnalysis(96, 64, people, Map.of()));
    }

    List<String> rows = Files.readAllLines(dir.resolve("heads.csv"));
    assertThat(rows).hasSize(4);
    assertThat(rows.get(1))
        .startsWith("yard.mp4,1.50,0,with_body,10,0.800,0.950,helmet,yard_0001.50_0_helmet.png");
    assertThat(rows.get(2)).startsWith("yard.mp4,1.50,1,head_only,10,0.500,0.100,no_helmet,");
    assertThat(rows.get(3)).startsWith("yard.mp4,1.50,3,with_body,1,0.700,,too_small,");
    BufferedImage crop = ImageIO.read(dir.resolve("crops/yard_0001.50_0_helmet.png").toFile());
    assertThat(crop.getWidth()).isEqualTo(48 * HeadDump.ZOOM);
    assertThat(crop.getRGB(70, 70) & 0xff).isBetween(120, 136);
  }
}
