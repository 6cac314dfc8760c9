package se.portvakt.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.core.metrics.ApplicationStartup;

import se.portvakt.testing.HttpAgent;
import se.portvakt.testing.OnH2;

/** Start-up steps are recorded only when the operator asks for them. */
class StartupStepsTest {

    @Test
    void nothingIsRecordedUnlessAsked() {
        var application = new SpringApplication(Object.class);
        System.clearProperty(StartupSteps.PROPERTY);

        StartupSteps.recordIfAsked(application);

        assertThat(application.getApplicationStartup()).isSameAs(ApplicationStartup.DEFAULT);
    }

    @Test
    void askingRecordsTheSteps() {
        var application = new SpringApplication(Object.class);
        System.setProperty(StartupSteps.PROPERTY, "true");
        try {
            StartupSteps.recordIfAsked(application);
        } finally {
            System.clearProperty(StartupSteps.PROPERTY);
        }

        assertThat(application.getApplicationStartup()).isInstanceOf(BufferingApplicationStartup.class);
    }

    /** The record names every bean and its timing: it is not for strangers, also when an operator turns it on. */
    @OnH2
    static class StartupEndpoint {

        @Value("${portvakt.issuer}")
        String issuer;

        @Test
        void isNotPublic() {
            HttpResponse<String> response = new HttpAgent(issuer).get("/actuator/startup");

            assertThat(response.statusCode()).isNotEqualTo(200);
        }
    }
}
