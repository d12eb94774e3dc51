package io.berth.image.unpack;

import io.berth.common.error.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Unpacks one layer blob into an empty directory and computes its diff id on
 * the way. Each layer gets its own directory (the overlay model), so the only
 * symlinks a member can meet are ones its own layer made earlier; those are
 * refused as path components (see {@link SnapshotTree}).
 *
 * <p>On failure the directory is left as it is; its owner (the snapshotter)
 * removes it.
 */
public final class LayerUnpacker {

    /**
     * What one unpack produced. {@code tarBytes} is the uncompressed length;
     * {@code implicitDirs} are the directories made for members below them
     * that had no member of their own, relative to the root, parents first.
     */
    public record Result(String diffId, long tarBytes, long entries, long fileBytes, List<String> implicitDirs) {
    }

    public Result unpack(Path blob, String mediaType, Path dir) throws IOException {
        LayerCompression compression = LayerCompression.forMediaType(mediaType);
        try (InputStream in = Files.newInputStream(blob)) {
            return unpack(in, compression, dir, true);
        } catch (TarFormatException e) {
            throw new InvalidArgumentException("layer " + blob.getFileName() + " (" + mediaType
                    + ") is not a readable tar stream: " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code compressed} to its end; the caller closes it. With
     * {@code readAhead}, decompression runs on a thread of its own; only for
     * sources that never block for long (a file), since that thread can
     * only be stopped between reads.
     */
    public Result unpack(InputStream compressed, LayerCompression compression, Path dir, boolean readAhead)
            throws IOException {
        DigestingInputStream digesting;
        try {
            digesting = new DigestingInputStream(compression.decompress(compressed));
        } catch (IOException e) {
            // The gzip header is read eagerly: a bad one shows up here.
            throw new TarFormatException("cannot decompress layer: " + e.getMessage(), e);
        }
        try (InputStream tar = readAhead ? new ReadAheadInputStream(digesting) : digesting) {
            TarReader reader = new TarReader(tar);
            EntryWriter writer = new EntryWriter(new SnapshotTree(dir));
            long entries = 0;
            for (TarEntry e; (e = reader.next()) != null; entries++) {
                if (Thread.interrupted()) {
                    throw new InterruptedIOException("unpack into " + dir + " interrupted");
                }
                write(writer, e, reader);
            }
            // The diff id covers the whole stream, padding after the end marker too.
            tar.transferTo(OutputStream.nullOutputStream());
            writer.finish();
            return new Result(digesting.digest(), digesting.count(), entries, writer.fileBytes(),
                    writer.implicitDirs());
        }
    }

    private static void write(EntryWriter writer, TarEntry e, TarReader reader) throws IOException {
        try {
            writer.write(e, reader.content());
        } catch (UnsafeEntryException x) {
            throw new InvalidArgumentException("layer entry \"" + e.name() + "\" refused: " + x.getMessage());
        } catch (InvalidPathException x) {
            // With a non-UTF-8 sun.jnu.encoding (LANG=C) Java cannot name non-ASCII files.
            throw new InvalidArgumentException("layer entry \"" + e.name() + "\" has a name this JVM cannot use ("
                    + x.getMessage() + "); run berthd with a UTF-8 locale such as LANG=C.UTF-8");
        } catch (TarFormatException x) {
            throw x;
        } catch (IOException x) {
            throw new IOException("layer entry \"" + e.name() + "\": " + x.getMessage(), x);
        }
    }
}
