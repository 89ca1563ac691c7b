package dev.vigil.agent.pipeline;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.vigil.agent.capture.AgentException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes images to JPEG with OpenCV {@code imencode} (libjpeg-turbo). Reuses its native output
 * buffer and parameters between calls; each call returns a fresh {@code byte[]} the caller owns.
 *
 * <p>Owns native memory: close it. Not thread-safe: one per camera loop.
 */
public final class JpegEncoder implements AutoCloseable {
  /** Default quality: small frames that still show a helmet's edge clearly. */
  public static final int DEFAULT_QUALITY = 85;

  private final int quality;
  private final IntPointer params;
  private final BytePointer buffer = new BytePointer();

  public JpegEncoder() {
    this(DEFAULT_QUALITY);
  }

  /**
   * @param quality 1..100
   */
  public JpegEncoder(int quality) {
    if (quality < 1 || quality > 100) {
      throw new AgentException("JPEG quality must be 1..100, got " + quality);
    }
    this.quality = quality;
    this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
  }

  public int quality() {
    return quality;
  }

  /** Encodes an 8-bit BGR or gray image. */
  public byte[] encode(Mat image) {
    if (image == null || image.empty()) {
      throw new AgentException("Cannot JPEG-encode an empty image");
    }
    if (!imencode(".jpg", image, buffer, params)) {
      throw new AgentException(
          "OpenCV could not JPEG-encode a " + image.cols() + "x" + image.rows() + " image");
    }
    byte[] out = new byte[(int) buffer.limit()];
    buffer.position(0).get(out);
    return out;
  }

  @Override
  public void close() {
    buffer.close();
    params.close();
  }
}
