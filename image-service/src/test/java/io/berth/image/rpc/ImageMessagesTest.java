package io.berth.image.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.cri.v1.Image;
import io.berth.image.store.ImageRecord;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageMessagesTest {

    private static final String ID = "sha256:" + "c".repeat(64);

    private static ImageRecord record(String user, List<String> tags) {
        return new ImageRecord(ID, "sha256:" + "d".repeat(64), null, List.of(), tags,
                List.of("docker.io/library/busybox@sha256:" + "e".repeat(64)), 1234, user, 0);
    }

    @ParameterizedTest
    @CsvSource(value = {"1000, 1000, ''", "'1000:1000', 1000, ''", "nobody, -1, nobody", "'www:www', -1, www",
        "'', -1, ''"}, nullValues = "null")
    void userGoesToUidOrUsername(String user, long uid, String username) {
        Image.Builder b = Image.newBuilder();
        ImageMessages.applyUser(b, user);
        assertEquals(uid >= 0, b.hasUid());
        if (uid >= 0) {
            assertEquals(uid, b.getUid().getValue());
        }
        assertEquals(username, b.getUsername());
    }

    @Test
    void pinnedMatchesAnySpellingOfAName() {
        ImageMessages m = new ImageMessages(List.of("busybox:1.36", "registry.k8s.io/pause:3.10"));
        assertTrue(m.toImage(record("", List.of("docker.io/library/busybox:1.36"))).getPinned());
        assertFalse(m.toImage(record("", List.of("docker.io/library/busybox:1.37"))).getPinned());
        ImageMessages byId = new ImageMessages(List.of(ID));
        assertTrue(byId.toImage(record("", List.of())).getPinned());
    }

    @Test
    void carriesIdNamesAndSize() {
        Image i = new ImageMessages(List.of()).toImage(record("0", List.of("docker.io/library/busybox:latest")));
        assertEquals(ID, i.getId());
        assertEquals(ID, i.getSpec().getImage());
        assertEquals(List.of("docker.io/library/busybox:latest"), i.getRepoTagsList());
        assertEquals(1, i.getRepoDigestsCount());
        assertEquals(1234, i.getSize());
        assertEquals(0, i.getUid().getValue());
    }
}
