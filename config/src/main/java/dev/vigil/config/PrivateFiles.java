package dev.vigil.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files only the service's own user may read: Vigil keeps camera frames (spool), stream
 * state and broker data on disk. Folders are 0700 and files 0600, whatever the umask. Stateless.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /**
   * Creates {@code dir} and its missing parents as 0700, and makes {@code dir} itself 0700 when it
   * already existed. Returns {@code dir}.
   */
  public static Path createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (POSIX) {
      Files.createDirectories(abs, PosixFilePermissions.asFileAttribute(DIR));
      Files.setPosixFilePermissions(abs, DIR);
    } else {
      Files.createDirectories(abs);
    }
    return dir;
  }

  /** The attribute that creates a file as 0600, for {@code Files.createFile} and the like. */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** Makes an existing file 0600. */
  public static void restrict(Path file) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }
}
