package dev.orchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactorTest {
    @Test
    void redact_masksKeysByTheirShape() {
        assertThat(Redactor.redact("key sk-ant-api03-abcdefghijklmnop used")).isEqualTo("key [REDACTED] used");
        assertThat(Redactor.redact("openai sk-proj-ABCDEFGHIJKLMNOPQRSTUV")).isEqualTo("openai [REDACTED]");
        assertThat(Redactor.redact("ghp_0123456789abcdefghijABCDEFGHIJ")).isEqualTo("[REDACTED]");
        assertThat(Redactor.redact("AKIAABCDEFGHIJKLMNOP")).isEqualTo("[REDACTED]");
    }

    @Test
    void redact_masksValuesOfSecretNamedSettings() {
        assertThat(Redactor.redact("ANTHROPIC_API_KEY=abc123xyz other=1"))
                .isEqualTo("ANTHROPIC_API_KEY=[REDACTED] other=1");
        assertThat(Redactor.redact("{\"api_key\": \"hunter22\"}")).isEqualTo("{\"api_key\": \"[REDACTED]\"}");
        assertThat(Redactor.redact("Authorization: Bearer abc.def.ghi")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(Redactor.redact("password: swordfish")).isEqualTo("password: [REDACTED]");
    }

    @Test
    void redact_findsSecretNamesInAnyCase() {
        assertThat(Redactor.redact("MyPassWord=abcd1234")).isEqualTo("MyPassWord=[REDACTED]");
        assertThat(Redactor.redact("x-Api-Key: abcd1234")).isEqualTo("x-Api-Key: [REDACTED]");
        assertThat(Redactor.redact("AUTHORIZATION=basic dXNlcjpwYXNz")).isEqualTo("AUTHORIZATION=basic [REDACTED]");
    }

    @Test
    void redact_leavesTokenCountsAlone_butNotSecretsNamedLikeThem() {
        String usage = "{\"usage\":{\"input_tokens\":1234,\"cache_read_input_tokens\":0,\"output_tokens\":56}}";

        assertThat(Redactor.redact(usage)).isEqualTo(usage);
        assertThat(Redactor.redact("refresh_token: 12345678")).isEqualTo("refresh_token: [REDACTED]");
        assertThat(Redactor.redact("\"access_tokens\": \"abcd1234\"")).isEqualTo("\"access_tokens\": \"[REDACTED]\"");
    }

    @Test
    void redact_leavesOrdinaryTextAlone() {
        String text = "Build a CLI that tracks tokens of appreciation; skip the key-value store";
        assertThat(Redactor.redact(text)).isEqualTo(text);
        String sha = "0123456789abcdef0123456789abcdef01234567";
        assertThat(Redactor.redact("start_commit=" + sha)).isEqualTo("start_commit=" + sha);
        assertThat(Redactor.redact(null)).isNull();
    }

    @Test
    void isSecretName_recognisesTheUsualNames() {
        assertThat(Redactor.isSecretName("ANTHROPIC_API_KEY")).isTrue();
        assertThat(Redactor.isSecretName("GITHUB_TOKEN")).isTrue();
        assertThat(Redactor.isSecretName("ANTHROPIC_BASE_URL")).isFalse();
    }
}
