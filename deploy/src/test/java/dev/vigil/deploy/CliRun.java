package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the {@code vigil} command line in this JVM, with what it wrote: its exit code, its
 * stdout and its stderr.
 */
record CliRun(int exit, String out, String err) {
  /** Runs {@code vigil args}, capturing stdout and stderr until it returns. */
  static CliRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = VigilCli.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new CliRun(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** Runs {@code vigil command more}: a command line with {@code more} after its fixed part. */
  static CliRun of(List<String> command, String... more) {
    List<String> all = new ArrayList<>(command);
    all.addAll(List.of(more));
    return of(all.toArray(String[]::new));
  }

  /** The one line a usage error writes to stderr, once the run has exited as one does. */
  String usageError() {
    assertThat(exit).as(err).isEqualTo(VigilCli.EXIT_USAGE);
    return err.strip();
  }

  /** The last line of stdout, where a command run with {@code --json} writes its JSON. */
  String lastLine() {
    List<String> lines = out.lines().toList();
    return lines.get(lines.size() - 1);
  }
}
