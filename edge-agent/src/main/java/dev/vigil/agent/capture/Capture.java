package dev.vigil.agent.capture;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One item from a {@link FrameSource}: either a video image or a block of audio samples.
 *
 * <p>Ownership: {@code image} belongs to the source and is valid only until the next {@link
 * FrameSource#grab()} or {@link FrameSource#close()}; copy or encode it to keep it. {@code audio}
 * is a fresh copy owned by the caller.
 *
 * @param captureTimeMs epoch ms of the image, or of the first audio sample
 * @param image BGR 8-bit image, or null for an audio item
 * @param audio 16 kHz mono signed 16-bit samples, or null for an image item
 */
public record Capture(long captureTimeMs, Mat image, short[] audio) {
  public boolean hasImage() {
    return image != null;
  }

  public boolean hasAudio() {
    return audio != null;
  }
}
