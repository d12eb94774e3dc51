package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.AuthConfig;
import io.berth.cri.v1.StreamImagesRequest;
import io.berth.cri.v1.StreamImagesResponse;
import io.berth.image.registry.Credentials;
import io.berth.image.store.ImageRecord;
import io.berth.image.store.ImageStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamImagesHandlerTest {

    @TempDir
    Path dir;

    @Test
    void streamsEveryImageInBatches() throws Exception {
        ImageStore store = ImageStore.open(dir);
        for (int i = 0; i < 250; i++) {
            String id = String.format("sha256:%064x", i + 1);
            store.put(new ImageRecord(id, id, null, List.of(), List.of("docker.io/library/img" + i + ":latest"),
                    List.of(), 1, "", i));
        }
        ImageServiceHandlersIT.Collector<StreamImagesResponse> out = new ImageServiceHandlersIT.Collector<>();
        new StreamImagesHandler(store, new ImageMessages(List.of())).handle(StreamImagesRequest.getDefaultInstance(),
                out);
        assertTrue(out.completed);
        assertEquals(List.of(100, 100, 50), out.values.stream().map(StreamImagesResponse::getImagesCount).toList());
    }

    @Test
    void authConfigBecomesCredentialsWithoutLeakingThem() {
        Credentials c = PullImageHandler.credentials(AuthConfig.newBuilder().setUsername("u").setPassword("p4ss")
                .setServerAddress("reg.test").build());
        assertTrue(c.hasBasic());
        assertTrue(!c.toString().contains("p4ss"));
        assertTrue(PullImageHandler.credentials(AuthConfig.getDefaultInstance()).isAnonymous());
        assertTrue(!PullImageHandler.credentials(AuthConfig.newBuilder().setIdentityToken("refresh").build())
                .isAnonymous());
    }
}
