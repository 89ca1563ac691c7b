package dev.vigil.alerts;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Which Kafka client errors a consumer loop may retry. Network trouble, timeouts and broker
 * fail-overs pass; bad credentials, missing ACLs and bad configuration do not, and only a restart
 * with a fixed configuration can cure them.
 */
final class KafkaFailures {
  private KafkaFailures() {}

  /**
   * Throws {@code e} when retrying cannot help, and also a wakeup (the loop is being closed);
   * returns when the caller may retry.
   */
  static void throwUnlessRetriable(KafkaException e) {
    if (e instanceof WakeupException || fatal(e)) {
      throw e;
    }
  }

  /** True when retrying {@code e} cannot help. */
  static boolean fatal(Throwable e) {
    if (!(e instanceof KafkaException)) {
      return true; // not a client error: a bug, so let the process restart
    }
    return e instanceof AuthenticationException
        || e instanceof AuthorizationException
        || e instanceof InvalidGroupIdException
        || e instanceof InvalidTopicException
        || e instanceof FencedInstanceIdException
        || e instanceof UnsupportedVersionException;
  }
}
