package se.portvakt.delivery.push;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gives the authenticator web app the server's VAPID public key to subscribe with (decision 0019, Push): open to
 * anyone, since it is public and the app asks before it is paired; the same on every node.
 */
@RestController
class PushKeyController {

    /** Where the key is read; open without a session ({@code WebSecurityConfig}). */
    static final String PATH = "/authenticator/api/push-key";

    private final VapidKeys keys;

    PushKeyController(VapidKeys keys) {
        this.keys = keys;
    }

    @GetMapping(value = PATH, produces = "application/json")
    ResponseEntity<PushKey> pushKey() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).body(new PushKey(keys.applicationServerKey()));
    }

    /** @param applicationServerKey base64url of the uncompressed P-256 point, as {@code PushManager.subscribe} takes it */
    record PushKey(String applicationServerKey) {}
}
