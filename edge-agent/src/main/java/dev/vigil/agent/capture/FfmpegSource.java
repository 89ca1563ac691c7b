package dev.vigil.agent.capture;

import dev.vigil.config.Secrets;
import java.nio.Buffer;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;

/**
 * A {@link FrameSource} over JavaCV's {@link FFmpegFrameGrabber}: video files, rtsp/rtsps,
 * http/https and V4L2 devices. Audio, when the input has a track, is resampled by FFmpeg to 16 kHz
 * mono s16.
 *
 * <p>Owns the grabber and its native memory; not thread-safe; close once.
 */
public final class FfmpegSource implements FrameSource {
  /** Sample rate of every audio block this source returns. */
  public static final int AUDIO_RATE = 16_000;

  private final String description;
  private final FFmpegFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private final boolean live;
  private final boolean realtime;
  private final AgentClock clock;
  private long startWallMs;
  private long startNanos;
  private long originUs = Long.MIN_VALUE;
  private boolean started;

  FfmpegSource(
      String description,
      String input,
      String format,
      boolean live,
      boolean realtime,
      AgentClock clock,
      Duration timeout) {
    this.description = Secrets.redact(description);
    this.live = live;
    this.realtime = realtime;
    this.clock = clock;
    this.grabber = new FFmpegFrameGrabber(input);
    if (format != null) {
      grabber.setFormat(format);
    }
    String timeoutUs = Long.toString(timeout.toNanos() / 1000);
    String scheme = input.toLowerCase(Locale.ROOT);
    if (scheme.startsWith("rtsp://") || scheme.startsWith("rtsps://")) {
      // UDP RTP loses packets through NAT and firewalls; TCP interleaving is the robust default.
      grabber.setOption("rtsp_transport", "tcp");
      grabber.setOption("timeout", timeoutUs);
    } else if (scheme.startsWith("http://") || scheme.startsWith("https://")) {
      grabber.setOption("rw_timeout", timeoutUs);
    }
    grabber.setSampleRate(AUDIO_RATE);
    grabber.setAudioChannels(1);
    grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
  }

  @Override
  public void start() {
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // The cause is left out: FFmpeg's message repeats the URL, password and all.
      throw new AgentException(
          Secrets.redact("Cannot open camera source " + description + ": " + e.getMessage()));
    }
    started = true;
    startWallMs = clock.wallMillis();
    startNanos = clock.nanoTime();
    long lengthMs = grabber.getLengthInTime() / 1000;
    if (!live && !realtime && lengthMs > 0) {
      // A file read as fast as possible was recorded before now: stamp it to end about now, so
      // its frames are never ahead of the processor's clock (which dead-letters future stamps).
      startWallMs -= lengthMs;
    }
  }

  @Override
  public Capture grab() {
    if (!started) {
      throw new IllegalStateException("start() first: " + description);
    }
    while (true) {
      Frame f;
      try {
        f = grabber.grab();
      } catch (FrameGrabber.Exception | RuntimeException e) {
        throw new AgentException(
            Secrets.redact("Reading camera source " + description + " failed: " + e.getMessage()));
      }
      if (f == null) {
        return null;
      }
      boolean image = f.image != null;
      boolean audio = f.samples != null;
      if (!image && !audio) {
        continue; // data or subtitle packets
      }
      long captureMs = captureTime(f.timestamp);
      if (image) {
        return new Capture(captureMs, converter.convert(f), null);
      }
      Buffer b = f.samples[0];
      if (!(b instanceof ShortBuffer)) {
        throw new AgentException(
            "Camera source "
                + description
                + " gave audio as "
                + b.getClass().getSimpleName()
                + ", expected 16-bit samples");
      }
      ShortBuffer sb = ((ShortBuffer) b).duplicate();
      short[] samples = new short[sb.remaining()];
      sb.get(samples);
      return new Capture(captureMs, null, samples);
    }
  }

  private long captureTime(long mediaUs) {
    if (live) {
      return clock.wallMillis();
    }
    if (originUs == Long.MIN_VALUE) {
      originUs = mediaUs;
    }
    long offsetUs = mediaUs - originUs;
    if (realtime && offsetUs > 0) {
      long waitNs = startNanos + offsetUs * 1000 - clock.nanoTime();
      if (waitNs > 0) {
        try {
          clock.sleep(Duration.ofNanos(waitNs));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return startWallMs + Math.floorDiv(offsetUs, 1000);
  }

  @Override
  public boolean live() {
    return live;
  }

  @Override
  public String description() {
    return description;
  }

  /** The input's frame rate as FFmpeg reports it, valid after start. */
  public double frameRate() {
    return grabber.getFrameRate();
  }

  /** True when the input has an audio track, valid after start. */
  public boolean hasAudio() {
    return grabber.hasAudio();
  }

  @Override
  public void close() {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // Nothing left to do with a grabber that failed to release; the process keeps running.
    }
    converter.close();
  }
}
