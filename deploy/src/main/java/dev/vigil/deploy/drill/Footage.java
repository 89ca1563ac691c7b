package dev.vigil.deploy.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Cuts the drill's clips from real footage into image folders at the cameras' frame rate, so every
 * run replays exactly the same frames ({@code vigil agent --realtime} paces a folder at the
 * camera's fps and stamps each image with its index, so episode starts are the same offset from the
 * first frame in every run).
 */
final class Footage {
  static final String VIDEO = "one-by-one-person-detection.mp4";

  private Footage() {}

  /** {@code ../shared/data/video}, from the repository root or from a module folder. */
  static Path videoDir() {
    String shared = System.getProperty("vigil.shared.data", "../shared/data");
    for (String candidate :
        new String[] {shared + "/video", "../shared/data/video", "../../shared/data/video"}) {
      Path p = Path.of(candidate).toAbsolutePath().normalize();
      if (Files.isRegularFile(p.resolve(VIDEO))) {
        return p;
      }
    }
    return null;
  }

  /** Writes the frames of {@code [fromS, toS)} sampled at {@code fps} as JPEGs into {@code out}. */
  static int cut(Path video, double fromS, double toS, double fps, Path out) throws IOException {
    Files.createDirectories(out);
    int written = 0;
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toString());
        OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat()) {
      g.start();
      double next = fromS;
      Frame f;
      while ((f = g.grabImage()) != null) {
        double t = f.timestamp / 1e6;
        if (t >= toS) {
          break;
        }
        if (t + 1e-6 < next) {
          continue;
        }
        next += 1.0 / fps;
        Mat m = conv.convert(f);
        try (BytePointer buf = new BytePointer()) {
          opencv_imgcodecs.imencode(
              ".jpg",
              m,
              buf,
              new org.bytedeco.javacpp.IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 95));
          byte[] bytes = new byte[(int) buf.limit()];
          buf.get(bytes);
          Files.write(out.resolve(String.format("frame-%05d.jpg", written)), bytes);
        }
        written++;
      }
      g.stop();
    }
    if (written == 0) {
      throw new DrillException(
          "footage: no frames in " + video + " between " + fromS + " s and " + toS + " s");
    }
    return written;
  }
}
