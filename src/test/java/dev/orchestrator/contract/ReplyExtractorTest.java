package dev.orchestrator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.contract.ReplyExtractor.Extraction;
import dev.orchestrator.contract.ReplyExtractor.Source;
import org.junit.jupiter.api.Test;

class ReplyExtractorTest {

    private static Extraction.Found found(String json, Source source) {
        return new Extraction.Found(json, source);
    }

    @Test
    void jsonBlock_isFoundWithProseAroundIt() {
        String reply = "I looked at the code.\n\n```json\n{\"a\": 1}\n```\n\nLet me know if you need more.";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 1}", Source.JSON_BLOCK));
    }

    @Test
    void lastJsonBlock_wins() {
        String reply = "Draft:\n```json\n{\"a\": 1}\n```\nFinal:\n```json\n{\"a\": 2}\n```\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 2}", Source.JSON_BLOCK));
    }

    @Test
    void lastJsonBlock_winsEvenWhenItDoesNotParse() {
        String reply = "```json\n{\"a\": 1}\n```\n```json\n{\"a\": \n```\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": ", Source.JSON_BLOCK));
    }

    @Test
    void jsonBlock_winsOverALaterBlockInAnotherLanguage() {
        String reply = "```json\n{\"a\": 1}\n```\nExample input:\n```text\n{\"b\": 2}\n```\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 1}", Source.JSON_BLOCK));
    }

    @Test
    void tildeFencesAndAnyCaseInfo_areJsonBlocks() {
        assertThat(ReplyExtractor.extract("~~~JSON\n{\"a\": 1}\n~~~"))
                .isEqualTo(found("{\"a\": 1}", Source.JSON_BLOCK));
        assertThat(ReplyExtractor.extract("```Json title=\"plan\"\n{\"a\": 1}\n```"))
                .isEqualTo(found("{\"a\": 1}", Source.JSON_BLOCK));
    }

    @Test
    void indentedFencesAndCrlfLineEndings_areTolerated() {
        String reply = "Result:\r\n    ```json\r\n    {\"a\": 1,\r\n     \"b\": 2}\r\n    ```\r\nDone.\r\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("    {\"a\": 1,\n     \"b\": 2}", Source.JSON_BLOCK));
    }

    @Test
    void unlabelledBlockHoldingAnObject_isUsedWhenThereIsNoJsonBlock() {
        String reply = "```\n{\"a\": 1}\n```\n```python\nprint('hi')\n```\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 1}", Source.FENCED_BLOCK));
    }

    @Test
    void lastParsingBlock_winsAmongOtherLanguages() {
        String reply = "```js\n{\"a\": 1}\n```\n```\n{\"a\": 2}\n```\n```sh\nnpm test\n```";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 2}", Source.FENCED_BLOCK));
    }

    @Test
    void blocksThatDoNotHoldAnObject_areNotJson() {
        String reply = "```\n[1, 2]\n```\n```\n{not json}\n```\n";

        assertThat(ReplyExtractor.extract(reply))
                .isEqualTo(new Extraction.Missing("the answer has no fenced json block"));
    }

    @Test
    void wholeReply_isUsedWhenItIsAnObject() {
        assertThat(ReplyExtractor.extract("\n  {\"a\": 1}\n\n")).isEqualTo(found("{\"a\": 1}", Source.WHOLE_REPLY));
    }

    @Test
    void proseWithoutBlocks_hasNoJson() {
        assertThat(ReplyExtractor.extract("The plan has {three} items."))
                .isEqualTo(new Extraction.Missing("the answer has no fenced json block"));
        assertThat(ReplyExtractor.extract("")).isEqualTo(new Extraction.Missing("the answer is empty"));
    }

    @Test
    void unclosedBlock_runsToTheEnd() {
        assertThat(ReplyExtractor.extract("Here:\n```json\n{\"a\": 1}\n"))
                .isEqualTo(found("{\"a\": 1}\n", Source.JSON_BLOCK));
    }

    @Test
    void innerFences_doNotCloseALongerOrDifferentFence() {
        String reply = "````json\n{\"a\": \"```\"}\n```\n````\n~~~json\n{\"b\": 1}\n```\n~~~~\n";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"b\": 1}\n```", Source.JSON_BLOCK));
    }

    @Test
    void inlineTripleBackticks_areNotFences() {
        String reply = "```npm test``` runs the tests.\n```json\n{\"a\": 1}\n```";

        assertThat(ReplyExtractor.extract(reply)).isEqualTo(found("{\"a\": 1}", Source.JSON_BLOCK));
    }
}
