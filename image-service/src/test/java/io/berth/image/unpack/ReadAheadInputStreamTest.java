package io.berth.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {

    @Test
    void deliversEveryByteInOrderAcrossChunks() throws IOException {
        byte[] data = new byte[5 * (1 << 20) + 12345];
        new Random(1).nextBytes(data);
        try (ReadAheadInputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data))) {
            assertArrayEquals(data, in.readAllBytes());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void sourceFailureReachesTheReaderAfterTheGoodBytes() throws IOException {
        IOException boom = new IOException("boom");
        InputStream failing = new InputStream() {
            private int left = 3;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw boom;
            }
        };
        try (ReadAheadInputStream in = new ReadAheadInputStream(failing)) {
            IOException e = assertThrows(IOException.class, in::readAllBytes);
            assertSame(boom, e);
        }
    }

    @Test
    void closeStopsThePumpBeforeClosingTheSource() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream endless = new FilterInputStream(InputStream.nullInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) {
                return len; // never ends: only close() can stop the pump
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        ReadAheadInputStream in = new ReadAheadInputStream(endless);
        assertEquals(1000, in.readNBytes(1000).length);
        in.close();
        assertTrue(closed.get());
    }
}
