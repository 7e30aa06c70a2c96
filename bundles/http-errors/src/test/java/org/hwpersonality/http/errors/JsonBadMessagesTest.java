package org.hwpersonality.http.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class JsonBadMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jettysEarlyRefusalsAreJsonErrorsWithoutJettysReason() throws Exception {
        JsonBadMessages handler = new JsonBadMessages();
        for (int status : new int[] {400, 414, 431, 505}) {
            HttpFields fields = new HttpFields();
            ByteBuffer body = handler.badMessageError(status, "Illegal character SPACE=' ' in the parser", fields);
            String text = StandardCharsets.UTF_8.decode(body).toString();
            JsonNode e = JSON.readTree(text);
            assertThat(e.path("error").asText()).isEqualTo(status >= 500 ? "INTERNAL" : "INVALID_REQUEST");
            assertThat(e.path("message").asText()).isNotBlank();
            assertThat(text).doesNotContain("Illegal").doesNotContain("SPACE").doesNotContain("<");
            assertThat(fields.get("Content-Type")).isEqualTo("application/json");
        }
        assertThat(JSON.readTree(JsonBadMessages.body(414)).path("message").asText())
                .contains("URI is too long");
        assertThat(handler.badMessageError(204, null, new HttpFields()).remaining())
                .isZero();
    }
}
