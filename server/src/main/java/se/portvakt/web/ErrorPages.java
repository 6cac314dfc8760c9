package se.portvakt.web;

import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.WebRequest;

/**
 * What the error page knows: the status and a reference id, never a stack trace or an exception message.
 * Server errors are logged with the same reference, so a person can quote it and an operator can find it.
 */
@Component
class ErrorPages extends DefaultErrorAttributes {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    @Override
    public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
        Map<String, Object> attributes = super.getErrorAttributes(request, ErrorAttributeOptions.defaults());
        String reference = UUID.randomUUID().toString().substring(0, 8);
        attributes.put("reference", reference);
        Throwable error = getError(request);
        Object status = attributes.get("status");
        if (error != null && status instanceof Integer code && code >= 500) {
            log.error("Unexpected error, reference {}", reference, error);
        }
        attributes.remove("trace");
        attributes.remove("message");
        attributes.remove("exception");
        attributes.remove("errors");
        return attributes;
    }
}
