package dev.vigil.config;

import java.util.List;

/**
 * A site configuration file that cannot be used. The message holds every problem found, one per
 * line, each in the form {@code <file>:<line>:<column>: <path>: <what is wrong>. <how to fix it>}.
 */
public class SiteConfigException extends VigilConfigException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public SiteConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public SiteConfigException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  /** The problems, one message each, in file order. */
  public List<String> problems() {
    return problems;
  }
}
