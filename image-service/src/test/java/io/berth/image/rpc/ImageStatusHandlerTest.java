package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.common.error.InvalidArgumentException;
import io.berth.cri.v1.ImageSpec;
import io.berth.cri.v1.ImageStatusRequest;
import io.berth.cri.v1.ImageStatusResponse;
import io.berth.image.content.ContentStore;
import io.berth.image.store.ImageStore;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which thread answers: the caller's (berthd's event loop) unless verbose, which reads from disk. */
class ImageStatusHandlerTest {

    @TempDir
    Path dir;
    ImageStatusHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        handler = new ImageStatusHandler(ImageStore.open(dir.resolve("images")),
                new ContentStore(dir.resolve("content")), new ImageMessages(List.of()));
    }

    @Test
    void aPlainCallIsAnsweredOnTheCallingThread() throws Exception {
        Answer a = new Answer();
        handler.handle(request("missing:1", false), a);
        assertSame(Thread.currentThread(), a.thread.getNow(null), "answered before handle returned");
        assertEquals(ImageStatusResponse.getDefaultInstance(), a.response.get(1, TimeUnit.SECONDS));
        assertThrows(InvalidArgumentException.class, () -> handler.handle(request(" ", false), new Answer()));
    }

    @Test
    void aVerboseCallIsAnsweredFromAVirtualThreadAndItsFailureGoesToOnError() throws Exception {
        Answer a = new Answer();
        handler.handle(request("missing:1", true), a);
        assertEquals(ImageStatusResponse.getDefaultInstance(), a.response.get(10, TimeUnit.SECONDS));
        Thread t = a.thread.get(10, TimeUnit.SECONDS);
        assertNotSame(Thread.currentThread(), t);
        assertTrue(t.isVirtual());
        Answer bad = new Answer();
        handler.handle(request(" ", true), bad);
        assertInstanceOf(InvalidArgumentException.class, bad.error.get(10, TimeUnit.SECONDS));
        assertFalse(bad.response.isDone());
    }

    private static ImageStatusRequest request(String image, boolean verbose) {
        return ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .setVerbose(verbose).build();
    }

    private static final class Answer implements StreamObserver<ImageStatusResponse> {
        final CompletableFuture<ImageStatusResponse> response = new CompletableFuture<>();
        final CompletableFuture<Thread> thread = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        private ImageStatusResponse last;

        @Override
        public void onNext(ImageStatusResponse r) {
            last = r;
        }

        @Override
        public void onError(Throwable t) {
            error.complete(t);
        }

        @Override
        public void onCompleted() {
            thread.complete(Thread.currentThread());
            response.complete(last);
        }
    }
}
