package dev.vigil.deploy.drill;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One child OS process of the drill, with its output appended to a log file. */
final class Child {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Process process;

  Child(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  /** A JVM child on this JVM's java and class path. */
  static Child java(
      String name, String heap, List<String> jvmArgs, List<String> mainAndArgs, Path log) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-XX:+UseSerialGC");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.addAll(mainAndArgs);
    return new Child(name, cmd, log);
  }

  /**
   * This JVM's class path, absolute, so children started from another directory find it. A jar on
   * it keeps its manifest Class-Path, so {@code java -jar vigil.jar} passes on all of lib/.
   */
  static String classPath() {
    List<String> parts = new ArrayList<>();
    for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!p.isEmpty()) {
        parts.add(Path.of(p).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  synchronized Child start() {
    if (alive()) {
      return this;
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "=== " + java.time.Instant.now() + " " + String.join(" ", command) + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
    return this;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** {@code kill -9}, and waits until it is gone. */
  synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    waitGone(15);
    process = null;
  }

  /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
  synchronized void stop(int graceSeconds) {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!waitGone(graceSeconds)) {
      process.destroyForcibly();
      waitGone(15);
    }
    process = null;
  }

  private boolean waitGone(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Throws, naming the part and its log, when the process has exited. */
  synchronized void requireAlive() {
    if (process != null && !process.isAlive()) {
      throw new DrillException(
          name + " exited with " + process.exitValue() + "; see " + log + ": " + tail(log, 3));
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log)";
    }
  }
}
