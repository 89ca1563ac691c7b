package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sound and sight in one rule, end to end: a real video muxed with a real alarm clip raises "an
 * alarm is sounding while anyone is in view"; the same video muxed with a jackhammer does not. The
 * demo's cameras send sound features computed at the camera (the default); raw audio, opted into,
 * answers alike.
 */
class AlarmFusionIT {
  private static final Path DATA =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"));
  private static final String PROMPT = "Is an alarm sounding while anyone is in view?";

  @TempDir Path dir;

  /** Muxes the video's frames with the clip's samples into one mp4 (MPEG-4 video, AAC audio). */
  static Path mux(Path video, Path audio, Path out) throws Exception {
    try (FFmpegFrameGrabber v = new FFmpegFrameGrabber(video.toFile());
        FFmpegFrameGrabber a = new FFmpegFrameGrabber(audio.toFile())) {
      v.start();
      a.start();
      try (FFmpegFrameRecorder r =
          new FFmpegFrameRecorder(out.toFile(), v.getImageWidth(), v.getImageHeight(), 1)) {
        r.setFormat("mp4");
        r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
        r.setVideoQuality(2);
        r.setFrameRate(v.getFrameRate());
        r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        r.setSampleRate(a.getSampleRate());
        r.setAudioChannels(1);
        r.start();
        Frame f;
        while ((f = v.grabImage()) != null) {
          r.record(f);
        }
        while ((f = a.grabSamples()) != null) {
          r.record(f);
        }
        r.stop();
      }
    }
    return out;
  }

  private List<JsonNode> demo(Path source) throws Exception {
    return TestSites.demo("--source", source.toString(), "--prompt", PROMPT);
  }

  @Test
  void shouldOpenViolationWhenAlarmSoundsWhilePeopleAreInView() throws Exception {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    Path whistle = DATA.resolve("audio/opensfx/osfx_03.wav");
    assumeTrue(Files.isRegularFile(video) && Files.isRegularFile(whistle), "shared data absent");
    List<JsonNode> events = demo(mux(video, whistle, dir.resolve("walk-whistle.mp4")));
    assertThat(events).extracting(e -> e.get("state").asText()).contains("open");
    JsonNode open = events.get(0);
    assertThat(open.get("prompt").get("text").asText()).isEqualTo(PROMPT);
    assertThat(open.get("evidence").get("audio").get("alarm").asBoolean()).isTrue();
  }

  @Test
  void shouldAnswerAlikeFromFeaturesComputedAtTheCameraAndFromOptedInRawAudio() throws Exception {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    Path whistle = DATA.resolve("audio/opensfx/osfx_03.wav");
    assumeTrue(Files.isRegularFile(video) && Files.isRegularFile(whistle), "shared data absent");
    Path clip = mux(video, whistle, dir.resolve("walk-whistle.mp4"));
    List<JsonNode> features = demo(clip);
    List<JsonNode> pcm =
        TestSites.demo("--source", clip.toString(), "--prompt", PROMPT, "--audio", "pcm");
    for (List<JsonNode> events : List.of(features, pcm)) {
      assertThat(events).extracting(e -> e.get("state").asText()).contains("open");
      assertThat(events.get(0).get("evidence").get("audio").get("alarm").asBoolean()).isTrue();
    }
    assertThat(features.get(0).get("answer")).isEqualTo(pcm.get(0).get("answer"));
  }

  @Test
  void shouldStayQuietWhenOnlyAJackhammerIsHeard() throws Exception {
    Path video = DATA.resolve("video/face-demographics-walking.mp4");
    Path jackhammer = DATA.resolve("audio/opensfx/osfx_33.wav");
    assumeTrue(Files.isRegularFile(video) && Files.isRegularFile(jackhammer), "shared data absent");
    assertThat(demo(mux(video, jackhammer, dir.resolve("walk-jackhammer.mp4")))).isEmpty();
  }
}
