package dev.latchkey.server.config;

import dev.latchkey.core.key.MasterKey;
import dev.latchkey.core.secret.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data directory: the SQLite file and the secrets generated on first start (the
 * master key and the initial access token), each in a file only its owner can read (0600).
 *
 * <p>A secret file is written to a temporary file and hard-linked into place: the link is atomic
 * and fails if the file exists, so a crash never leaves a half-written secret and two processes
 * starting at once agree on one value.
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    public static final String MASTER_KEY_FILE = "master.key";
    public static final String INITIAL_ACCESS_TOKEN_FILE = "initial-access-token";

    /** The SQLite file's name in the data directory, when no database URL is given. */
    public static final String DATABASE_FILE = "latchkey.db";

    private final Path root;
    private final boolean mayCreate;

    private DataDirectory(Path root, boolean mayCreate) {
        this.root = root;
        this.mayCreate = mayCreate;
    }

    /** For {@code serve}: creates the directory, and the secrets in it, on first start. */
    public static DataDirectory open(Path root) {
        try {
            if (!Files.isDirectory(root)) {
                Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return new DataDirectory(root.toAbsolutePath().normalize(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root, e);
        }
    }

    /**
     * For the management commands: the directory of an installation that exists, made by
     * {@code serve}. Nothing is created: a wrong {@code --data-dir} would otherwise start a second
     * installation (a new master key and database) that the running server does not know.
     *
     * @param sqlite true when the database is the SQLite file in the directory, which must exist too;
     *               with PostgreSQL only the secrets not given in the environment are read from here
     */
    /** The file a serving node holds an exclusive lock on while it runs on this directory's SQLite store. */
    public static final String LOCK_FILE = "latchkey.lock";

    /**
     * Takes the exclusive lock of a serving node on this directory (an OS file lock: released when
     * the process ends, however it ends). SQLite allows one process to serve a data directory; a
     * second server on it stops here with a message instead of sharing the file.
     *
     * @return the lock, to release on close
     */
    public java.nio.channels.FileLock lockForServing() {
        try {
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(root.resolve(LOCK_FILE),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Another Latchkey server is running on the data directory " + root
                        + ": stop it first, or give this one its own --data-dir (several nodes share a PostgreSQL"
                        + " store, not a SQLite file)");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + root, e);
        }
    }

    public static DataDirectory existing(Path root, boolean sqlite) {
        Path absolute = root.toAbsolutePath().normalize();
        if (!sqlite) {
            return new DataDirectory(absolute, false); // a secret it must read from here is checked when read
        }
        if (!Files.isDirectory(absolute)) {
            throw new IllegalStateException("The data directory " + absolute + " does not exist. Point --data-dir"
                    + " (or LATCHKEY_DATA_DIR) at the directory of the server's installation; only `serve` creates one.");
        }
        if (!Files.isRegularFile(absolute.resolve(DATABASE_FILE))) {
            throw new IllegalStateException("The data directory " + absolute + " holds no database (" + DATABASE_FILE
                    + "). Point --data-dir at the server's data directory, or run `serve` once to create one.");
        }
        return new DataDirectory(absolute, false);
    }

    public Path root() {
        return root;
    }

    /** The master key from the environment if given, else from (or newly into) the key file. */
    public MasterKey masterKey(String fromEnvironment) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return MasterKey.parse(fromEnvironment);
        }
        return MasterKey.parse(secretFile(MASTER_KEY_FILE, () -> MasterKey.generate().encoded(), "master key"));
    }

    /** The RFC 7591 initial access token from the environment if given, else from (or into) its file. */
    public String initialAccessToken(String fromEnvironment) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        return secretFile(INITIAL_ACCESS_TOKEN_FILE, Secrets::random256, "initial access token");
    }

    private String secretFile(String name, java.util.function.Supplier<String> generator, String what) {
        Path file = root.resolve(name);
        if (!mayCreate && !Files.exists(file)) {
            throw new IllegalStateException("There is no " + what + " in " + root + " (" + name + "); give it in the"
                    + " environment as the server has it, or point --data-dir at the server's data directory.");
        }
        try {
            if (!Files.exists(file)) {
                Path temp = Files.createTempFile(root, name, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(temp, generator.get() + "\n", StandardCharsets.UTF_8);
                    try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.createLink(file, temp);
                    LOG.info("Generated the {}: written to {} (mode 0600)", what, file);
                } catch (FileAlreadyExistsException raced) {
                    LOG.debug("Another process created {} first", file);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            String value = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new IllegalStateException(file + " is empty; delete it to generate a new " + what);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
