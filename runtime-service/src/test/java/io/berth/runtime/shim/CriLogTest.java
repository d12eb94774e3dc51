package io.berth.runtime.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CriLogTest {

    private static final String TS = "2026-11-28T05:57:46.806612957Z ";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "one full line         | stdout F a                           | a\\n  | ''   | 0",
        "partials joined       | stdout P ab;stdout P cd;stdout F e   | abcde\\n | '' | 0",
        "streams apart         | stdout F o;stderr F e                | o\\n  | e\\n | 0",
        "empty line            | stdout F                             | \\n   | ''   | 0",
        "unknown stream        | stdlog F x;stdout F y                | y\\n  | ''   | 1",
        "bad tag               | stdout X x                           | ''    | ''   | 1",
    })
    void parse(String name, String records, String out, String err, int malformed) {
        StringBuilder log = new StringBuilder();
        for (String r : records.split(";")) {
            log.append(TS).append(r.strip().equals("stdout F") ? "stdout F " : r.strip()).append('\n');
        }
        CriLog.Streams s = CriLog.parse(log.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(out.replace("\\n", "\n"), new String(s.stdout(), StandardCharsets.UTF_8));
        assertEquals(err.replace("\\n", "\n"), new String(s.stderr(), StandardCharsets.UTF_8));
        assertEquals(malformed, s.malformed());
    }

    @org.junit.jupiter.api.Test
    void truncatedLastRecordIsMalformed() {
        CriLog.Streams s = CriLog.parse((TS + "stdout F a\n" + TS + "stdout F b").getBytes(StandardCharsets.UTF_8));
        assertEquals("a\n", new String(s.stdout(), StandardCharsets.UTF_8));
        assertEquals(1, s.malformed());
    }
}
