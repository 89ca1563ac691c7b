package dev.vigil.deploy;

import dev.vigil.config.KafkaClients;
import dev.vigil.config.VigilConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vigil} command line. Every command has {@code --help}; bad input exits non-zero with
 * one clear line on stderr. Machine-readable output goes to stdout, logs to stderr.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    version = "vigil 0.1.0",
    description = "Streaming edge-vision safety monitor.",
    subcommands = {
      DemoCommand.class,
      AgentCommand.class,
      ProcessorCommand.class,
      AlertsCommand.class,
      PromptCommand.class,
      AnalyzeAudioCommand.class,
      BenchCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      dev.vigil.deploy.drill.DrillCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VigilCli implements Runnable {
  /** Exit code for input the user can fix: bad flags, bad config, a refused prompt. */
  public static final int EXIT_USAGE = 2;

  /** Exit code for a runtime failure: a broker unreachable, a source that cannot be read. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this rather than {@link #main}). */
  public static int execute(String... args) {
    // Several jars ship a logback.xml; logback's notice about that must not reach stdout.
    if (System.getProperty("logback.statusListenerClass") == null) {
      System.setProperty(
          "logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
    }
    CommandLine cli = new CommandLine(new VigilCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          // "vigil train helmet", not "vigil helmet": the whole command the user typed.
          err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(e));
          err.flush();
          return e instanceof VigilConfigException || e instanceof UsageException
              ? EXIT_USAGE
              : EXIT_FAILURE;
        });
    return cli.execute(args);
  }

  private static String oneLine(Throwable e) {
    // A refused login or TLS handshake says little on its own ("SSL handshake failed"): name
    // the cause and the settings to check.
    String refused = KafkaClients.authenticationFailure(e);
    if (refused != null) {
      return refused;
    }
    String msg = e.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = e.getClass().getSimpleName();
    }
    return msg;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command: try `vigil demo` or `vigil --help`");
  }

  /** Input the user can fix; exits with {@link #EXIT_USAGE}. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
