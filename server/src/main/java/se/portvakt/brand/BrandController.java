package se.portvakt.brand;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves an application's logo and accent stylesheet under their content hash: the URL changes when the content
 * does, so browsers keep them for a year without asking again. An SVG is a document that could carry script, so it
 * gets a policy of its own that allows none (and browsers run none in an {@code <img>} anyway). Any other name, an
 * old hash included, is simply not found.
 */
@RestController
class BrandController {

    static final String SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    private static final Pattern FILE = Pattern.compile("[0-9a-f]{16}\\.(svg|png|css)");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._~-]{1,100}");
    private static final CacheControl FOR_A_YEAR = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();

    private final Brands brands;

    BrandController(Brands brands) {
        this.brands = brands;
    }

    @GetMapping("/brand/{clientId}/{file}")
    ResponseEntity<byte[]> file(@PathVariable String clientId, @PathVariable String file) {
        if (!FILE.matcher(file).matches() || !CLIENT_ID.matcher(clientId).matches()) {
            return ResponseEntity.notFound().build();
        }
        Optional<Brand> found = brands.of(clientId);
        if (found.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        Brand brand = found.get();
        if (brand.logo() != null && file.equals(brand.logoFile())) {
            var response = ResponseEntity.ok().cacheControl(FOR_A_YEAR);
            if (brand.logoType().equals("svg")) {
                return response.contentType(MediaType.valueOf("image/svg+xml"))
                        .header("Content-Security-Policy", SVG_POLICY).body(brand.logo());
            }
            return response.contentType(MediaType.IMAGE_PNG).body(brand.logo());
        }
        if (brand.accentColor() != null && file.equals(brand.stylesheetFile())) {
            return ResponseEntity.ok().cacheControl(FOR_A_YEAR).contentType(MediaType.valueOf("text/css;charset=UTF-8"))
                    .body(brand.stylesheet().getBytes(StandardCharsets.UTF_8));
        }
        return ResponseEntity.notFound().build();
    }
}
