package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.latchkey.server.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --log-format json: one line of JSON per event with ECS names, whatever the message holds. */
class EcsJsonLineTest {

    @Test
    void anEventIsOneLineOfJsonWithEcsNamesAndItsMessageEscaped() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("dev.latchkey.test"), Level.WARN,
                "client_id={} said \"hi\"\nINFO forged", new IllegalStateException("boom"), new Object[] {"c1"});
        String line = new EcsJsonLine().doLayout(event);

        assertThat(line.strip()).doesNotContain("\n");
        Map<String, Object> json = Http.json(line);
        assertThat(json).containsEntry("log.level", "WARN").containsEntry("log.logger", "dev.latchkey.test")
                .containsEntry("message", "client_id=c1 said \"hi\"\nINFO forged")
                .containsEntry("error.type", "java.lang.IllegalStateException")
                .containsEntry("ecs.version", EcsJsonLine.ECS_VERSION).containsKey("@timestamp");
        assertThat((String) json.get("error.stack_trace")).contains("boom");
    }
}
