package dev.latchkey.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Credentials in a file only its owner can read (0600), shared safely by every thread of this
 * process and by other processes using the same file.
 *
 * <p><b>Writes are atomic and durable.</b> {@link #save} writes a new temporary file next to the
 * store, syncs it, renames it over the store and syncs the directory. At every instant the path
 * names either the complete old credentials or the complete new ones, never a torn or empty file;
 * a crash during {@code save} leaves the old ones.
 *
 * <p><b>Why the order of writes is safe for rotating refresh tokens.</b> The {@link TokenManager}
 * saves a response's credentials before it hands out the new access token or could send the new
 * refresh token, and it deletes nothing first. So the store never holds <em>only</em> a token that
 * a later, completed write has superseded: whatever is on disk is either the pair the manager is
 * using or the one it used just before. The one window in which the stored refresh token has
 * already been spent is between the server's rotation and the rename; the manager recovers from a
 * crash in that window on its next start: the server's reuse grace window (if it has one) answers
 * the replayed token with the same successor, and otherwise the {@code invalid_grant} makes the
 * manager fall back to client credentials when it has them.
 *
 * <p><b>Several processes.</b> {@link #locked} takes an exclusive {@link FileLock} on
 * {@code <file>.lock} (and a lock for this process's threads, since a JVM cannot lock a file twice)
 * around a whole read → token request → write, so two processes never spend one refresh token.
 */
public final class FileCredentialStore implements CredentialStore {

    private final Path file;
    private final Path lockFile;
    private final ReentrantLock threads = new ReentrantLock();

    public FileCredentialStore(Path file) {
        this.file = file.toAbsolutePath();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<Credentials> load() {
        try {
            return Optional.of(Credentials.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credential store " + file, e);
        }
    }

    @Override
    public void save(Credentials credentials) {
        Path directory = file.getParent();
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, file.getFileName().toString(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer bytes = ByteBuffer.wrap(credentials.toJson().getBytes(StandardCharsets.UTF_8));
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true); // make the rename itself durable
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the credential store " + file, e);
        }
    }

    @Override
    public <T> T locked(Callable<T> action) throws Exception {
        threads.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.call();
            }
        } finally {
            threads.unlock();
        }
    }

    @Override
    public String toString() {
        return "FileCredentialStore[" + file + "]";
    }
}
