package dev.vigil.agent;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Records small synthetic videos with FFmpegFrameRecorder, so tests need no camera. */
final class TestVideos {
  static final int WIDTH = 320;
  static final int HEIGHT = 240;
  static final int AUDIO_RATE = 44_100;
  static final double TONE_HZ = 1000;

  private TestVideos() {}

  /**
   * Records an MPEG-4 video.
   *
   * @param moving draw shapes that move every frame (else every frame is identical)
   * @param audio add a mono 1 kHz tone at 44.1 kHz
   */
  static Path record(Path file, double fps, double seconds, boolean moving, boolean audio)
      throws Exception {
    int frames = (int) Math.round(fps * seconds);
    int samplesPerFrame = (int) Math.round(AUDIO_RATE / fps);
    try (FFmpegFrameRecorder rec =
            new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, audio ? 1 : 0);
        OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
        Scalar background = new Scalar(40, 40, 40, 0);
        Scalar red = new Scalar(0, 0, 255, 0);
        Scalar green = new Scalar(0, 255, 0, 0)) {
      rec.setFormat("mp4");
      rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      rec.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      rec.setFrameRate(fps);
      rec.setVideoQuality(2);
      if (audio) {
        rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        rec.setSampleRate(AUDIO_RATE);
        rec.setAudioBitrate(96_000);
      }
      rec.start();
      long sample = 0;
      for (int i = 0; i < frames; i++) {
        try (Mat img =
            new Mat(HEIGHT, WIDTH, org.bytedeco.opencv.global.opencv_core.CV_8UC3, background)) {
          int x = moving ? (i * 17) % (WIDTH - 60) : 100;
          int y = moving ? (i * 11) % (HEIGHT - 60) : 80;
          try (Point p1 = new Point(x, y);
              Point p2 = new Point(x + 60, y + 60);
              Point c = new Point(WIDTH - 1 - x / 2, HEIGHT / 2)) {
            rectangle(img, p1, p2, red, FILLED, 8, 0);
            circle(img, c, 25, green, FILLED, 8, 0);
          }
          Frame f = conv.convert(img);
          rec.record(f);
        }
        if (audio) {
          short[] s = new short[samplesPerFrame];
          for (int k = 0; k < s.length; k++, sample++) {
            s[k] = (short) (12000 * Math.sin(2 * Math.PI * TONE_HZ * sample / AUDIO_RATE));
          }
          rec.recordSamples(AUDIO_RATE, 1, ShortBuffer.wrap(s));
        }
      }
      rec.stop();
    }
    return file;
  }

  /** Records an MPEG-4 file with a 1 kHz tone and no video stream: a source that gives no frame. */
  static Path recordAudioOnly(Path file, double seconds) throws Exception {
    try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(file.toFile(), 1)) {
      rec.setFormat("mp4");
      rec.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      rec.setSampleRate(AUDIO_RATE);
      rec.setAudioBitrate(96_000);
      rec.start();
      short[] s = new short[(int) Math.round(AUDIO_RATE * seconds)];
      for (int k = 0; k < s.length; k++) {
        s[k] = (short) (12000 * Math.sin(2 * Math.PI * TONE_HZ * k / AUDIO_RATE));
      }
      rec.recordSamples(AUDIO_RATE, 1, ShortBuffer.wrap(s));
      rec.stop();
    }
    return file;
  }
}
