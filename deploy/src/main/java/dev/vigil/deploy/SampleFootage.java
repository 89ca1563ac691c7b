package dev.vigil.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's default footage: {@code vtest.avi} (people walking) from Debian's {@code opencv-doc}
 * package, fetched with {@code apt-get download} and unpacked with {@code dpkg-deb}, which need no
 * root. Cached under {@code ~/.cache/vigil/samples}.
 */
final class SampleFootage {
  static final String MEMBER = "./usr/share/doc/opencv-doc/examples/data/vtest.avi";

  private SampleFootage() {}

  static Path cacheDir() {
    String env = System.getenv("VIGIL_SAMPLE_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "vigil", "samples");
  }

  /** Returns the path of vtest.avi, fetching it on first use. */
  static Path vtest() throws IOException, InterruptedException {
    Path dir = cacheDir();
    Path video = dir.resolve("vtest.avi");
    if (Files.isRegularFile(video)) {
      return video;
    }
    Files.createDirectories(dir);
    run(dir, List.of("apt-get", "download", "opencv-doc"));
    Path deb;
    try (var files = Files.list(dir)) {
      deb =
          files
              .filter(p -> p.getFileName().toString().startsWith("opencv-doc_"))
              .findFirst()
              .orElseThrow(() -> new IOException("apt-get download left no opencv-doc .deb"));
    }
    Path tmp = Files.createTempDirectory(dir, "unpack");
    String script =
        "dpkg-deb --fsys-tarfile '" + deb + "' | tar -x -C '" + tmp + "' '" + MEMBER + "'";
    run(dir, List.of("sh", "-c", script));
    Files.move(tmp.resolve(MEMBER), video, StandardCopyOption.ATOMIC_MOVE);
    Files.delete(deb);
    return video;
  }

  private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(
          "cannot fetch the sample footage ("
              + String.join(" ", command)
              + " failed). Run `apt-get update` first, or pass --source FILE.");
    }
  }
}
