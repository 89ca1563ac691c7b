package dev.vigil.deploy;

import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.audio.TimedFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil analyze-audio}: the audio features of any audio or video file, one per second. */
@Command(
    name = "analyze-audio",
    mixinStandardHelpOptions = true,
    description = {
      "Analyses the sound of any audio or video file, one line per second:",
      "A-weighted level in dBFS (a full-scale 1 kHz sine reads 0.0), alarm, impulse."
    })
final class AnalyzeAudioCommand implements Callable<Integer> {
  @Option(
      names = "--json",
      description =
          "One JSON object per second: {\"t\":…,\"laeq_dbfs\":…,\"alarm\":…,\"impulse\":…}")
  boolean json;

  @Parameters(paramLabel = "FILE")
  Path file;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new VigilCli.UsageException(file + ": no such file; give an audio or video file");
    }
    List<TimedFeatures> seconds = AudioAnalyzer.analyzeFile(file);
    if (!json) {
      System.out.println("     t  LAeq dBFS  alarm  impulse");
    }
    for (TimedFeatures s : seconds) {
      System.out.println(
          json
              ? s.toJsonLine()
              : String.format(
                  Locale.ROOT,
                  "%6.1f  %9.1f  %-5s  %s",
                  s.t(),
                  s.features().laeqDbfs(),
                  s.features().alarm(),
                  s.features().impulse()));
    }
    return 0;
  }
}
