package dev.vigil.deploy.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.helmet.HeadCrop;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes every head of every analysed frame for looking at errors: one {@code heads.csv} row each
 * (clip, time, whether a body was seen, head size, score, helmet probability and judgement) and, in
 * {@code crops/}, the crop the helmet classifier saw (cut again by {@link HeadCrop} with the
 * classifier's margin and input size), enlarged {@link #ZOOM} times, as PNG. Not thread-safe.
 */
public final class HeadDump implements ClipRunner.FrameListener, AutoCloseable {

  /** Enlargement of the saved crops, so a 48 px crop can be looked at. */
  static final int ZOOM = 3;

  private final Path crops;
  private final double margin;
  private final int size;
  private final PrintWriter csv;

  /**
   * @param dir folder to write into, created when missing
   * @param margin the helmet classifier's context margin
   * @param size the helmet classifier's input side in pixels
   */
  public HeadDump(Path dir, double margin, int size) throws IOException {
    this.crops = Files.createDirectories(dir.resolve("crops"));
    this.margin = margin;
    this.size = size;
    this.csv =
        new PrintWriter(Files.newBufferedWriter(dir.resolve("heads.csv"), StandardCharsets.UTF_8));
    csv.println("clip,t_s,person,source,head_px,score,helmet_probability,judgement,crop");
  }

  @Override
  public void frame(String clip, double tS, byte[] jpeg, FrameAnalysis analysis) {
    if (analysis.people().stream().allMatch(p -> p.head() == null)) {
      return;
    }
    String stem = clip.replaceFirst("\\.[^.]+$", "");
    try (BytePointer bytes = new BytePointer(jpeg);
        Mat buf = new Mat(1, jpeg.length, CV_8UC1, bytes);
        Mat bgr = imdecode(buf, IMREAD_COLOR)) {
      for (int i = 0; i < analysis.people().size(); i++) {
        Person p = analysis.people().get(i);
        Box head = p.head();
        if (head == null) {
          continue;
        }
        String judgement = judgement(p);
        String name = String.format(Locale.ROOT, "%s_%07.2f_%d_%s.png", stem, tS, i, judgement);
        float[] crop = new float[size * size * 3];
        HeadCrop.extract(bgr, head, margin, size, crop, 0);
        ImageIO.write(image(crop), "png", crops.resolve(name).toFile());
        csv.printf(
            Locale.ROOT,
            "%s,%.2f,%d,%s,%d,%.3f,%s,%s,%s%n",
            clip,
            tS,
            i,
            // Perception gives a head seen without a body the head box as its body box.
            head.equals(p.box()) ? "head_only" : "with_body",
            Math.round(head.longSidePx(bgr.cols(), bgr.rows())),
            p.score(),
            p.helmetProbability() == null
                ? ""
                : String.format(Locale.ROOT, "%.3f", p.helmetProbability()),
            judgement,
            name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write a head crop into " + crops, e);
    }
  }

  private static String judgement(Person p) {
    if (p.helmetProbability() == null) {
      return "too_small";
    }
    if (p.helmet() == null) {
      return "unknown";
    }
    return p.helmet() ? "helmet" : "no_helmet";
  }

  private BufferedImage image(float[] crop) {
    BufferedImage img = new BufferedImage(size * ZOOM, size * ZOOM, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size * ZOOM; y++) {
      for (int x = 0; x < size * ZOOM; x++) {
        int o = ((y / ZOOM) * size + x / ZOOM) * 3;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
          rgb = (rgb << 8) | Math.round(Math.min(1f, Math.max(0f, crop[o + c])) * 255);
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  @Override
  public void close() {
    csv.close();
  }
}
