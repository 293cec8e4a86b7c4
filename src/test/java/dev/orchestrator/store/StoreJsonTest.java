package dev.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreJsonTest {
    @Test
    void with_addsAFieldToAnEmptyOrFilledPayload() {
        assertThat(StoreJson.with("{}", "session", 7L)).isEqualTo("{\"session\":7}");
        assertThat(StoreJson.with(StoreJson.payload(Map.of("phase", "implement")), "attempt", 2))
                .isEqualTo("{\"phase\":\"implement\",\"attempt\":2}");
    }

    @Test
    void with_escapesAndRedactsTextLikePayload() {
        String text = "say \"hi\"\n API_KEY=abcdef123456";

        String added = StoreJson.with("{}", "note", text);

        assertThat(added).isEqualTo(StoreJson.payload(Map.of("note", text)));
        assertThat(added).doesNotContain("abcdef123456");
    }

    @Test
    void with_rendersOtherValuesAsJson() {
        assertThat(StoreJson.with("{\"a\":1}", "keys", List.of("W1", "W2")))
                .isEqualTo("{\"a\":1,\"keys\":[\"W1\",\"W2\"]}");
    }
}
