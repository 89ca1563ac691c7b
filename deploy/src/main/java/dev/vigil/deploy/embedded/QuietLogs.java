package dev.vigil.deploy.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Lowers the embedded brokers' own loggers to WARN, so that a demo prints violations rather than
 * broker chatter. A level set explicitly in the logback configuration wins, and the system property
 * {@value #LEVEL_PROPERTY} (for example {@code INFO}) overrides the default. Thread-safe.
 */
final class QuietLogs {
  static final String LEVEL_PROPERTY = "vigil.broker.log.level";

  static final List<String> KAFKA =
      List.of(
          "kafka",
          "state.change.logger",
          "org.apache.kafka.server",
          "org.apache.kafka.controller",
          "org.apache.kafka.raft",
          "org.apache.kafka.metadata",
          "org.apache.kafka.image",
          "org.apache.kafka.storage",
          "org.apache.kafka.coordinator",
          "org.apache.kafka.queue",
          "org.apache.kafka.snapshot",
          "org.apache.kafka.network",
          "org.apache.kafka.security",
          "org.apache.kafka.common.network",
          "org.apache.kafka.common.config.AbstractConfig",
          "org.apache.kafka.common.utils.AppInfoParser",
          "org.apache.kafka.clients.admin",
          "org.apache.kafka.common.metrics");

  static final List<String> HIVEMQ =
      List.of("com.hivemq", "jetbrains.exodus", "oshi", "io.netty", "org.jboss", "migrations");

  private QuietLogs() {}

  static void apply(List<String> loggerNames) {
    // Only logback can be tuned here; with another binding its own configuration rules.
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Level level = Level.toLevel(System.getProperty(LEVEL_PROPERTY), Level.WARN);
    for (String name : loggerNames) {
      Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(level);
      }
    }
  }
}
