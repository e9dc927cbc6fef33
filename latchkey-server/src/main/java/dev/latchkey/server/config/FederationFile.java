package dev.latchkey.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.core.federation.Federation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's federation file ({@code --federation}): read and checked at the start (a bad file
 * stops the server, naming the member), and read again when its modification time or size changes,
 * so an issuer or rule is added without a restart. A changed file that does not parse is logged and
 * the previous trust kept. Thread-safe.
 */
public final class FederationFile implements Supplier<Federation> {

    private static final Logger LOG = LoggerFactory.getLogger(FederationFile.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // a member given twice is refused, not overwritten

    private record Loaded(Federation federation, FileTime modified, long size) {
    }

    private final Path file;
    private volatile Loaded loaded;

    /** @throws IllegalArgumentException the file cannot be read or is not a valid federation file */
    public FederationFile(Path file) {
        this.file = file;
        try {
            this.loaded = load();
        } catch (IOException e) {
            throw new IllegalArgumentException("--federation " + file + " is not a JSON object: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--federation " + file + ": " + e.getMessage(), e);
        }
    }

    /** No file: nothing trusted. */
    public static Supplier<Federation> of(Path file) {
        return file == null ? () -> Federation.NONE : new FederationFile(file);
    }

    /** The trust in force: the file as last read without error. */
    @Override
    public Federation get() {
        Loaded current = loaded;
        BasicFileAttributes now = attributesOrNull();
        boolean unchanged = now == null ? current.modified() == null
                : now.lastModifiedTime().equals(current.modified()) && now.size() == current.size();
        if (unchanged) {
            return current.federation();
        }
        synchronized (this) {
            if (loaded != current) {
                return loaded.federation();
            }
            try {
                loaded = load();
                LOG.info("Federation file {} read again: {} trusted issuer(s)", file, loaded.federation().issuers().size());
            } catch (IOException | IllegalArgumentException e) {
                FileTime modified = now == null ? null : now.lastModifiedTime();
                long size = now == null ? -1 : now.size();
                if (!java.util.Objects.equals(modified, current.modified()) || size != current.size()) {
                    // Said once per version of the file (or its absence): remember its time and size with the old trust.
                    loaded = new Loaded(current.federation(), modified, size);
                    LOG.error("Federation file {} changed but cannot be used, the previous trust is kept: {}", file,
                            e.getMessage());
                }
            }
            return loaded.federation();
        }
    }

    private Loaded load() throws IOException {
        // Time and size first: a write racing this read is seen as another change next time.
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        Map<String, Object> json = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { });
        return new Loaded(Federation.parse(json == null ? Map.of() : json), attributes.lastModifiedTime(),
                attributes.size());
    }

    /** One stat of the file: its time and size, or null if it cannot be read. */
    private BasicFileAttributes attributesOrNull() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }
}
